import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { tempDir } from '../db/test-helpers';
import { openStore } from './open-store';
import { sampleProfiles } from '../profiles/fixtures';
import { unlockedTestStore } from './test-helpers';

describe('the data folder', () => {
  it('is created readable by its owner only', () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const store = openStore({ dataDir: dir, logger: silentLogger });
    try {
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.existsSync(path.join(dir, 'rackside.db'))).toBe(true);
    } finally {
      store.close();
    }
  });

  it.runIf(process.platform !== 'win32')(
    'keeps the database files readable by their owner only in a folder others may read',
    async () => {
      // A folder made by hand (0755) and a umask that lets others read new files, as is usual.
      const dir = path.join(tempDir(), 'data');
      fs.mkdirSync(dir, { mode: 0o755 });
      const manifest = path.join(tempDir(), 'profiles.json');
      fs.writeFileSync(
        manifest,
        JSON.stringify({
          rackside: 'profile-manifest',
          version: 1,
          profiles: [
            {
              name: 'web01',
              connection: {
                kind: 'ssh',
                host: 'web01.lab',
                username: 'ops',
                auth: { mode: 'password' },
              },
            },
          ],
        }),
      );
      const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
      await promisify(execFile)('/bin/sh', [
        '-c',
        'umask 022 && exec "$@"',
        'sh',
        process.execPath,
        bin,
        '--data-dir',
        dir,
        'profiles',
        'import',
        manifest,
      ]);
      const mode = (name: string): string =>
        `${name} ${(fs.statSync(path.join(dir, name)).mode & 0o777).toString(8)}`;
      expect(mode('rackside.db')).toBe('rackside.db 600');
      const store = openStore({ dataDir: dir, logger: silentLogger });
      try {
        store.profiles.list();
        // While it is open: SQLite's own files beside it.
        expect(fs.readdirSync(dir).sort().map(mode)).toEqual([
          'rackside.db 600',
          'rackside.db-shm 600',
          'rackside.db-wal 600',
        ]);
      } finally {
        store.close();
      }
    },
    60_000,
  );

  it.runIf(process.platform !== 'win32')(
    'makes database files an older version left readable by others readable by their owner only',
    () => {
      const dir = tempDir();
      const first = openStore({ dataDir: dir, logger: silentLogger });
      try {
        const files = ['rackside.db', 'rackside.db-wal', 'rackside.db-shm'];
        for (const name of files) fs.chmodSync(path.join(dir, name), 0o644);
        openStore({ dataDir: dir, logger: silentLogger }).close();
        expect(
          files.map((name) => (fs.statSync(path.join(dir, name)).mode & 0o777).toString(8)),
        ).toEqual(['600', '600', '600']);
      } finally {
        first.close();
      }
    },
  );

  it('says plainly when the path is a file, and leaves the file alone', () => {
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'keep me');
    expect(() => openStore({ dataDir: file, logger: silentLogger })).toThrow(
      `Cannot use ${file} as the data folder: it, or a folder above it, is a file.`,
    );
    expect(() => openStore({ dataDir: path.join(file, 'data'), logger: silentLogger })).toThrow(
      /as the data folder: it, or a folder above it, is a file\.$/,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
  });

  it.runIf(fs.existsSync('/proc/self'))(
    'says plainly when the folder exists but nothing can be written in it',
    () => {
      // /proc/self refuses new files even to root, as read-only media would.
      expect(() => openStore({ dataDir: '/proc/self', logger: silentLogger })).toThrow(
        /^Cannot use \/proc\/self as the data folder: Rackside cannot write there( \((no permission|its disk is mounted read-only)\), and there is no database in it yet to read|, and it keeps its database there)\. Make the folder writable, or choose another data folder\./,
      );
    },
  );

  it.runIf(fs.existsSync('/proc/self'))(
    'says so at once where no folder can be made, such as under /proc',
    () => {
      // Node's recursive mkdir spins forever on this path.
      const dir = path.join('/proc', `rackside-${String(process.pid)}`, 'data');
      expect(() => openStore({ dataDir: dir, logger: silentLogger })).toThrow(
        `Cannot use ${dir} as the data folder: folders cannot be created there.`,
      );
    },
    5_000,
  );
});

describe('the vault file', () => {
  it('is not replaced by a new vault while the database holds secrets the old one encrypted', async () => {
    const dir = tempDir();
    const first = await unlockedTestStore(dir);
    const [foreman] = sampleProfiles;
    if (foreman === undefined) throw new Error('no sample profile');
    first.profiles.save(foreman);
    first.close();
    fs.rmSync(path.join(dir, 'vault.json'));
    const store = openStore({ dataDir: dir, logger: silentLogger });
    try {
      expect(store.vault.state()).toBe('uninitialized');
      await expect(store.vault.setup('a new passphrase')).rejects.toThrow(
        `The vault file ${path.join(dir, 'vault.json')} is missing, but the database holds 1 secret that its key encrypted. Restore that file from a backup to read them: a new vault could not. Nothing was changed.`,
      );
      expect(fs.existsSync(path.join(dir, 'vault.json'))).toBe(false);
      expect(store.vault.state()).toBe('uninitialized');
    } finally {
      store.close();
    }
  });
});
