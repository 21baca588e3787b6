import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { deriveKey, newScryptParams, ScryptParams, seal, tryOpen } from '../vault/vault-crypto';

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
  const file: z.infer<typeof EncryptedExport> = {
    rackside: 'profile-export',
    version: 1,
    kdf,
    cipher: { name: 'aes-256-gcm' },
    ciphertext: seal(key, Buffer.from(manifestJson, 'utf8'), exportAad).toString('base64'),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Returns the manifest JSON inside; a wrong passphrase or a damaged file is a clear error. */
export async function decryptExport(json: unknown, passphrase: string): Promise<string> {
  const parsed = EncryptedExport.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'bad-request',
      `Invalid encrypted export: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
    );
  }
  const key = await deriveKey(passphrase, parsed.data.kdf);
  const plain = tryOpen(key, Buffer.from(parsed.data.ciphertext, 'base64'), exportAad);
  if (plain === null) {
    throw new AppError(
      'wrong-passphrase',
      'Wrong export passphrase, or the file was altered; nothing was imported.',
    );
  }
  return plain.toString('utf8');
}
