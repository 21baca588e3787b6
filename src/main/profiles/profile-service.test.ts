import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unlockedTestStore } from '../store/test-helpers';
import { sampleProfiles, sampleSecretValues } from './fixtures';

function filesContain(dir: string, needles: string[]): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const bytes = fs.readFileSync(path.join(dir, name));
    for (const needle of needles) if (bytes.includes(needle)) found.push(`${name}: ${needle}`);
  }
  return found;
}

describe('ProfileService', () => {
  it('stores one profile of each kind; views show hasSecret only and no file holds a secret', async () => {
    const store = await unlockedTestStore();
    for (const input of sampleProfiles) store.profiles.save(input);
    const list = store.profiles.list();
    expect(list.map((p) => p.name)).toEqual([
      'bastion',
      'patchmon-lab',
      'router-1',
      'foreman-lab',
      'pve-lab',
    ]);
    expect(list.find((p) => p.name === 'patchmon-lab')?.hasSecret).toEqual({
      apiSecret: true,
      adminPassword: true,
    });
    const text = JSON.stringify(list);
    for (const secret of sampleSecretValues) expect(text).not.toContain(secret);
    const bastion = store.profiles.resolve('BASTION');
    expect(store.profiles.getSecrets(bastion.id)).toEqual({
      privateKey: 'SECRET-KEY-6666',
      keyPassphrase: 'SECRET-kp-7777',
    });
    store.close();
    expect(filesContain(store.dataDir, sampleSecretValues)).toEqual([]);
  });

  it('lists profiles by folder, then by name with numbers by value and case aside', async () => {
    const store = await unlockedTestStore();
    const ssh = sampleProfiles.find((p) => p.connection.kind === 'ssh');
    if (ssh === undefined) throw new Error('no ssh sample');
    for (const [name, folder] of [
      ['pve10', 'Lab'],
      ['PVE2', 'Lab'],
      ['pve1', 'Lab'],
      ['node10', ''],
      ['node9', ''],
      ['edge', 'lab 10'],
      ['core', 'Lab 9'],
    ]) {
      store.profiles.save({ ...ssh, name, folder });
    }
    expect(store.profiles.list().map((p) => `${p.folder}/${p.name}`)).toEqual([
      '/node9',
      '/node10',
      'Lab/pve1',
      'Lab/PVE2',
      'Lab/pve10',
      'Lab 9/core',
      'lab 10/edge',
    ]);
    store.close();
  });

  it('refuses a save over a profile changed elsewhere since the form was filled, saving nothing', async () => {
    const store = await unlockedTestStore();
    const opened = store.profiles.save(sampleProfiles[4]);
    // The command line changes it while a window edits it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const elsewhere = store.profiles.save({
      id: opened.id,
      name: opened.name,
      notes: 'changed by the command line',
      connection: opened.connection,
    });
    expect(() =>
      store.profiles.save({
        id: opened.id,
        name: opened.name,
        notes: 'typed in the window',
        connection: opened.connection,
        editedFrom: opened.updatedAt,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'stale',
        message: expect.stringMatching(/^“bastion” was changed elsewhere/) as unknown,
      }),
    );
    expect(store.profiles.get(opened.id).notes).toBe('changed by the command line');
    // Filled from what is stored now, it saves.
    store.profiles.save({
      id: opened.id,
      name: opened.name,
      notes: 'typed in the window',
      connection: opened.connection,
      editedFrom: elsewhere.updatedAt,
    });
    expect(store.profiles.get(opened.id).notes).toBe('typed in the window');
    store.close();
  });

  it('refuses an SSH login name ssh would misread, and keeps loading one stored before', async () => {
    const store = await unlockedTestStore();
    const saved = store.profiles.save(sampleProfiles[4]);
    if (saved.connection.kind !== 'ssh') throw new Error('sample 4 is not an SSH profile');
    for (const username of ['ro ot', '-oProxyCommand=x', 'a@b']) {
      expect(() =>
        store.profiles.save({
          id: saved.id,
          name: saved.name,
          connection: { ...saved.connection, username },
        }),
      ).toThrow(
        'connection.username: A login name has no spaces, @ or control characters and does not start with -.',
      );
    }
    // user:target@bastion routes through some bastions: a colon is a login name's.
    store.profiles.save({
      id: saved.id,
      name: saved.name,
      connection: { ...saved.connection, username: 'ops:web01' },
    });
    store.db
      .prepare("UPDATE profiles SET connection = json_set(connection, '$.username', 'ro ot')")
      .run();
    expect(store.profiles.get(saved.id).connection).toMatchObject({ username: 'ro ot' });
    store.close();
  });

  it('keeps absent secrets, clears null or empty ones, and drops secrets a method using none does not use', async () => {
    const store = await unlockedTestStore();
    const saved = store.profiles.save(sampleProfiles[4]);
    const base = { id: saved.id, name: saved.name, connection: saved.connection };
    store.profiles.save({ ...base, notes: 'edited' });
    expect(store.profiles.getSecrets(saved.id)).toMatchObject({ privateKey: 'SECRET-KEY-6666' });
    store.profiles.save({ ...base, secrets: { keyPassphrase: null } });
    expect(store.profiles.get(saved.id).hasSecret).toEqual({
      privateKey: true,
      keyPassphrase: false,
    });
    store.profiles.save({ ...base, secrets: { privateKey: '' } });
    expect(store.profiles.getSecrets(saved.id)).toEqual({});
    expect(() => store.profiles.save({ ...base, secrets: { token: 'x' } })).toThrow(
      /secrets\.token: a ssh profile with this authentication does not use "token"/,
    );
    store.profiles.save({ ...base, secrets: { privateKey: 'k2' } });
    const agent = { ...saved.connection, auth: { mode: 'agent' as const } };
    store.profiles.save({ ...base, connection: agent });
    expect(store.profiles.get(saved.id).hasSecret).toEqual({});
    expect(store.db.prepare('SELECT count(*) AS n FROM secrets').get()).toEqual({ n: 0 });
  });

  it('keeps a secret the new login method does not use until one of its own is saved', async () => {
    const store = await unlockedTestStore();
    const pve = sampleProfiles.find((p) => p.connection.kind === 'proxmox')!;
    const saved = store.profiles.save(pve);
    const base = { id: saved.id, name: saved.name };
    const password = {
      kind: 'proxmox' as const,
      url: 'https://pve.example.net:8006',
      auth: { mode: 'password' as const, username: 'root', realm: 'pam', totp: false },
    };
    const switched = store.profiles.saveAndReport({ ...base, connection: password });
    expect(switched.removedSecrets).toEqual([]);
    expect(switched.profile).toMatchObject({
      hasSecret: { password: false },
      keptSecrets: ['tokenSecret'],
    });
    // Not used while kept: syncs, logins and exports see only what the settings use.
    expect(store.profiles.getSecrets(saved.id)).toEqual({});
    // Going back finds it.
    const back = store.profiles.save({ ...base, connection: saved.connection });
    expect(back).toMatchObject({ hasSecret: { tokenSecret: true }, keptSecrets: [] });
    expect(store.profiles.getSecrets(saved.id)).toEqual({ tokenSecret: pve.secrets?.tokenSecret });
    // A kept secret can be deleted by name, not given a value.
    store.profiles.save({ ...base, connection: password });
    expect(() =>
      store.profiles.save({ ...base, connection: password, secrets: { tokenSecret: 'x' } }),
    ).toThrow(/does not use "tokenSecret"/);
    expect(
      store.profiles.save({ ...base, connection: password, secrets: { tokenSecret: null } }),
    ).toMatchObject({ keptSecrets: [] });
    // A password saved with the new method completes the change.
    store.profiles.save({ ...base, connection: saved.connection, secrets: { tokenSecret: 't2' } });
    const done = store.profiles.saveAndReport({
      ...base,
      connection: password,
      secrets: { password: 'pw-1' },
    });
    expect(done.removedSecrets).toEqual(['tokenSecret']);
    expect(done.profile.keptSecrets).toEqual([]);
    expect(store.profiles.getSecrets(saved.id)).toEqual({ password: 'pw-1' });
  });

  it('refuses secret access while locked and changes nothing, but lists profiles', async () => {
    const store = await unlockedTestStore();
    const saved = store.profiles.save(sampleProfiles[3]);
    store.vault.lock();
    expect(store.profiles.list()).toHaveLength(1);
    expect(() => store.profiles.getSecrets(saved.id)).toThrow(
      expect.objectContaining({ code: 'vault-locked' }),
    );
    expect(() =>
      store.profiles.save({
        id: saved.id,
        name: 'renamed',
        connection: saved.connection,
        secrets: { password: 'new' },
      }),
    ).toThrow(expect.objectContaining({ code: 'vault-locked' }));
    expect(store.profiles.get(saved.id).name).toBe('router-1');
  });

  it('takes a name in either Unicode form as the same name, and refuses invisible and text-direction characters', async () => {
    const store = await unlockedTestStore();
    const { secrets: _secrets, ...router } = sampleProfiles[3]!;
    const cafe = store.profiles.save({ ...router, name: 'Cafe\u0301' });
    expect(cafe.name).toBe('Caf\u00e9');
    expect(() => store.profiles.save({ ...router, name: 'CAF\u00c9' })).toThrow(
      expect.objectContaining({ code: 'conflict' }),
    );
    expect(store.profiles.resolve('cafe\u0301').id).toBe(cafe.id);
    store.profiles.save({ ...router, name: 'web01' });
    for (const [name, char] of [
      ['web\u200b01', 'U+200B'],
      ['web01\u202egpj.exe', 'U+202E'],
      ['web\ufeff02', 'U+FEFF'],
      ['web\u00ad03', 'U+00AD'],
    ]) {
      expect(() => store.profiles.save({ ...router, name })).toThrow(
        `name: A name cannot contain invisible or text-direction characters (${char} found): two names that look the same would be different.`,
      );
    }
    // Words and emoji that need a joiner are names like any other.
    expect(store.profiles.save({ ...router, name: 'می\u200cخواهم' }).name).toBe('می\u200cخواهم');
    expect(store.profiles.save({ ...router, name: '👩\u200d💻 desk' }).name).toBe(
      '👩\u200d💻 desk',
    );

    // Names stored before, only lower-cased: found in either form, and saved again as they are.
    const insert = store.db.prepare(
      `INSERT INTO profiles (id, name, name_key, kind, folder, tags, notes, connection, created_at, updated_at)
       VALUES (?, ?, ?, 'routeros', '', '[]', '', ?, ?, ?)`,
    );
    const now = new Date().toISOString();
    const connection = JSON.stringify(cafe.connection);
    const oldIds = ['6f1c1a4e-0000-4000-8000-000000000001', '6f1c1a4e-0000-4000-8000-000000000002'];
    insert.run(oldIds[0], 'Ma\u0301laga', 'ma\u0301laga', connection, now, now);
    insert.run(oldIds[1], 'edge\u202e1', 'edge\u202e1', connection, now, now);
    expect(store.profiles.resolve('M\u00e1laga').id).toBe(oldIds[0]);
    expect(() => store.profiles.save({ ...router, name: 'm\u00e1laga' })).toThrow(
      expect.objectContaining({ code: 'conflict' }),
    );
    const kept = store.profiles.get(oldIds[1]!);
    const { id, name, folder, tags, notes } = kept;
    expect(
      store.profiles.save({
        id,
        name,
        folder,
        tags,
        notes,
        connection: kept.connection,
        secrets: {},
      }).notes,
    ).toBe('');
    expect(store.profiles.resolve('edge\u202e1').id).toBe(oldIds[1]);
  });

  it('rejects duplicate names, unknown ids and malformed input with a clear message', async () => {
    const store = await unlockedTestStore();
    store.profiles.save(sampleProfiles[3]);
    expect(() => store.profiles.save({ ...sampleProfiles[3], name: 'ROUTER-1' })).toThrow(
      'A profile named "ROUTER-1" already exists.',
    );
    expect(() =>
      store.profiles.save({ ...sampleProfiles[3], id: '3b241101-e2bb-4255-8caa-4f9d4c1e5f6a' }),
    ).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() =>
      store.profiles.save({ name: 'x', connection: { kind: 'routeros', host: 'h' } }),
    ).toThrow(/Invalid profile: connection\.username/);
    expect(() => store.profiles.save('not an object')).toThrow(
      expect.objectContaining({ code: 'bad-request' }),
    );
    expect(store.profiles.list()).toHaveLength(1);
  });

  it('validates jump host chains and protects a jump host in use', async () => {
    const store = await unlockedTestStore();
    const bastion = store.profiles.save(sampleProfiles[4]);
    const router = store.profiles.save(sampleProfiles[3]);
    const ssh = (name: string, jumpHostId: string | null) => ({
      name,
      connection: {
        kind: 'ssh' as const,
        host: `${name}.lab`,
        username: 'ops',
        auth: { mode: 'agent' as const },
        jumpHostId,
      },
    });
    const web = store.profiles.save(ssh('web', bastion.id));
    expect(() => store.profiles.save(ssh('db', router.id))).toThrow(
      /"router-1" is not an SSH profile/,
    );
    expect(() => store.profiles.save({ ...ssh('bastion', web.id), id: bastion.id })).toThrow(
      /loops back/,
    );
    expect(() => {
      store.profiles.remove(bastion.id);
    }).toThrow('"bastion" is the jump host of "web"; change those first.');
    store.profiles.remove(web.id);
    store.profiles.remove(bastion.id);
    expect(store.profiles.list().map((p) => p.name)).toEqual(['router-1']);
  });

  it('pins a certificate and detects secret ciphertexts swapped between records', async () => {
    const store = await unlockedTestStore();
    const router = store.profiles.save(sampleProfiles[3]);
    const pinned = store.profiles.pinCertificate(router.id, 'ab'.repeat(32));
    expect(pinned.connection).toMatchObject({
      tls: { pinnedSha256: Array(32).fill('AB').join(':'), insecure: false },
    });
    expect(store.profiles.getSecrets(router.id)).toEqual({ password: 'SECRET-ros-5555' });
    const pve = store.profiles.save(sampleProfiles[1]);
    const swap = store.db.prepare(
      'UPDATE secrets SET ciphertext = (SELECT ciphertext FROM secrets WHERE profile_id = ?) WHERE profile_id = ?',
    );
    swap.run(router.id, pve.id);
    expect(() => store.profiles.getSecrets(pve.id)).toThrow(/altered or does not belong/);
  });

  it('refuses credentials in a source URL, and still lists a profile stored with them before', async () => {
    const store = await unlockedTestStore();
    const foreman = sampleProfiles.find((p) => p.name === 'foreman-lab');
    if (foreman?.connection.kind !== 'foreman') throw new Error('fixture');
    const withCredentials = {
      ...foreman,
      connection: { ...foreman.connection, url: 'https://user:pw-in-url@127.0.0.1:44419/' },
    };
    expect(() => store.profiles.save(withCredentials)).toThrow(
      "Put credentials in the profile's login fields, not in the URL",
    );
    const saved = store.profiles.save(foreman);
    // A row written before the rule existed.
    store.db
      .prepare('UPDATE profiles SET connection = ? WHERE id = ?')
      .run(JSON.stringify(withCredentials.connection), saved.id);
    const listed = store.profiles.list();
    expect(listed.map((p) => p.name)).toEqual(['foreman-lab']);
    expect(listed[0]?.connection).toMatchObject({ url: 'https://127.0.0.1:44419/' });
    expect(JSON.stringify(listed)).not.toContain('pw-in-url');
    store.profiles.save({ ...foreman, id: saved.id, connection: listed[0]?.connection });
    const row = store.db.prepare('SELECT connection FROM profiles WHERE id = ?').get(saved.id) as {
      connection: string;
    };
    expect(row.connection).not.toContain('pw-in-url');
  });
});
