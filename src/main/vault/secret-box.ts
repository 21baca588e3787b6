/**
 * OS-level encryption of small blobs (Electron `safeStorage` in the app). The core never imports
 * Electron; the host passes an adapter, tests pass a fake.
 */
export interface SecretBox {
  isAvailable(): boolean;
  /** Which keyring protects the blobs, e.g. `gnome_libsecret`, `kwallet5`, `keychain`, `dpapi`. */
  backend(): string;
  encrypt(plaintext: Buffer): Buffer;
  decrypt(ciphertext: Buffer): Buffer;
}

/** Backends that do not protect anything: Linux `basic_text` uses a hard-coded key. */
const refusedBackends = new Set(['basic_text', 'unknown', '']);

/** True only when the box is usable and backed by a real keyring. */
export function isRealKeyring(box: SecretBox | undefined): box is SecretBox {
  if (box === undefined) return false;
  try {
    return box.isAvailable() && !refusedBackends.has(box.backend());
  } catch {
    return false;
  }
}
