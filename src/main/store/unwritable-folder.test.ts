import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../app/create-core';
import { silentLogger } from '../core/logger';
import { sampleProfiles } from '../profiles/fixtures';
import { tempDir } from '../db/test-helpers';
import { cliConnectors } from '../cli/inventory-commands';
import { cli, seededInventory, writeJson } from '../cli/test-helpers';
import { proxmoxGuest } from '../sources/test-helpers';
import { openStore } from './open-store';
import {
  dataBeforeUrlCleanup,
  folderContents,
  makeUnwritable,
  unlockedTestStore,
} from './test-helpers';

const passphrase = 'unwritable passphrase 1';
const env = { RACKSIDE_PASSPHRASE: passphrase };
const connectors = cliConnectors.current;
const restores: (() => void)[] = [];
afterEach(() => {
  cliConnectors.current = connectors;
  for (const restore of restores.splice(0)) restore();
});

function unwritable(dir: string): string {
  const { why, restore } = makeUnwritable(dir);
  restores.push(restore);
  return why;
}

const guest = (vmid: number, name: string) =>
  proxmoxGuest({
    externalId: `pve/qemu/${String(vmid)}`,
    name,
    ips: [`10.0.0.${String(vmid % 250)}`],
    cluster: 'pve',
    site: 'node1',
  });

