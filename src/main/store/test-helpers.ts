import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../core/logger';
import { migrate } from '../db/migrate';
import { migrations } from '../db/migrations';
import { openSqlite } from '../db/sqlite';
import { tempDir } from '../db/test-helpers';
import { fakeSecretBox } from '../vault/test-helpers';
import { Vault } from '../vault/vault';
import { databaseFileName, openStore, vaultFileName, type Store } from './open-store';

export const testPassphrase = 'test passphrase 1';
let template: Promise<string> | undefined;

/**
 * A vault set up once per test file (one scrypt derivation), with a keychain wrap from a fake
 * keyring so each test's copy unlocks without deriving again.
 */
function vaultTemplate(): Promise<string> {
  template ??= (async () => {
    const file = path.join(tempDir(), vaultFileName);
    await new Vault({ file, logger: silentLogger, secretBox: fakeSecretBox('test_keyring') }).setup(
      testPassphrase,
    );
    return file;
  })();
  return template;
}

/** A store in its own temp dir with an unlocked vault. */
export async function unlockedTestStore(dataDir = tempDir()): Promise<Store> {
  fs.copyFileSync(await vaultTemplate(), path.join(dataDir, vaultFileName));
  const store = openStore({
    dataDir,
    logger: silentLogger,
    secretBox: fakeSecretBox('test_keyring'),
  });
  if (!store.vault.unlockWithKeychain()) throw new Error('test vault did not unlock');
  return store;
}

/**
 * A data folder as Rackside left it before source URLs lost their credentials (schema 11): the
 * source profiles "Foreman prod" and "Patches" have `password` in their URLs, "Foreman lab" none.
 */
export function dataBeforeUrlCleanup(dataDir: string, password: string): void {
  const db = openSqlite(path.join(dataDir, databaseFileName));
  db.pragma('journal_mode = WAL');
  migrate(db, migrations.slice(0, 11), silentLogger);
  const insert = db.prepare(
    `INSERT INTO profiles (id, name, name_key, kind, connection, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
  );
  const auth = { mode: 'password', username: 'api' };
  const rows = [
    ['Foreman prod', 'foreman', { auth, url: `https://admin:${password}@fm.lab/` }],
    ['Foreman lab', 'foreman', { auth, url: 'https://fm2.lab:8443/' }],
    ['Patches', 'patchmon', { apiKey: 'key', url: `https://ops:${password}@pm.lab/` }],
  ] as const;
  for (const [name, kind, connection] of rows) {
    insert.run(
      randomUUID(),
      name,
      name.toLowerCase(),
      kind,
      JSON.stringify({ kind, ...connection }),
    );
  }
  db.close();
}

/**
 * Makes `dir` a folder the test process can read but not write, as a data folder on read-only
 * media or of another user is: its files mode-protected for a normal user; for root, whom modes
 * do not stop, a read-only bind mount of it over itself. `why`: the reason Rackside gives.
 */
export function makeUnwritable(dir: string): { why: string; restore: () => void } {
  if (process.getuid?.() !== 0) {
    const files = fs.readdirSync(dir).map((name) => path.join(dir, name));
    for (const file of files) fs.chmodSync(file, 0o400);
    fs.chmodSync(dir, 0o500);
    return {
      why: 'no permission',
      restore: () => {
        fs.chmodSync(dir, 0o700);
        for (const file of files) fs.chmodSync(file, 0o600);
      },
    };
  }
  execFileSync('mount', ['--bind', dir, dir]);
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', dir]);
  } catch (error) {
    execFileSync('umount', [dir]);
    throw error;
  }
  return { why: 'its disk is mounted read-only', restore: () => execFileSync('umount', [dir]) };
}

/** Every file in `dir` with its bytes, to compare before and after. */
export function folderContents(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((name) => [name, fs.readFileSync(path.join(dir, name)).toString('base64')]),
  );
}
