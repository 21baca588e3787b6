import { safeStorage } from 'electron';
import type { SecretBox } from '../vault/secret-box';

/**
 * Electron `safeStorage` as the vault's `SecretBox`. Only Linux reports a storage backend; on
 * macOS (Keychain) and Windows (DPAPI) the platform names the backend. The vault refuses the
 * Linux `basic_text` backend, which encrypts with a hard-coded key.
 */
export const electronSecretBox: SecretBox = {
  isAvailable: () => safeStorage.isEncryptionAvailable(),
  backend: () => {
    if (process.platform === 'darwin') return 'keychain';
    if (process.platform === 'win32') return 'dpapi';
    return safeStorage.getSelectedStorageBackend();
  },
  encrypt: (plaintext) => safeStorage.encryptString(plaintext.toString('base64')),
  decrypt: (ciphertext) => Buffer.from(safeStorage.decryptString(ciphertext), 'base64'),
};
