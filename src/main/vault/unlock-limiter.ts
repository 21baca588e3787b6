import { AppError } from '../../shared/errors';

/**
 * Slows down passphrase guessing: the first `free` failures cost nothing extra, then each one
 * doubles the wait (1 s, 2 s, 4 s, … up to `maxDelayMs`). A success resets it.
 */
export class UnlockLimiter {
  private failures = 0;
  private notBefore = 0;

  constructor(
    private readonly now: () => number,
    private readonly free = 3,
    private readonly maxDelayMs = 5 * 60_000,
  ) {}

  /** Throws `rate-limited` with the remaining wait when an attempt is not allowed yet. */
  check(): void {
    const wait = this.notBefore - this.now();
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError('rate-limited', `Too many wrong passphrases. Try again in ${seconds} s.`);
    }
  }

  failed(): void {
    this.failures += 1;
    if (this.failures >= this.free) {
      const delay = Math.min(1000 * 2 ** (this.failures - this.free), this.maxDelayMs);
      this.notBefore = this.now() + delay;
    }
  }

  succeeded(): void {
    this.failures = 0;
    this.notBefore = 0;
  }

  /** Milliseconds until the next attempt is allowed (0 when allowed now). */
  waitMs(): number {
    return Math.max(0, this.notBefore - this.now());
  }
}
