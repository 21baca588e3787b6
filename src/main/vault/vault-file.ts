import fs from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { createFileDurably, writeFileDurably } from '../core/atomic-file';
import { ScryptParams } from './vault-crypto';

/**
 * The vault header, kept in its own file beside the database so a damaged database never takes
 * the data key with it. It holds only wrapped keys and parameters, never a plaintext secret.
 */
export const VaultHeader = z
  .object({
    format: z.literal('rackside-vault'),
    version: z.literal(1),
    kdf: ScryptParams,
    /** The data key sealed with the passphrase key (AAD `vaultKeyAad`). */
    passphraseWrap: z.base64().max(1000),
    /** An empty record sealed with the data key: proves a key from the keychain is the right one. */
    keyCheck: z.base64().max(200),
    /** The data key sealed by the OS keychain, with the backend that sealed it. */
    keychainWrap: z
      .object({ backend: z.string().max(100), blob: z.base64().max(10_000) })
      .strict()
      .nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .strict();
export type VaultHeader = z.infer<typeof VaultHeader>;

export const vaultKeyAad = 'rackside-vault-data-key-v1';
export const keyCheckAad = 'rackside-vault-key-check-v1';

export function readVaultHeader(file: string): VaultHeader | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('unavailable', `Cannot read the vault file ${file}: ${String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('data-corrupt', `The vault file ${file} is not valid JSON.`);
  }
  const parsed = VaultHeader.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    if ((json as { version?: unknown } | null)?.version !== undefined && where === 'version') {
      throw new AppError(
        'newer-version',
        `The vault file ${file} was written by a newer version of Rackside.`,
      );
    }
    throw new AppError(
      'data-corrupt',
      `The vault file ${file} is invalid at "${where}": ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}

export function writeVaultHeader(file: string, header: VaultHeader): void {
  writingVaultFile(file, () => {
    writeFileDurably(file, `${JSON.stringify(header, null, 2)}\n`);
  });
}

/**
 * Writes the first vault header: false, and nothing written, when a vault file exists — also one
 * another Rackside process (the app, the CLI) created a moment ago. A vault is never replaced by
 * a new one: secrets may already be encrypted with its data key.
 */
export function createVaultHeader(file: string, header: VaultHeader): boolean {
  return writingVaultFile(file, () =>
    createFileDurably(file, `${JSON.stringify(header, null, 2)}\n`),
  );
}

/**
 * Runs a write of the vault file and says plainly when its folder cannot take it (read-only
 * media, another user's folder, a full disk) instead of a bare `EROFS` or `EACCES`. The file is
 * replaced whole or not at all, so the vault as it was is kept.
 */
function writingVaultFile<T>(file: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EROFS'
        ? 'its disk is mounted read-only'
        : code === 'EACCES' || code === 'EPERM'
          ? 'no permission'
          : code === 'ENOSPC' || code === 'EDQUOT'
            ? 'its disk is full'
            : null;
    if (why === null) throw error;
    throw new AppError(
      'unavailable',
      `Nothing was saved: Rackside cannot write the vault file ${file} (${why}). Make the data folder writable and try again; nothing stored was lost.`,
      { cause: error },
    );
  }
}
