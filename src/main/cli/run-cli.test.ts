import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { openSqlite } from '../db/sqlite';
import { tempDir } from '../db/test-helpers';
import { sampleProfiles, sampleSecretValues } from '../profiles/fixtures';
import { openStore, vaultFileName } from '../store/open-store';
import { dataBeforeUrlCleanup } from '../store/test-helpers';
import { cli, env, manifest, writeJson, type CliRun } from './test-helpers';

function grepDir(dir: string, needles: string[]): string[] {
  return fs
    .readdirSync(dir)
    .flatMap((name) =>
      needles
        .filter((n) => fs.readFileSync(path.join(dir, name)).includes(n))
        .map((n) => `${name}:${n}`),
    );
}

/** `rackside recovery --dismiss` says `said`; the next command warns no more. Returns that run. */
async function dismissInCli(dir: string, said: string): Promise<CliRun> {
  expect(await cli(['--data-dir', dir, 'recovery', '--dismiss'])).toEqual({
    code: 0,
    stdout: `${said}\n`,
    stderr: '',
  });
  const next = await cli(['--data-dir', dir, 'profiles', 'list']);
  expect(next).toMatchObject({ code: 0, stderr: '' });
  return next;
}

describe('rackside profiles, probes and the data folder', () => {
  it('imports ~/.ssh/config, saying what it skipped and what it took another way', async () => {
    const dir = tempDir();
    const config = path.join(tempDir(), 'config');
    fs.writeFileSync(
      config,
      [
        'Host lab',
        '  HostName 10.0.0.5',
        '  User ops',
        '  StrictHostKeyChecking no',
        'Host proxied',
        '  HostName 10.0.0.6',
        '  ProxyCommand nc %h %p',
      ].join('\n'),
    );
    const run = await cli(['--data-dir', dir, 'profiles', 'import', '--ssh-config', config]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('Imported 1 new and 0 updated profiles.');
    expect(lines.filter((l) => l.startsWith('Skipped '))).toEqual([
      expect.stringMatching(/^Skipped proxied: /) as unknown,
    ]);
    expect(lines.filter((l) => l.startsWith('Note: '))).toEqual([
      'Note: StrictHostKeyChecking no in lab: imported as accept-new: new host keys are remembered, and a changed key is refused.',
    ]);
  });

  it('imports a manifest, lists without secrets, and refuses a wrong passphrase changing nothing', async () => {
    const dir = tempDir();
    const file = writeJson(JSON.parse(JSON.stringify(manifest)));
    const imported = await cli(['--data-dir', dir, 'profiles', 'import', file], { env });
    expect(imported).toMatchObject({ code: 0, stdout: 'Imported 5 new and 0 updated profiles.\n' });
    const listed = await cli(['--data-dir', dir, '--json', 'profiles', 'list']);
    expect(listed.code).toBe(0);
    const profiles = JSON.parse(listed.stdout) as { name: string; hasSecret: object }[];
    expect(profiles.map((p) => p.name).sort()).toEqual([
      'bastion',
      'foreman-lab',
      'patchmon-lab',
      'pve-lab',
      'router-1',
    ]);
    for (const secret of sampleSecretValues) expect(listed.stdout).not.toContain(secret);
    expect(grepDir(dir, sampleSecretValues)).toEqual([]);

    const before = fs.readFileSync(path.join(dir, 'vault.json'));
    const wrong = await cli(['--data-dir', dir, 'profiles', 'import', file], {
      env: { RACKSIDE_PASSPHRASE: 'not it at all' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('rackside: Wrong passphrase; the vault stays locked.\n');
    expect(fs.readFileSync(path.join(dir, 'vault.json')).equals(before)).toBe(true);
    const shown = await cli(['--data-dir', dir, 'profiles', 'show', 'ROUTER-1']);
    expect(shown.stdout).toMatch(/secrets: {4}password=stored/);
  });

  it('lists profiles under a header row, as the inventory table, and as blocks when narrow', async () => {
    const dir = tempDir();
    expect(
      (await cli(['--data-dir', dir, 'profiles', 'import', writeJson(manifest)], { env })).code,
    ).toBe(0);
    const listed = await cli(['--data-dir', dir, 'profiles', 'list']);
    expect(listed.code).toBe(0);
    const [header = '', ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header.split(/\s+/)).toEqual(['NAME', 'KIND', 'FOLDER', 'TARGET']);
    expect(rows.map((row) => row.split(/\s+/)[0]).sort()).toEqual(
      manifest.profiles.map((p) => p.name).sort(),
    );
    // Each value starts under its heading.
    const kindAt = header.indexOf('KIND');
    const pve = rows.find((row) => row.startsWith('pve-lab ')) ?? '';
    expect(pve.slice(kindAt).split(/\s+/).slice(0, 2)).toEqual(['proxmox', 'Lab']);

    const narrow = await cli(['--data-dir', dir, 'profiles', 'list'], { columns: 30 });
    const blocks = narrow.stdout.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(manifest.profiles.length);
    expect(blocks.find((block) => block.startsWith('NAME:    pve-lab\n'))).toMatch(
      /^NAME: {4}pve-lab\nKIND: {4}proxmox\nFOLDER: {2}Lab\nTARGET: {2}https:\/\/\S+$/,
    );
  });

  it('adds with prompted secrets, edits fields, exports plain and removes', async () => {
    const dir = tempDir();
    const { secrets: _s, ...router } = sampleProfiles[3]!;
    const added = await cli(
      ['--data-dir', dir, 'profiles', 'add', '--from', writeJson(router), '--secret', 'password'],
      {
        env,
        stdin: 'typed-secret-9999\n',
      },
    );
    expect(added.code).toBe(0);
    expect(added.stderr).toContain('password: ');
    // A secret the profile has no use for, or a profile that cannot be saved, is refused before
    // any prompt.
    const wrongField = await cli(
      [
        '--data-dir',
        dir,
        'profiles',
        'add',
        '--from',
        writeJson({ ...router, name: 'r2' }),
        '--secret',
        'token',
      ],
      { env, stdin: 'never-read\n' },
    );
    expect(wrongField.code).toBe(2);
    expect(wrongField.stderr).toBe(
      'rackside: This profile has no secret token; it takes password.\n',
    );
    const unnamed = await cli(
      [
        '--data-dir',
        dir,
        'profiles',
        'add',
        '--from',
        writeJson({ ...router, name: '' }),
        '--secret',
        'password',
      ],
      { env, stdin: 'never-read\n' },
    );
    expect(unnamed.code).toBe(1);
    expect(unnamed.stderr).not.toContain('password: ');
    expect(unnamed.stderr).toMatch(/name/i);
    // An SSH profile names its jump host as a manifest does.
    const ssh = (name: string, jumpHost?: string) =>
      JSON.stringify({
        name,
        connection: {
          kind: 'ssh',
          host: `${name}.example.net`,
          username: 'ops',
          auth: { mode: 'agent' },
          ...(jumpHost === undefined ? {} : { jumpHost }),
        },
      });
    expect((await cli(['--data-dir', dir, 'profiles', 'add'], { stdin: ssh('hop') })).code).toBe(0);
    const behind = await cli(['--data-dir', dir, '--json', 'profiles', 'add'], {
      stdin: ssh('inner', 'HOP'),
    });
    const hop = await cli(['--data-dir', dir, '--json', 'profiles', 'show', 'hop']);
    expect(JSON.parse(behind.stdout)).toMatchObject({
      connection: { jumpHostId: (JSON.parse(hop.stdout) as { id: string }).id },
    });
    const unknown = await cli(['--data-dir', dir, 'profiles', 'add'], {
      stdin: ssh('lost', 'nowhere'),
    });
    expect(unknown.stderr).toBe('rackside: connection.jumpHost: no profile named "nowhere".\n');
    const edited = await cli([
      '--data-dir',
      dir,
      '--json',
      'profiles',
      'edit',
      'router-1',
      '--set',
      'connection.port=8730',
      '--set',
      'tags=edge, core',
    ]);
    expect(edited.code).toBe(0);
    expect(JSON.parse(edited.stdout)).toMatchObject({
      connection: { port: 8730 },
      tags: ['edge', 'core'],
      hasSecret: { password: true },
    });
    // The jump host by name, as a manifest names it; none clears it.
    const hopId = (JSON.parse(hop.stdout) as { id: string }).id;
    const through = await cli(['--data-dir', dir, '--json', 'profiles', 'add'], {
      stdin: ssh('direct'),
    });
    expect(through.code).toBe(0);
    const jumpThrough = async (value: string): Promise<unknown> => {
      const edit = ['profiles', 'edit', 'direct', '--set', `connection.jumpHost=${value}`];
      return JSON.parse((await cli(['--data-dir', dir, '--json', ...edit])).stdout) as unknown;
    };
    expect(await jumpThrough('hop')).toMatchObject({ connection: { jumpHostId: hopId } });
    expect(await jumpThrough('none')).toMatchObject({ connection: { jumpHostId: null } });
    const out = path.join(dir, 'export.json');
    expect((await cli(['--data-dir', dir, 'profiles', 'export', out])).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).not.toContain('typed-secret-9999');
    expect(grepDir(dir, ['typed-secret-9999'])).toEqual([]);
    // A folder or a folder that does not exist: one clear line, nothing left or made.
    const intoFolder = await cli(['--data-dir', dir, 'profiles', 'export', dir]);
    expect(intoFolder.code).toBe(1);
    expect(intoFolder.stderr).toBe(
      `rackside: Cannot write ${dir}: it is a folder; name a file in it.\n`,
    );
    const typo = path.join(dir, 'no-such', 'x.json');
    const missing = await cli(['--data-dir', dir, 'profiles', 'export', typo]);
    expect(missing.stderr).toBe(
      `rackside: Cannot write ${typo}: the folder ${path.dirname(typo)} does not exist.\n`,
    );
    expect(fs.existsSync(path.dirname(typo))).toBe(false);
    const leftBeside = fs
      .readdirSync(path.dirname(dir))
      .filter((f) => f.includes(path.basename(dir)) && f.includes('.tmp'));
    expect(leftBeside).toEqual([]);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect((await cli(['--data-dir', dir, 'profiles', 'remove', 'router-1'])).code).toBe(0);
    expect((await cli(['--data-dir', dir, 'profiles', 'show', 'router-1'])).stderr).toBe(
      'rackside: No profile named "router-1".\n',
    );
  });

  it('keeps a stored token when the login method changes, says so, and removes it once the new one is saved', async () => {
    const dir = tempDir();
    const foreman = {
      name: 'Lab Foreman',
      connection: {
        kind: 'foreman',
        url: 'https://foreman.example.net',
        auth: { mode: 'token', username: 'admin' },
      },
      secrets: { token: 'foreman-token-1234' },
    };
    const run = (...args: string[]) => cli(['--data-dir', dir, ...args], { env });
    expect(
      (await cli(['--data-dir', dir, 'profiles', 'add'], { env, stdin: JSON.stringify(foreman) }))
        .code,
    ).toBe(0);
    const toPassword = await run(
      'profiles',
      'edit',
      'Lab Foreman',
      '--set',
      'connection.auth.mode=password',
    );
    expect(toPassword.code).toBe(0);
    expect(toPassword.stdout).toBe(
      'Updated "Lab Foreman".\n' +
        'Kept its stored token, which these settings do not use, for going back to the earlier ones; it is removed once password is saved (--secret password).\n',
    );
    expect((await run('profiles', 'show', 'Lab Foreman')).stdout).toContain(
      'kept:       token (not used with these settings)',
    );
    // Back to the token: it is there, and used again.
    const back = await run(
      '--json',
      'profiles',
      'edit',
      'Lab Foreman',
      '--set',
      'connection.auth.mode=token',
    );
    expect(JSON.parse(back.stdout)).toMatchObject({
      hasSecret: { token: true },
      keptSecrets: [],
      removedSecrets: [],
    });
    const store = openStore({ dataDir: dir, logger: silentLogger });
    await store.vault.unlock(env.RACKSIDE_PASSPHRASE);
    const id = store.profiles.resolve('Lab Foreman').id;
    expect(store.profiles.getSecrets(id)).toEqual({ token: 'foreman-token-1234' });
    store.close();

    // A password saved with the new method completes the change: the token goes, and it is said.
    const done = await cli(
      [
        '--data-dir',
        dir,
        'profiles',
        'edit',
        'Lab Foreman',
        '--set',
        'connection.auth.mode=password',
        '--secret',
        'password',
      ],
      { env, stdin: 'foreman-password-1\n' },
    );
    expect(done.stdout).toBe(
      'Updated "Lab Foreman".\nRemoved its stored token: these settings do not use it.\n',
    );
    const after = await run('--json', 'profiles', 'show', 'Lab Foreman');
    expect(JSON.parse(after.stdout)).toMatchObject({
      hasSecret: { password: true },
      keptSecrets: [],
    });
  });

  it('refuses a manifest naming a secret its profile does not use before opening the vault', async () => {
    const dir = tempDir();
    const file = writeJson({
      rackside: 'profile-manifest',
      version: 1,
      profiles: [
        {
          name: 'bastion',
          connection: { kind: 'ssh', host: 'b.lab', username: 'ops', auth: { mode: 'agent' } },
          secrets: { password: 'never-stored-1' },
        },
      ],
    });
    const run = await cli(['--data-dir', dir, 'profiles', 'import', file], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'rackside: Invalid profile file: profiles[0] "bastion": secrets.password: a ssh profile with this authentication does not use "password" (it uses: none)\n',
    );
    expect(fs.existsSync(path.join(dir, vaultFileName))).toBe(false);
  });

  it('answers nothing from a damaged database it had to replace, and says where the old one went', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    fs.writeFileSync(path.join(dir, 'rackside.db'), Buffer.alloc(40_000, 7));
    const result = await cli(['--data-dir', dir, 'inventory', '--no-check']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^rackside: warning: The database .*rackside\.db is damaged \(not an SQLite file\)\. It was moved to .*rackside\.db\.corrupt-.*, with the profiles, their secrets, the inventory and its joins and splits,/,
    );
    expect(result.stderr).toMatch(
      /\nrackside: Nothing to show: the data was in the damaged database \(see the warning above\)\.\n$/,
    );
    expect(fs.readdirSync(dir).some((name) => name.startsWith('rackside.db.corrupt-'))).toBe(true);
  });

  it('warns at every later run that the damaged database was moved aside, until it is dismissed', async () => {
    const dir = tempDir();
    expect(
      (await cli(['--data-dir', dir, 'profiles', 'import', writeJson(manifest)], { env })).code,
    ).toBe(0);
    fs.writeFileSync(path.join(dir, 'rackside.db'), Buffer.alloc(40_000, 7));
    const found = await cli(['--data-dir', dir, 'profiles', 'list']);
    expect(found.code).toBe(1);
    const warning = found.stderr.split('\n')[0]!;
    expect(warning).toMatch(
      /^rackside: warning: The database .* is damaged \(not an SQLite file\)\. It was moved to /,
    );

    // Later runs answer from the new database, and still say where the data went.
    for (let run = 0; run < 2; run++) {
      const later = await cli(['--data-dir', dir, 'profiles', 'list']);
      expect(later).toEqual({
        code: 0,
        stdout: 'No profiles.\n',
        stderr: `${warning}\nrackside: warning: This is said at every start until it is dismissed: rackside recovery --dismiss (or Dismiss on the banner in the app).\n`,
      });
    }
    const shown = await cli(['--data-dir', dir, 'recovery']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(warning.replace('rackside: warning: ', ''));
    expect(shown.stdout).toMatch(
      /\n\nOnce dealt with, dismiss with: rackside recovery --dismiss\n$/,
    );

    const after = await dismissInCli(
      dir,
      'Dismissed: Rackside no longer warns about the damaged database it moved aside.',
    );
    expect(after.stdout).toBe('No profiles.\n');
    expect(await cli(['--data-dir', dir, '--json', 'recovery'])).toEqual({
      code: 0,
      stdout: '{\n  "recoveries": []\n}\n',
      stderr: '',
    });
  });

  it('warns at every run which profiles an update took a URL password from, until it is dismissed', async () => {
    const dir = tempDir();
    const password = 'Hunter2-in-the-url';
    dataBeforeUrlCleanup(dir, password);
    const warning =
      'rackside: warning: Rackside no longer keeps passwords in source URLs, where they were stored unencrypted: the update took the password out of the URL of "Foreman prod" and "Patches". To connect with them again, open each profile and enter its password in the profile\'s secret, which the vault keeps encrypted.\nrackside: warning: This is said at every start until it is dismissed: rackside recovery --dismiss (or Dismiss on the banner in the app).\n';
    for (let run = 0; run < 2; run++) {
      const listed = await cli(['--data-dir', dir, 'profiles', 'list']);
      expect(listed).toMatchObject({ code: 0, stderr: warning });
      expect(listed.stdout).toContain('https://fm.lab/');
      expect(listed.stdout).not.toContain(password);
    }
    await dismissInCli(dir, 'Dismissed: Rackside no longer warns about what it reported.');
  });

  it('says another Rackside process is upgrading the data folder when it waited for it in vain', async () => {
    const dir = tempDir();
    dataBeforeUrlCleanup(dir, 'pw');
    // Another process upgrading the database: it holds the write lock for longer than the wait.
    const upgrading = openSqlite(path.join(dir, 'rackside.db'));
    upgrading.exec('BEGIN IMMEDIATE');
    try {
      expect(await cli(['--data-dir', dir, 'profiles', 'list'])).toEqual({
        code: 1,
        stdout: '',
        stderr: `rackside: Another Rackside process is setting up or upgrading the data folder ${dir} (or writing to it) and did not finish within 5 seconds. Try again once it is done.\n`,
      });
    } finally {
      upgrading.exec('ROLLBACK');
      upgrading.close();
    }
    // Nothing was lost: once the other process is done, the upgrade goes through.
    expect(await cli(['--data-dir', dir, 'profiles', 'list'])).toMatchObject({ code: 0 });
  });

  it('probes a TLS server, pins its certificate, and passes afterwards', async () => {
    const dir = tempDir();
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
    });
    const server = tls.createServer({ key: pems.private, cert: pems.cert }, (socket) =>
      socket.end(),
    );
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const profile = {
        name: 'pve',
        connection: {
          kind: 'proxmox',
          url: `https://127.0.0.1:${port}`,
          auth: { mode: 'token', tokenId: 'a@pam!b' },
        },
      };
      await cli(['--data-dir', dir, 'profiles', 'add'], { stdin: JSON.stringify(profile) });
      const first = await cli(['--data-dir', dir, 'profiles', 'probe', 'pve']);
      expect(first.code).toBe(1);
      expect(first.stdout).toMatch(/^FAIL tls +\d+ ms {2}TLS: the certificate is not trusted/m);
      expect((await cli(['--data-dir', dir, 'profiles', 'probe', 'pve', '--pin'])).code).toBe(0);
      const after = await cli(['--data-dir', dir, '--json', 'profiles', 'probe', 'pve']);
      expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, trust: 'pinned' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
