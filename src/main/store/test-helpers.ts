import fs from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../core/logger';
import { tempDir } from '../db/test-helpers';
import { fakeSecretBox } from '../vault/test-helpers';
import { Vault } from '../vault/vault';
import { openStore, vaultFileName, type Store } from './open-store';

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
