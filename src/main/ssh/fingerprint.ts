import { createHash } from 'node:crypto';

/** OpenSSH's fingerprint form: `SHA256:` + unpadded base64 of the key blob's SHA-256. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of an SSH public key blob (`ssh-ed25519`, …), or null. */
export function keyTypeOf(keyBlob: Buffer): string | null {
  if (keyBlob.length < 4) return null;
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || keyBlob.length < 4 + length) return null;
  const type = keyBlob.toString('latin1', 4, 4 + length);
  return /^[\x21-\x7e]+$/.test(type) ? type : null;
}

/** A host key as shown to people: its type and fingerprint. */
export interface KeyIdentity {
  keyType: string;
  fingerprint: string;
}

export function identify(keyBlob: Buffer): KeyIdentity {
  return { keyType: keyTypeOf(keyBlob) ?? 'unknown', fingerprint: sha256Fingerprint(keyBlob) };
}
