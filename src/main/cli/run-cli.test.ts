import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import type { ManifestInput } from '../../shared/manifest';
import { silentLogger } from '../core/logger';
import { openSqlite } from '../db/sqlite';
import { tempDir } from '../db/test-helpers';
import { sampleProfiles, sampleSecretValues } from '../profiles/fixtures';
import { openStore, vaultFileName } from '../store/open-store';
import { dataBeforeUrlCleanup } from '../store/test-helpers';
import { cli, cliOnTerminal, type CliRun } from './test-helpers';

const env = { RACKSIDE_PASSPHRASE: 'cli passphrase 1' };
const manifest: ManifestInput = {
  rackside: 'profile-manifest',
  version: 1,
  profiles: sampleProfiles.map(({ name, folder, tags, connection, secrets }) => ({
    name,
    folder,
    tags,
    connection: connection.kind === 'ssh' ? { ...connection, jumpHostId: undefined } : connection,
    secrets: secrets as Record<string, string>,
  })),
};

function writeJson(value: unknown): string {
  const file = path.join(tempDir(), 'input.json');
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

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

describe('rackside profiles', () => {
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

  it('prints its version with --version and exits 0', async () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await cli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('says in --help which environment variables it reads and what its exit codes mean', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const variable of [
      'RACKSIDE_PASSPHRASE',
      'RACKSIDE_EXPORT_PASSPHRASE',
      'RACKSIDE_PROXMOX_OTP',
      'RACKSIDE_DATA_DIR',
      'RACKSIDE_LOG',
    ]) {
      expect(text).toContain(variable);
    }
    expect(text).toContain('Exit codes: 0 ok, 1 failure, 2 usage');
    for (const code of ['130', '141', '143']) expect(text).toContain(code);
  });

  it('shows the help of the command named after help, also of one inside another', async () => {
    for (const words of [
      ['profiles', 'add'],
      ['export', 'ansible'],
      ['asset', 'split'],
    ]) {
      const help = await cli(['help', ...words]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: rackside ${words.join(' ')} `));
      expect(help.stdout).toBe((await cli([...words, '--help'])).stdout);
    }
    expect(await cli(['help', 'frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "rackside: unknown command 'frobnicate'\n",
    });
  });

  it('exits 2 on usage errors and 1 on failures, with one clear line', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const usage = [
      ['profiles', 'frobnicate'],
      ['profiles', 'list', '--bogus'],
      ['profiles', 'show'],
      ['profiles', 'edit', 'x', '--secret', 'nonsense'],
      ['profiles', 'add', '--secret', 'password'],
    ];
    for (const args of usage) expect((await cli(['--data-dir', dir, ...args])).code).toBe(2);
    // `--data-dir "$DIR"` with DIR unset: a usage error, whatever the command.
    for (const args of [['profiles', 'list'], ['profiles', 'import', '-'], ['recovery']]) {
      expect(await cli(['--data-dir', '', ...args])).toEqual({
        code: 2,
        stdout: '',
        stderr: 'rackside: --data-dir is empty: give the folder to use.\n',
      });
    }
    // The argument parser's own errors read like the rest.
    expect((await cli(['--data-dir', dir, 'profiles', 'list', '--bogus'])).stderr).toBe(
      "rackside: unknown option '--bogus'\n",
    );
    const badJson = await cli(['--data-dir', dir, 'profiles', 'add'], { stdin: '{"name": ' });
    expect(badJson).toMatchObject({ code: 1 });
    expect(badJson.stderr).toBe(
      'rackside: The profile given is not valid JSON: it ends at line 1, column 10 before the JSON is complete (cut short?).\n',
    );
    const badProfile = await cli(['--data-dir', dir, 'profiles', 'add'], {
      stdin: JSON.stringify({
        name: 'x',
        connection: {
          kind: 'ssh',
          host: '-oProxyCommand=sh',
          username: 'u',
          auth: { mode: 'agent' },
        },
      }),
    });
    expect(badProfile.code).toBe(1);
    expect(badProfile.stderr).toMatch(/connection\.host: Host must be a host name/);
    const portInHost = await cli(['--data-dir', dir, 'profiles', 'add'], {
      stdin: JSON.stringify({
        name: 'edge',
        connection: { kind: 'routeros', host: 'router.example:8729', username: 'u' },
      }),
    });
    expect(portInHost.code).toBe(1);
    expect(portInHost.stderr).toContain(
      'connection.host: Put the port in the Port field: host router.example, port 8729',
    );
    expect((await cli(['--data-dir', dir, 'profiles', 'import', '/nonexistent.json'])).code).toBe(
      1,
    );
  });

  it('imports a manifest from stdin when the file is -', async () => {
    const dir = tempDir();
    const run = await cli(['--data-dir', dir, 'profiles', 'import', '-'], {
      env,
      stdin: JSON.stringify(manifest),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('created a new vault');
    expect(run.stdout).toBe(
      `Imported ${String(manifest.profiles.length)} new and 0 updated profiles.\n`,
    );
    const listed = await cli(['--data-dir', dir, 'profiles', 'list']);
    expect(listed.stdout.trim().split('\n')).toHaveLength(manifest.profiles.length);
  });

  it('says in words why it cannot read a file it was given, not with a system error code', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const missing = path.join(dir, 'no-such-manifest.json');
    expect(await cli(['--data-dir', dir, 'profiles', 'import', missing], { env })).toEqual({
      code: 1,
      stdout: '',
      stderr: `rackside: Cannot read ${missing}: there is no such file.\n`,
    });
    expect(await cli(['--data-dir', dir, 'profiles', 'add', '--from', dir], { env })).toEqual({
      code: 1,
      stdout: '',
      stderr: `rackside: Cannot read ${dir}: it is a folder; name a file in it.\n`,
    });
  });

  it('answers a failure on stdout too when --json is asked for, so scripts can read it', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const result = await cli(['--data-dir', dir, '--json', 'profiles', 'show', 'nope']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'not-found', message: 'No profile named "nope".' },
    });
    expect(result.stderr).toBe('rackside: No profile named "nope".\n');
    // A command line it cannot read, too.
    for (const args of [
      ['inventory', '--bogus'],
      ['profiles', 'show'],
      ['export', 'csv'],
    ]) {
      const bad = await cli(['--data-dir', dir, '--json', ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(JSON.parse(bad.stdout), args.join(' ')).toEqual({
        error: { code: 'usage', message: expect.any(String) as unknown },
      });
      expect((JSON.parse(bad.stdout) as { error: { message: string } }).error.message).not.toMatch(
        /^error:/,
      );
    }
  });

  it('names the variable that gives a passphrase when the input has none to give', async () => {
    const dir = tempDir();
    const result = await cli(['--data-dir', dir, 'profiles', 'import', writeJson(manifest)], {
      env: {},
      stdin: '',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'New vault passphrase: \nrackside: No new vault passphrase was given: the input ended; set RACKSIDE_PASSPHRASE to give it without a prompt.\n',
    );
    expect(fs.existsSync(path.join(dir, 'vault.json'))).toBe(false);
  });

  it('reads the passphrase from the first line of piped input, as --help and the README say', async () => {
    const help = (await cli(['--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(
      'when standard input is not a terminal, its first line is read as the passphrase',
    );
    const dir = tempDir();
    const file = writeJson(manifest);
    expect((await cli(['--data-dir', dir, 'profiles', 'import', file], { env })).code).toBe(0);
    // The line a loop meant for itself is taken as the passphrase: a wrong one, here.
    const looped = await cli(['--data-dir', dir, 'profiles', 'import', file], {
      stdin: 'pve-lab\nrouter-1\n',
    });
    expect(looped).toMatchObject({ code: 1 });
    expect(looped.stderr).toBe(
      'Vault passphrase: rackside: Wrong passphrase; the vault stays locked.\n',
    );
    const piped = await cli(['--data-dir', dir, 'profiles', 'import', file], {
      stdin: `${env.RACKSIDE_PASSPHRASE}\n`,
    });
    expect(piped).toMatchObject({ code: 0, stderr: 'Vault passphrase: ' });
  });

  it('stops with status 130 when Ctrl-C is typed at the passphrase prompt, as at any other', async () => {
    const dir = tempDir();
    expect(
      (await cli(['--data-dir', dir, 'profiles', 'import', writeJson(manifest)], { env })).code,
    ).toBe(0);
    for (const json of [false, true]) {
      const run = await cliOnTerminal(
        [
          '--data-dir',
          dir,
          ...(json ? ['--json'] : []),
          'profiles',
          'export',
          path.join(dir, 'x.json'),
          '--encrypt',
        ],
        { prompt: 'Vault passphrase: ', typed: '\u0003' },
      );
      expect(run.code).toBe(130);
      expect(run.stderr).toBe('Vault passphrase: \nrackside: Cancelled.\n');
      expect(run.stdout).toBe(
        json ? '{"error":{"code":"cancelled","message":"Cancelled."}}\n' : '',
      );
      expect(fs.existsSync(path.join(dir, 'x.json'))).toBe(false);
    }
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

  it('runs as a real process through bin/rackside.mjs', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    const run = promisify(execFile);
    const ok = await run(process.execPath, [bin, '--data-dir', dir, '--json', 'profiles', 'list']);
    expect(JSON.parse(ok.stdout)).toEqual([]);
    await expect(run(process.execPath, [bin, 'profiles', 'nope'])).rejects.toMatchObject({
      code: 2,
    });
  });

  it('takes unquoted negated filters as part of the query in a real process', async () => {
    const dir = tempDir();
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    const run = promisify(execFile);
    // A data folder with nothing in it (a mistyped --data-dir): commands on stored data say so,
    // exit 1 and create nothing there; only adding or importing profiles starts a store.
    for (const command of [
      ['inventory', '--no-check'],
      ['drift', '--no-check'],
      ['export', 'ansible', '--no-check'],
      ['profiles', 'list'],
      ['profiles', 'remove', 'pve'],
      ['sync', '--all'],
    ]) {
      await expect(
        run(process.execPath, [bin, '--data-dir', dir, ...command]),
      ).rejects.toMatchObject({
        code: 1,
        stderr: `rackside: There is no Rackside data in ${dir}. Check --data-dir (or RACKSIDE_DATA_DIR); to start there, import profiles (rackside profiles import) and sync.\n`,
      });
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const listed = await run(process.execPath, [
      bin,
      '--data-dir',
      dir,
      'inventory',
      'debian',
      '-kind:vm',
      '--no-check',
    ]);
    expect(listed.stdout).toBe('No assets match.\n');
    const yaml = await run(process.execPath, [
      bin,
      '--data-dir',
      dir,
      'export',
      'ansible',
      '-tag:prod',
      '--no-check',
    ]);
    expect(yaml.stdout).toMatch(/^all:\n/);
    await expect(
      run(process.execPath, [bin, '--data-dir', dir, 'inventory', '--no-check', 'status:asleep']),
    ).rejects.toMatchObject({ code: 2 });
  });

  it.each([
    ['Ctrl-C (SIGINT)', 130, 'SIGINT'],
    ['a stop (SIGTERM, as systemd or kill sends)', 143, 'SIGTERM'],
  ] as const)('cancels a sync on %s and exits %i with what it did', async (_what, code, signal) => {
    // A source that accepts the connection and never answers: the sync waits until cancelled.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    const dir = tempDir();
    const store = openStore({ dataDir: dir, logger: silentLogger });
    await store.vault.setup('sigint passphrase 1');
    store.profiles.save({
      name: 'quiet foreman',
      tags: [],
      connection: {
        kind: 'foreman',
        url: `https://127.0.0.1:${String((silent.address() as net.AddressInfo).port)}`,
        auth: { mode: 'token', username: 'admin' },
      },
      secrets: { token: 'token-1' },
    });
    store.close();
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    const child = spawn(process.execPath, [bin, '--data-dir', dir, 'sync', '--all'], {
      env: { ...process.env, RACKSIDE_PASSPHRASE: 'sigint passphrase 1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await connected;
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(stderr).toContain('sync cancelled; 1 source keeps its previous data.');
      expect(stdout).toMatch(/^quiet foreman\s+foreman\s+cancelled/m);
    } finally {
      child.kill('SIGKILL');
      silent.close();
    }
  });

  it('stops quietly when the reader of its output goes away, as `| head` does', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    const child = spawn(process.execPath, [bin, '--data-dir', dir, '--json', 'profiles', 'list'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reading end closes before the command writes its answer.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });

  it('says in one line that its output could not be written, as on a full disk (/dev/full)', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    const full = fs.openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [bin, '--data-dir', dir, 'profiles', 'list'], {
      stdio: ['ignore', full, 'pipe'],
    });
    fs.closeSync(full);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe(
      'rackside: cannot write the output: ENOSPC: no space left on device, write\n',
    );
    expect(code).toBe(1);
  });
});
