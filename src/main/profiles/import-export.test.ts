import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ManifestInput } from '../../shared/manifest';
import { tempDir } from '../db/test-helpers';
import { unlockedTestStore } from '../store/test-helpers';
import { SyncHistory } from '../sync/sync-history';
import { sampleProfiles, sampleSecretValues } from './fixtures';
import { exportFileText, importManifest, parseProfileFile } from './import-export';
import { includeReader, sshConfigToManifest } from './ssh-config-import';

const manifest: ManifestInput = {
  rackside: 'profile-manifest',
  version: 1,
  generator: 'test',
  profiles: [
    {
      name: 'web',
      connection: {
        kind: 'ssh',
        host: 'web.lab',
        username: 'ops',
        auth: { mode: 'password' },
        jumpHost: 'jump',
      },
      secrets: { password: 'SECRET-web-pw' },
    },
    {
      name: 'jump',
      connection: { kind: 'ssh', host: 'jump.lab', username: 'ops', auth: { mode: 'agent' } },
    },
    {
      name: 'fm',
      connection: {
        kind: 'foreman',
        url: 'https://fm.lab',
        auth: { mode: 'token', username: 'admin' },
      },
      secrets: { token: 'SECRET-fm-token' },
    },
  ],
};
const noPassphrase = () => Promise.reject(new Error('no passphrase expected'));

