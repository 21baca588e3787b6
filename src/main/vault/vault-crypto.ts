import crypto from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../shared/errors';

/** scrypt parameters below this are refused (SECURITY.md §8). */
export const scryptFloor = { N: 2 ** 17, r: 8, p: 1 } as const;
/** And above this, so a hostile file cannot make us allocate gigabytes. */
const scryptCeiling = { N: 2 ** 22, r: 32, p: 16 } as const;

export const ScryptParams = z
  .object({
    name: z.literal('scrypt'),
    N: z.number().int().positive(),
    r: z.number().int().positive(),
    p: z.number().int().positive(),
    salt: z.base64(),
  })
  .strict();
export type ScryptParams = z.infer<typeof ScryptParams>;

export function checkScryptParams(params: ScryptParams): void {
  const powerOfTwo = (params.N & (params.N - 1)) === 0;
  if (params.N < scryptFloor.N || params.r < scryptFloor.r || params.p < scryptFloor.p) {
    throw new AppError(
      'data-corrupt',
      `Key derivation parameters (scrypt N=${params.N}, r=${params.r}, p=${params.p}) are below the minimum N=${scryptFloor.N}, r=${scryptFloor.r}, p=${scryptFloor.p}; refusing to use them.`,
    );
  }
  if (
    !powerOfTwo ||
    params.N > scryptCeiling.N ||
    params.r > scryptCeiling.r ||
    params.p > scryptCeiling.p
  ) {
    throw new AppError(
      'data-corrupt',
      `Key derivation parameters are out of range (scrypt N=${params.N}, r=${params.r}, p=${params.p}).`,
    );
  }
  if (Buffer.from(params.salt, 'base64').length < 16) {
    throw new AppError('data-corrupt', 'Key derivation salt is shorter than 16 bytes.');
  }
}

export function newScryptParams(N: number = scryptFloor.N): ScryptParams {
  const params: ScryptParams = {
    name: 'scrypt',
    N,
    r: scryptFloor.r,
    p: scryptFloor.p,
    salt: crypto.randomBytes(16).toString('base64'),
  };
  checkScryptParams(params);
  return params;
}

/** Derives a 256-bit key from a passphrase; refuses parameters below the floor. */
export async function deriveKey(passphrase: string, params: ScryptParams): Promise<Buffer> {
  checkScryptParams(params);
  const maxmem = 128 * params.N * params.r * params.p + 32 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    crypto.scrypt(
      passphrase.normalize('NFC'),
      Buffer.from(params.salt, 'base64'),
      32,
      { N: params.N, r: params.r, p: params.p, maxmem },
      (error, key) => {
        if (error) reject(error);
        else resolve(key);
      },
    );
  });
}

const sealVersion = 1;
const nonceBytes = 12;
const tagBytes = 16;

/**
 * AES-256-GCM with a fresh random 96-bit nonce. Layout: version (1) ‖ nonce (12) ‖ ciphertext ‖
 * tag (16). `aad` binds the blob to its place (a record id), so blobs cannot be swapped.
 */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const nonce = crypto.randomBytes(nonceBytes);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([sealVersion]), nonce, body, cipher.getAuthTag()]);
}

/** Opens a `seal` blob; returns null when the key, the AAD or any byte is wrong. */
export function tryOpen(key: Buffer, blob: Buffer, aad: string): Buffer | null {
  if (blob.length < 1 + nonceBytes + tagBytes || blob[0] !== sealVersion) return null;
  const nonce = blob.subarray(1, 1 + nonceBytes);
  const tag = blob.subarray(blob.length - tagBytes);
  const body = blob.subarray(1 + nonceBytes, blob.length - tagBytes);
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
}
