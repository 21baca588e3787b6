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