describe('a data folder Rackside cannot write', () => {
  it('answers inventory and profile reads from what is stored, and says nothing can be saved', async () => {
    const dir = await seededInventory(
      { pve: [guest(101, 'web01'), guest(102, 'db01')] },
      passphrase,
    );
    const writable = await cli(['--data-dir', dir, 'inventory', '--no-check'], { env });
    const before = folderContents(dir);
    const why = unwritable(dir);
    const warning = `rackside: warning: The data folder ${dir} cannot be written (${why}). Make it writable to save changes. Showing what is stored; nothing can be saved until then.\n`;

    const inventory = await cli(['--data-dir', dir, 'inventory', '--no-check'], { env });
    expect(inventory.stderr).toBe(warning);
    expect(inventory.code).toBe(0);
    // The same answer as from the folder while it could be written.
    expect(inventory.stdout).toBe(writable.stdout);
    expect(inventory.stdout).toMatch(/^ID +NAME .*\n\d+ +db01 .*\n\d+ +web01 /);
    const profiles = await cli(['--data-dir', dir, 'profiles', 'list'], { env });
    expect(profiles.stderr).toBe(warning);
    expect(profiles.code).toBe(0);
    expect(profiles.stdout).toMatch(/^NAME +KIND .*\npve\s+proxmox\s/);
    expect(folderContents(dir)).toEqual(before);
  });

  it('refuses every change in words that name the folder, and loses nothing stored', async () => {
    const dir = await seededInventory({ pve: [guest(101, 'web01')] }, passphrase);
    const listed = await cli(['--data-dir', dir, 'inventory', '--no-check'], { env });
    const before = folderContents(dir);
    const why = unwritable(dir);
    const refused = `rackside: Nothing was saved: Rackside cannot write in the data folder ${dir} (${why}). Make it writable and try again; nothing stored was lost.\n`;
    cliConnectors.current = () => ({
      proxmox: {
        system: 'proxmox',
        test: () => Promise.reject(new Error('not used')),
        sync: () => Promise.resolve([guest(101, 'web01'), guest(103, 'new01')]),
      },
    });

    const manifest = writeJson({
      rackside: 'profile-manifest',
      version: 1,
      profiles: [
        {
          name: 'jump',
          connection: {
            kind: 'ssh',
            host: 'jump.lab',
            username: 'ops',
            auth: { mode: 'password' },
          },
        },
      ],
    });
    for (const command of [
      ['profiles', 'import', manifest],
      ['profiles', 'remove', 'pve'],
      ['sync', '--all'],
    ]) {
      const run = await cli(['--data-dir', dir, ...command], { env });
      expect({ command, code: run.code }).toEqual({ command, code: 1 });
      expect(run.stderr).toMatch(/^rackside: warning: The data folder /);
      expect(run.stderr.endsWith(refused)).toBe(true);
      expect(run.stderr).not.toMatch(/SQLITE_|EROFS|EACCES|EPERM/);
    }
    expect(folderContents(dir)).toEqual(before);
    for (const restore of restores.splice(0)) restore();
    // Writable again: everything is as it was, and saving works.
    const after = await cli(['--data-dir', dir, 'inventory', '--no-check'], { env });
    expect(after.stderr).toBe('');
    expect(after.stdout).toBe(listed.stdout);
    expect((await cli(['--data-dir', dir, 'profiles', 'import', manifest], { env })).code).toBe(0);
  });

  it('says at start that there is no database to read in it, and creates nothing', () => {
    const dir = tempDir();
    const why = unwritable(dir);
    expect(() => openStore({ dataDir: dir, logger: silentLogger })).toThrow(
      `Cannot use ${dir} as the data folder: Rackside cannot write there (${why}), and there is no database in it yet to read. Make the folder writable, or choose another data folder. Nothing was changed.`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'rackside.db'))).toBe(false);
  });

  it('starts the app with a banner naming the folder, lists the profiles, and refuses a save or a sync in those words', async () => {
    const dir = tempDir();
    const [first, second] = sampleProfiles;
    if (first === undefined || second === undefined) throw new Error('no sample profiles');
    const store = await unlockedTestStore(dir);
    store.profiles.save(first);
    store.close();
    const before = folderContents(dir);
    const why = unwritable(dir);
    const core = await createCore({
      dataDir: dir,
      host: 'browser',
      version: '0.0.0',
      logger: silentLogger,
    });
    try {
      const context = { host: 'browser' } as const;
      const call = (channel: string, payload: unknown) =>
        core.router.dispatch(channel, payload, context);
      expect(await call('notices:list', {})).toMatchObject({
        ok: true,
        data: [
          {
            message: `The data folder ${dir} cannot be written (${why}). Make it writable to save changes. Showing what is stored; nothing can be saved until then.`,
          },
        ],
      });
      expect(await call('profiles:list', {})).toMatchObject({
        ok: true,
        data: [{ name: first.name }],
      });
      expect(await call('sync:start', { profileIds: 'all' })).toEqual({
        ok: false,
        error: {
          code: 'unavailable',
          message: `Cannot sync: nothing it fetches could be stored. The data folder ${dir} cannot be written (${why}). Make it writable to save changes; nothing stored was lost.`,
        },
      });
      expect(await call('profiles:save', { ...second, secrets: undefined })).toEqual({
        ok: false,
        error: {
          code: 'unavailable',
          message: `Nothing was saved: Rackside cannot write in the data folder ${dir} (${why}). Make it writable and try again; nothing stored was lost.`,
        },
      });
    } finally {
      await core.close();
    }
    expect(folderContents(dir)).toEqual(before);
  });

  it('refuses to make the vault for a first secret in words, and creates no vault file', async () => {
    const dir = tempDir();
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const before = folderContents(dir);
    const why = unwritable(dir);
    const manifest = writeJson({
      rackside: 'profile-manifest',
      version: 1,
      profiles: [
        {
          name: 'web02',
          connection: {
            kind: 'ssh',
            host: 'web02.lab',
            username: 'ops',
            auth: { mode: 'password' },
          },
          secrets: { password: 'a password 1' },
        },
      ],
    });
    const run = await cli(['--data-dir', dir, 'profiles', 'import', manifest], { env });
    expect(run.code).toBe(1);
    expect(
      run.stderr.endsWith(
        `rackside: Nothing was saved: Rackside cannot write the vault file ${path.join(dir, 'vault.json')} (${why}). Make the data folder writable and try again; nothing stored was lost.\n`,
      ),
    ).toBe(true);
    expect(folderContents(dir)).toEqual(before);
  });

  it('refuses at start, and keeps them, changes a crash left in the WAL beside the database', () => {
    const source = tempDir();
    const open = openStore({ dataDir: source, logger: silentLogger });
    const [first] = sampleProfiles;
    if (first === undefined) throw new Error('no sample profile');
    open.profiles.save({ ...first, secrets: undefined });
    // The files as a crash leaves them: the saved profile only in the WAL.
    const dir = tempDir();
    for (const name of ['rackside.db', 'rackside.db-wal']) {
      fs.copyFileSync(path.join(source, name), path.join(dir, name));
    }
    open.close();
    const before = folderContents(dir);
    const why = unwritable(dir);
    const file = path.join(dir, 'rackside.db');
    expect(() => openStore({ dataDir: dir, logger: silentLogger })).toThrow(
      `Cannot use ${dir} as the data folder: Rackside cannot write there (${why}), and the database's latest changes are still in ${file}-wal, which only a writable folder can apply. Make the folder writable, or choose another data folder. Nothing was changed.`,
    );
    expect(folderContents(dir)).toEqual(before);
    for (const restore of restores.splice(0)) restore();
    const store = openStore({ dataDir: dir, logger: silentLogger });
    try {
      expect(store.profiles.list().map((p) => p.name)).toEqual([first.name]);
    } finally {
      store.close();
    }
  });

  it('refuses at start a database that needs upgrading, and leaves it as it was', () => {
    const dir = tempDir();
    dataBeforeUrlCleanup(dir, 'an old password');
    const before = folderContents(dir);
    const why = unwritable(dir);
    expect(() => openStore({ dataDir: dir, logger: silentLogger })).toThrow(
      `Cannot use ${dir} as the data folder: Rackside cannot write there (${why}), and its database is from an older version of Rackside and needs upgrading. Make the folder writable, or choose another data folder. Nothing was changed.`,
    );
    expect(folderContents(dir)).toEqual(before);
  });
});