describe('profile import and export', () => {
  it('imports a manifest with jump hosts by name, and re-importing updates instead of duplicating', async () => {
    const store = await unlockedTestStore();
    const parsed = await parseProfileFile(JSON.stringify(manifest), noPassphrase);
    expect(importManifest(store.db, store.profiles, parsed)).toEqual({
      created: ['web', 'jump', 'fm'],
      updated: [],
      unchanged: [],
    });
    const web = store.profiles.resolve('web');
    expect(web.connection).toMatchObject({ jumpHostId: store.profiles.resolve('jump').id });
    // The same file saved with a UTF-8 byte-order mark reads the same.
    expect(await parseProfileFile(`\uFEFF${JSON.stringify(manifest)}`, noPassphrase)).toEqual(
      parsed,
    );
    expect(store.profiles.getSecrets(web.id)).toEqual({ password: 'SECRET-web-pw' });
    // The same file again changes nothing, secrets included: every entry is left alone, its
    // time of last change kept.
    const jumpBefore = store.profiles.resolve('jump');
    const webBefore = store.profiles.resolve('web');
    expect(importManifest(store.db, store.profiles, parsed)).toEqual({
      created: [],
      updated: [],
      unchanged: ['web', 'jump', 'fm'],
    });
    expect(store.profiles.resolve('web').updatedAt).toBe(webBefore.updatedAt);
    // Another secret is an update.
    const newPassword = {
      ...parsed,
      profiles: parsed.profiles.map((p) =>
        p.name === 'web' ? { ...p, secrets: { password: 'another password' } } : p,
      ),
    };
    expect(importManifest(store.db, store.profiles, newPassword).updated).toEqual(['web']);
    expect(store.profiles.getSecrets(web.id)).toEqual({ password: 'another password' });
    expect(store.profiles.list()).toHaveLength(3);
    expect(store.profiles.resolve('web').id).toBe(web.id);
    expect(store.profiles.resolve('jump').updatedAt).toBe(jumpBefore.updatedAt);
    const edited = {
      ...parsed,
      profiles: parsed.profiles.map((p) => (p.name === 'jump' ? { ...p, notes: 'moved' } : p)),
    };
    expect(importManifest(store.db, store.profiles, edited).updated).toContain('jump');
    expect(store.profiles.resolve('jump').notes).toBe('moved');
  });

  it('names the entry and field of a bad file and imports nothing', async () => {
    const store = await unlockedTestStore();
    const bad = structuredClone(manifest) as {
      profiles: { connection: Record<string, unknown> }[];
    };
    bad.profiles[2]!.connection.url = 'ftp://fm.lab';
    await expect(parseProfileFile(JSON.stringify(bad), noPassphrase)).rejects.toThrow(
      'Invalid profile file: profiles[2] "fm": connection.url: URL must start with https:// or http://',
    );
    await expect(
      parseProfileFile(
        '{"rackside": "profile-manifest", "version": 1, "profiles": [',
        noPassphrase,
      ),
    ).rejects.toThrow(/not valid JSON/);
    const dangling = structuredClone(manifest) as {
      profiles: { connection: Record<string, unknown> }[];
    };
    dangling.profiles[0]!.connection.jumpHost = 'nowhere';
    const parsed = await parseProfileFile(JSON.stringify(dangling), noPassphrase);
    expect(() => importManifest(store.db, store.profiles, parsed)).toThrow(
      'profiles[0] "web": connection.jumpHost: no SSH profile named "nowhere"',
    );
    const wrongSecret = structuredClone(manifest) as {
      profiles: { secrets?: Record<string, string> }[];
    };
    wrongSecret.profiles[1]!.secrets = { token: 'x' };
    // Refused with the file, before the vault is asked to store it.
    await expect(parseProfileFile(JSON.stringify(wrongSecret), noPassphrase)).rejects.toThrow(
      'Invalid profile file: profiles[1] "jump": secrets.token: a ssh profile with this authentication does not use "token" (it uses: none)',
    );
    expect(store.profiles.list()).toEqual([]);
  });

  it('refuses a port written into an SSH or RouterOS host, and still reads such a host stored before', async () => {
    const store = await unlockedTestStore();
    const withHost = (kind: 'ssh' | 'routeros', host: string): ManifestInput => ({
      rackside: 'profile-manifest',
      version: 1,
      profiles: [
        {
          name: 'edge',
          connection:
            kind === 'ssh'
              ? { kind, host, username: 'ops', auth: { mode: 'agent' } }
              : { kind, host, username: 'ops' },
        },
      ],
    });
    for (const kind of ['ssh', 'routeros'] as const) {
      await expect(
        parseProfileFile(JSON.stringify(withHost(kind, 'router.example:8729')), noPassphrase),
      ).rejects.toThrow(
        'Invalid profile file: profiles[0] "edge": connection.host: Put the port in the Port field: host router.example, port 8729',
      );
      await expect(
        parseProfileFile(JSON.stringify(withHost(kind, '[fd00::5]:8729')), noPassphrase),
      ).rejects.toThrow('connection.host: Put the port in the Port field: host fd00::5, port 8729');
      // An IPv6 address has more than one colon: no port in it.
      const ipv6 = await parseProfileFile(JSON.stringify(withHost(kind, 'fe80::1')), noPassphrase);
      expect(ipv6.profiles[0]?.connection).toMatchObject({ host: 'fe80::1' });
    }
    expect(store.profiles.list()).toEqual([]);

    // Written before such hosts were refused: read, and the other profiles with it.
    const good = await parseProfileFile(JSON.stringify(manifest), noPassphrase);
    importManifest(store.db, store.profiles, good);
    const now = new Date().toISOString();
    store.db
      .prepare(
        `INSERT INTO profiles (id, name, name_key, kind, folder, tags, notes, connection, created_at, updated_at)
         VALUES (?, 'old-edge', 'old-edge', 'routeros', '', '[]', '', ?, ?, ?)`,
      )
      .run(
        '6f1c1a4e-0000-4000-8000-0000000000aa',
        JSON.stringify({ kind: 'routeros', host: 'router.example:8729', username: 'ops' }),
        now,
        now,
      );
    expect(store.profiles.resolve('old-edge').connection).toMatchObject({
      host: 'router.example:8729',
    });
    expect(
      store.profiles
        .list()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['fm', 'jump', 'old-edge', 'web']);
  });

  it("says where a file is not valid JSON, in words and without the parser's message", async () => {
    const cases: [string, string][] = [
      ['not json', 'The file is not valid JSON: the first error is at line 1, column 2.'],
      [
        '{\n  "rackside": "profile-manifest",\n  "profiles": [,]\n}',
        'The file is not valid JSON: the first error is at line 3, column 16.',
      ],
      [
        '\uFEFF{"rackside": "profile-manifest", "profiles": [',
        'The file is not valid JSON: it ends at line 1, column 47 before the JSON is complete (cut short?).',
      ],
      ['  \n', 'The file is empty: there is no JSON in it.'],
    ];
    for (const [text, message] of cases) {
      const refused = await parseProfileFile(text, noPassphrase).then(
        () => new Error('read'),
        (error: unknown) => error as Error,
      );
      expect(refused.message, text).toBe(message);
      expect(refused.message, text).not.toMatch(/Unexpected|token|position/);
    }
  });

  it('says a JSON file that is no Rackside export or manifest is not one, not how its fields differ', async () => {
    const others = ['{"format": "rackside-profiles"}', '[]', '{"rackside": "notes"}', 'null'];
    for (const other of others) {
      await expect(parseProfileFile(other, noPassphrase)).rejects.toThrow(
        'This is not a Rackside profile export or manifest: it has no "rackside" marker.',
      );
    }
  });

  it('says a file is from a newer Rackside, and checks an encrypted export before asking its passphrase', async () => {
    const newer = { ...manifest, version: 2 };
    await expect(parseProfileFile(JSON.stringify(newer), noPassphrase)).rejects.toMatchObject({
      code: 'newer-version',
      message:
        'This file was written by a newer Rackside (profile manifest version 2); this Rackside reads version 1. Update Rackside to import it.',
    });
    const source = await unlockedTestStore();
    source.profiles.save(sampleProfiles[3]);
    const sealed = JSON.parse(
      await exportFileText(source.db, source.profiles, 'all', 'export pass 1'),
    ) as Record<string, unknown> & { kdf: Record<string, unknown> };
    const read = (envelope: unknown) =>
      parseProfileFile(JSON.stringify(envelope), () => {
        throw new Error('the passphrase was asked');
      });
    await expect(read({ ...sealed, version: 2 })).rejects.toThrow(
      'This file was written by a newer Rackside (encrypted export version 2); this Rackside reads version 1.',
    );
    await expect(read({ ...sealed, ciphertext: 'not base64!' })).rejects.toThrow(
      /^Invalid encrypted export: ciphertext: /,
    );
    await expect(read({ ...sealed, ciphertext: 'AAAA' })).rejects.toThrow(
      'Invalid encrypted export: ciphertext: too short',
    );
    await expect(read({ ...sealed, kdf: { ...sealed.kdf, N: 1024 } })).rejects.toThrow(
      /^Invalid encrypted export: kdf: Key derivation parameters \(scrypt N=1024, r=8, p=1\) are below the minimum/,
    );
    const { cipher: _cipher, ...noCipher } = sealed;
    await expect(read(noCipher)).rejects.toThrow(/^Invalid encrypted export: cipher: /);
  });

  it('takes names in either Unicode form as one, and refuses a new name with invisible characters', async () => {
    const store = await unlockedTestStore();
    const entry = (name: string) => ({
      name,
      connection: { kind: 'ssh', host: 'web.lab', username: 'ops', auth: { mode: 'agent' } },
    });
    const file = (...names: string[]) =>
      JSON.stringify({ rackside: 'profile-manifest', version: 1, profiles: names.map(entry) });
    await expect(parseProfileFile(file('Caf\u00e9', 'Cafe\u0301'), noPassphrase)).rejects.toThrow(
      'Invalid profile file: profiles[1] "Cafe\u0301": name: Duplicate profile name "Caf\u00e9" (also entry 0)',
    );
    const hidden = await parseProfileFile(file('web01', 'web\u200b01'), noPassphrase);
    expect(() => importManifest(store.db, store.profiles, hidden)).toThrow(
      'profiles[1] "web\u200b01": name: A name cannot contain invisible or text-direction characters (U+200B found)',
    );
    expect(store.profiles.list()).toEqual([]);
    // A name stored in decomposed form is the entry in composed form: updated, not added.
    importManifest(
      store.db,
      store.profiles,
      await parseProfileFile(file('Caf\u00e9'), noPassphrase),
    );
    expect(
      importManifest(
        store.db,
        store.profiles,
        await parseProfileFile(file('CAFE\u0301'), noPassphrase),
      ),
    ).toEqual({ created: [], updated: ['CAF\u00c9'], unchanged: [] });
    expect(store.profiles.list().map((p) => p.name)).toEqual(['CAF\u00c9']);
  });

  it('refuses an entry with the name of a profile of another kind, and imports nothing', async () => {
    const store = await unlockedTestStore();
    importManifest(
      store.db,
      store.profiles,
      await parseProfileFile(JSON.stringify(manifest), noPassphrase),
    );
    const patchmon = {
      rackside: 'profile-manifest',
      version: 1,
      profiles: [
        {
          name: 'jump',
          connection: { kind: 'ssh', host: 'jump2.lab', username: 'ops', auth: { mode: 'agent' } },
        },
        { name: 'FM', connection: { kind: 'patchmon', url: 'https://pm.lab', apiKey: 'key-1' } },
      ],
    };
    const parsed = await parseProfileFile(JSON.stringify(patchmon), noPassphrase);
    expect(() => importManifest(store.db, store.profiles, parsed)).toThrow(
      'profiles[1] "FM": connection.kind: "fm" is a foreman profile and cannot become a patchmon one; give the patchmon profile another name, or remove "fm" first.',
    );
    expect(store.profiles.resolve('fm').connection.kind).toBe('foreman');
    expect(store.profiles.resolve('jump').connection).toMatchObject({ host: 'jump.lab' });
  });

  it('exports plain without secrets and encrypted with them, importable elsewhere', async () => {
    const source = await unlockedTestStore();
    for (const input of sampleProfiles) source.profiles.save(input);
    const plain = await exportFileText(source.db, source.profiles, 'all', null);
    for (const secret of sampleSecretValues) expect(plain).not.toContain(secret);
    const encrypted = await exportFileText(
      source.db,
      source.profiles,
      [source.profiles.resolve('router-1').id],
      'export pass 1',
    );
    expect(encrypted).not.toContain('SECRET-ros-5555');

    const target = await unlockedTestStore();
    await expect(
      parseProfileFile(encrypted, () => Promise.resolve('wrong export pass')),
    ).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    const fromEncrypted = await parseProfileFile(encrypted, () => Promise.resolve('export pass 1'));
    importManifest(target.db, target.profiles, fromEncrypted);
    expect(target.profiles.getSecrets(target.profiles.resolve('router-1').id)).toEqual({
      password: 'SECRET-ros-5555',
    });
    importManifest(target.db, target.profiles, await parseProfileFile(plain, noPassphrase));
    expect(target.profiles.list()).toHaveLength(5);
    expect(target.profiles.resolve('pve-lab').hasSecret).toEqual({ tokenSecret: false });
    expect(target.profiles.getSecrets(target.profiles.resolve('router-1').id)).toEqual({
      password: 'SECRET-ros-5555',
    });
  });

  it('carries a source\'s "Sync every" through plain and encrypted exports', async () => {
    const source = await unlockedTestStore();
    for (const input of sampleProfiles) source.profiles.save(input);
    const pve = source.profiles.resolve('pve-lab');
    new SyncHistory(source.db, () => new Date()).setSchedule(pve.id, 60);
    const plain = await exportFileText(source.db, source.profiles, 'all', null);
    const encrypted = await exportFileText(source.db, source.profiles, [pve.id], 'export pass 1');
    const schedules = (store: typeof source) =>
      new SyncHistory(store.db, () => new Date())
        .freshness(store.profiles.list(), new Set())
        .map((s) => [s.profileName, s.intervalMinutes]);
    for (const [text, passphrase] of [
      [plain, noPassphrase],
      [encrypted, () => Promise.resolve('export pass 1')],
    ] as const) {
      const target = await unlockedTestStore();
      const parsed = await parseProfileFile(text, passphrase);
      expect(parsed.profiles.find((p) => p.name === 'pve-lab')?.syncEveryMinutes).toBe(60);
      importManifest(target.db, target.profiles, parsed);
      expect(schedules(target)).toContainEqual(['pve-lab', 60]);
    }

    // Given, it is set (null: off) and counts as a change; absent, the stored one stays.
    const file = (syncEveryMinutes?: number | null) =>
      JSON.stringify({
        rackside: 'profile-manifest',
        version: 1,
        profiles: [
          {
            name: 'pve-lab',
            folder: pve.folder,
            tags: pve.tags,
            notes: pve.notes,
            connection: pve.connection,
            ...(syncEveryMinutes === undefined ? {} : { syncEveryMinutes }),
          },
        ],
      });
    const again = async (syncEveryMinutes?: number | null) =>
      importManifest(
        source.db,
        source.profiles,
        await parseProfileFile(file(syncEveryMinutes), noPassphrase),
      );
    expect(await again(60)).toMatchObject({ unchanged: ['pve-lab'] });
    expect(await again()).toMatchObject({ unchanged: ['pve-lab'] });
    expect(schedules(source)).toContainEqual(['pve-lab', 60]);
    expect(await again(null)).toMatchObject({ updated: ['pve-lab'] });
    expect(schedules(source)).toContainEqual(['pve-lab', null]);

    // Checked like the setting in the sync center.
    const bad = (entry: object) =>
      parseProfileFile(
        JSON.stringify({ rackside: 'profile-manifest', version: 1, profiles: [entry] }),
        noPassphrase,
      );
    await expect(
      bad({ name: 'pve', connection: pve.connection, syncEveryMinutes: 2 }),
    ).rejects.toThrow('profiles[0] "pve": syncEveryMinutes: Too small: expected number to be >=5');
    const ssh = { kind: 'ssh', host: 'a.lab', username: 'ops', auth: { mode: 'agent' } };
    await expect(bad({ name: 'a', connection: ssh, syncEveryMinutes: 60 })).rejects.toThrow(
      'profiles[0] "a": syncEveryMinutes: SSH profiles have no background sync',
    );
    const totp = {
      kind: 'proxmox',
      url: 'https://pve.lab:8006',
      auth: { mode: 'password', username: 'root', totp: true },
    };
    await expect(bad({ name: 'otp', connection: totp, syncEveryMinutes: 60 })).rejects.toThrow(
      'profiles[0] "otp": syncEveryMinutes: "otp" asks for a one-time code at every login, so it can only be synced by hand.',
    );
  });

  it('imports ~/.ssh/config hosts with defaults and ProxyJump chains, without duplicates', async () => {
    const store = await unlockedTestStore();
    const config = [
      'Host bastion',
      '  HostName 203.0.113.5',
      '  User jump',
      'Host db1',
      '  HostName 10.1.0.7',
      '  Port 2222',
      '  IdentityFile ~/.ssh/id_db',
      '  ProxyJump edge@198.51.100.1:2200,bastion',
      'Host *',
      '  User admin',
    ].join('\n');
    const parsed = sshConfigToManifest(config, { defaultUser: 'me' });
    expect(parsed.skipped).toEqual([]);
    importManifest(store.db, store.profiles, parsed.manifest);
    importManifest(
      store.db,
      store.profiles,
      sshConfigToManifest(config, { defaultUser: 'me' }).manifest,
    );
    const names = store.profiles
      .list()
      .map((p) => p.name)
      .sort();
    // db1 is reached as ssh would: edge first, then bastion through edge, then db1. Bastion's
    // own profile goes straight to it, so the chain has a bastion profile of its own.
    const hop = 'bastion via edge@198.51.100.1:2200';
    expect(names).toEqual(['bastion', hop, 'db1', 'edge@198.51.100.1:2200']);
    const db1 = store.profiles.resolve('db1');
    expect(db1.connection).toMatchObject({
      host: '10.1.0.7',
      port: 2222,
      username: 'admin',
      auth: { mode: 'key', keyFile: '~/.ssh/id_db' },
      jumpHostId: store.profiles.resolve(hop).id,
    });
    expect(store.profiles.resolve(hop).connection).toMatchObject({
      host: '203.0.113.5',
      username: 'jump',
      jumpHostId: store.profiles.resolve('edge@198.51.100.1:2200').id,
    });
    expect(store.profiles.resolve('bastion').connection).toMatchObject({
      host: '203.0.113.5',
      jumpHostId: null,
    });
  });

  it('imports StrictHostKeyChecking as the host-key policy, and says what of the host-key settings does not come along', () => {
    const config = [
      'Host strict',
      '  StrictHostKeyChecking yes',
      'Host fresh',
      '  StrictHostKeyChecking accept-new',
      'Host lab',
      '  StrictHostKeyChecking no',
      '  UserKnownHostsFile /dev/null',
      'Host asks',
      '  StrictHostKeyChecking ASK',
      'Host aliased',
      '  HostKeyAlias gateway',
      'Host plain',
    ].join('\n');
    const parsed = sshConfigToManifest(config, { defaultUser: 'me' });
    expect(
      Object.fromEntries(
        parsed.manifest.profiles.map((p) => [
          p.name,
          p.connection.kind === 'ssh' ? p.connection.hostKeyPolicy : null,
        ]),
      ),
    ).toEqual({
      strict: 'strict',
      fresh: 'accept-new',
      lab: 'accept-new',
      asks: 'ask',
      aliased: 'ask',
      plain: 'ask',
    });
    // Imported, with notes: nothing was skipped.
    expect(parsed.skipped).toEqual([]);
    expect(parsed.notes).toEqual([
      {
        name: 'StrictHostKeyChecking no in lab',
        reason:
          'imported as accept-new: new host keys are remembered, and a changed key is refused',
      },
      {
        name: 'UserKnownHostsFile /dev/null in lab',
        reason:
          'not carried over: Rackside reads ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts and the host keys it remembered',
      },
      {
        name: 'HostKeyAlias gateway in aliased',
        reason: 'not carried over: Rackside knows host keys by the host and port it connects to',
      },
    ]);
  });

  it('reads an SSH config as ssh does, and skips with its reason what cannot be a profile', () => {
    const dir = tempDir();
    const sshDir = path.join(dir, '.ssh');
    fs.mkdirSync(path.join(sshDir, 'conf.d'), { recursive: true });
    fs.writeFileSync(
      path.join(sshDir, 'conf.d', 'b.conf'),
      'Host from-b\n  HostName b.example.net\n',
    );
    fs.writeFileSync(path.join(sshDir, 'conf.d', 'a.conf'), 'Host from-a\n  User alice\n');
    fs.writeFileSync(path.join(dir, 'abs.conf'), 'Host from-abs\n  Port 2201\n');
    const config = [
      'Include conf.d/*.conf',
      `Include ${path.join(dir, 'abs.conf')}`,
      'host lowercase',
      '  hostname lower.example.net',
      '  user=eqsyntax',
      '  port=2200',
      'Host tokens',
      '  HostName %h.example.net',
      '  IdentityFile %d/.ssh/id_%r_%h',
      '  User ops',
      'Host remote-user',
      '  User %r-x',
      'Host proxied',
      '  ProxyCommand nc -X 5 -x socks:1080 %h %p',
      'Host noport',
      '  Port 99999',
      'Host behind',
      '  ProxyJump noport',
      'Match exec "touch ' + path.join(dir, 'ran') + '"',
      '  User matched',
    ].join('\n');
    const { manifest, skipped } = sshConfigToManifest(config, {
      defaultUser: 'me',
      home: dir,
      include: includeReader(sshDir, dir),
    });
    const byName = new Map(manifest.profiles.map((p) => [p.name, p.connection]));
    expect([...byName.keys()].sort()).toEqual([
      'from-a',
      'from-abs',
      'from-b',
      'lowercase',
      'tokens',
    ]);
    expect(byName.get('lowercase')).toMatchObject({
      host: 'lower.example.net',
      username: 'eqsyntax',
      port: 2200,
    });
    expect(byName.get('tokens')).toMatchObject({
      host: 'tokens.example.net',
      username: 'ops',
      auth: { mode: 'key', keyFile: `${dir}/.ssh/id_ops_tokens.example.net` },
    });
    expect(byName.get('from-a')).toMatchObject({ username: 'alice' });
    expect(byName.get('from-abs')).toMatchObject({ port: 2201 });
    expect(skipped).toEqual([
      expect.objectContaining({ name: expect.stringMatching(/^Match /) as unknown }),
      { name: 'remote-user', reason: 'it uses a % token that only ssh can fill in' },
      {
        name: 'proxied',
        reason: 'it connects through a ProxyCommand, which Rackside does not run',
      },
      { name: 'noport', reason: expect.stringMatching(/^connection\.port/) as unknown },
      { name: 'behind', reason: 'its jump host noport is skipped' },
    ]);
    // A Match exec line is never run.
    expect(fs.existsSync(path.join(dir, 'ran'))).toBe(false);
    // Text handed over includes nothing.
    const handed = sshConfigToManifest('Include conf.d/*.conf\nHost x\n', { defaultUser: 'me' });
    expect(handed.skipped).toEqual([
      {
        name: 'Include conf.d/*.conf',
        reason: 'only your own ~/.ssh/config may include other files',
      },
    ]);
    expect(handed.manifest.profiles.map((p) => p.name)).toEqual(['x']);
  });
});
