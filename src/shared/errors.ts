import { z } from 'zod';

/** Every error that may cross the contract boundary carries one of these codes. */
export const errorCodes = [
  'bad-request',
  'unknown-channel',
  'payload-too-large',
  'forbidden',
  'not-found',
  'conflict',
  /** A save over data changed elsewhere since it was read (another window, the command line). */
  'stale',
  'vault-uninitialized',
  'vault-locked',
  'unavailable',
  'timeout',
  'cancelled',
  'internal',
  'wrong-passphrase',
  'rate-limited',
  'data-corrupt',
  'newer-version',
  'protocol-error',
] as const;

export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const AppErrorShape = z
  .object({
    code: ErrorCode,
    message: z.string().max(4000),
  })
  .strict();
export type AppErrorShape = z.infer<typeof AppErrorShape>;

/** The one error type of Rackside: a code a program can switch on and a message a person can read. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toShape(): AppErrorShape {
    return { code: this.code, message: this.message };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Ends an exhaustive switch: the compiler proves it unreachable, the runtime reports if not. */
export function assertNever(value: never, what = 'value'): never {
  throw new AppError('internal', `Unexpected ${what}: ${JSON.stringify(value)}`);
}
