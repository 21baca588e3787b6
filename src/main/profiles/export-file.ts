import { z } from 'zod';
import { AppError } from '../../shared/errors';
import {
  checkScryptParams,
  deriveKey,
  newScryptParams,
  ScryptParams,
  seal,
  tryOpen,
} from '../vault/vault-crypto';

/** An export encrypted with its own passphrase; see docs/manifest.md. */
export const EncryptedExport = z
  .object({
    rackside: z.literal('profile-export'),
    version: z.literal(1),
    kdf: ScryptParams,
    cipher: z.object({ name: z.literal('aes-256-gcm') }).strict(),
    ciphertext: z.base64().max(64 * 1024 * 1024),
  })
  .strict();

const exportAad = 'rackside-profile-export-v1';

export async function encryptExport(manifestJson: string, passphrase: string): Promise<string> {
  if (passphrase.length < 8) {
    throw new AppError('bad-request', 'The export passphrase must have at least 8 characters.');
  }
  const kdf = newScryptParams();
  const key = await deriveKey(passphrase, kdf);
  const file: EncryptedExport = {
    rackside: 'profile-export',
    version: 1,
    kdf,
    cipher: { name: 'aes-256-gcm' },
    ciphertext: seal(key, Buffer.from(manifestJson, 'utf8'), exportAad).toString('base64'),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export type EncryptedExport = z.infer<typeof EncryptedExport>;

/** A version byte, the nonce and the tag: the least a sealed manifest takes. */
const minSealedBytes = 1 + 12 + 16;

/**
 * Checks an encrypted export's envelope — before its passphrase is asked, so a damaged or newer
 * file says so instead of asking for a passphrase that cannot help.
 */
export function readEncryptedExport(json: unknown): EncryptedExport {
  refuseNewerVersion(json, 'encrypted export', 1);
  const parsed = EncryptedExport.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'bad-request',
      `Invalid encrypted export: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
    );
  }
  try {
    checkScryptParams(parsed.data.kdf);
  } catch (error) {
    throw new AppError('bad-request', `Invalid encrypted export: kdf: ${(error as Error).message}`);
  }
  if (Buffer.from(parsed.data.ciphertext, 'base64').length < minSealedBytes) {
    throw new AppError('bad-request', 'Invalid encrypted export: ciphertext: too short');
  }
  return parsed.data;
}

/**
 * Refuses a file of a format version above `readable` (written by a newer Rackside) with a
 * message that says so, rather than a schema error about the version field.
 */
export function refuseNewerVersion(json: unknown, what: string, readable: number): void {
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && Number.isInteger(version) && version > readable) {
    throw new AppError(
      'newer-version',
      `This file was written by a newer Rackside (${what} version ${String(version)}); this Rackside reads version ${String(readable)}. Update Rackside to import it.`,
    );
  }
}

/** Returns the manifest JSON inside; a wrong passphrase or a damaged file is a clear error. */
export async function decryptExport(
  envelope: EncryptedExport,
  passphrase: string,
): Promise<string> {
  const key = await deriveKey(passphrase, envelope.kdf);
  const plain = tryOpen(key, Buffer.from(envelope.ciphertext, 'base64'), exportAad);
  if (plain === null) {
    throw new AppError(
      'wrong-passphrase',
      'Wrong export passphrase, or the file was altered; nothing was imported.',
    );
  }
  return plain.toString('utf8');
}
