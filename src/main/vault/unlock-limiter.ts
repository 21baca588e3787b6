import { AppError } from '../../shared/errors';

/** Wrong passphrases since the last right one, and the time (ms) before which none is tried. */
export interface UnlockLimitState {
  failures: number;
  notBefore: number;
}

/**
 * Where the limit is kept: in this process's memory (`MemoryUnlockLimit`), or in the database
 * that every Rackside process on the data folder shares (`StoredUnlockLimit`).
 */
export interface UnlockLimitRecord {
  read(): UnlockLimitState;
  /** Reads, changes and stores the state in one step that no other process comes between. */
  update<T>(change: (state: UnlockLimitState) => { state: UnlockLimitState; result: T }): T;
}

export class MemoryUnlockLimit implements UnlockLimitRecord {
  constructor(private state: UnlockLimitState = { failures: 0, notBefore: 0 }) {}

  read(): UnlockLimitState {
    return { ...this.state };
  }

  update<T>(change: (state: UnlockLimitState) => { state: UnlockLimitState; result: T }): T {
    const { state, result } = change(this.read());
    this.state = { ...state };
    return result;
  }
}

/**
 * Slows down passphrase guessing: the first `free` attempts cost nothing extra, then each one
 * doubles the wait (1 s, 2 s, 4 s, … up to `maxDelayMs`). A success resets it.
 *
 * An attempt is counted when it starts, before the slow key derivation, in the same step that
 * checks the wait: attempts made at once, by one process or by several sharing the record, never
 * all pass the check before one is counted. A wrong one then starts its wait again from when it
 * was found wrong. A wait longer than the count allows (the clock was set back since it was
 * stored) is cut to that, and stored so.
 */
export class UnlockLimiter {
  constructor(
    private readonly now: () => number,
    private readonly record: UnlockLimitRecord = new MemoryUnlockLimit(),
    private readonly free = 3,
    private readonly maxDelayMs = 5 * 60_000,
  ) {}

  /**
   * Counts an attempt about to be made: throws `rate-limited` with the remaining wait when one
   * is not allowed yet (and counts nothing then).
   */
  attempt(): void {
    const wait = this.record.update((stored) => {
      const now = this.now();
      const state = this.clamped(stored, now);
      if (state.notBefore > now) return { state, result: state.notBefore - now };
      const failures = state.failures + 1;
      const notBefore = failures >= this.free ? now + this.delayMs(failures) : 0;
      return { state: { failures, notBefore }, result: 0 };
    });
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError('rate-limited', `Too many wrong passphrases. Try again in ${seconds} s.`);
    }
  }

  /** The attempt had a wrong passphrase: the wait it earned runs from now. */
  failed(): void {
    this.record.update((state) => {
      if (state.failures < this.free) return { state, result: undefined };
      const notBefore = this.now() + this.delayMs(state.failures);
      return { state: { ...state, notBefore }, result: undefined };
    });
  }

  /** The attempt had the right passphrase: no failures, no wait. */
  succeeded(): void {
    const { failures, notBefore } = this.record.read();
    if (failures === 0 && notBefore === 0) return;
    this.record.update(() => ({ state: { failures: 0, notBefore: 0 }, result: undefined }));
  }

  /** Milliseconds until the next attempt is allowed (0 when allowed now). */
  waitMs(): number {
    const now = this.now();
    const stored = this.record.read();
    const wait = (state: UnlockLimitState): number => Math.max(0, state.notBefore - now);
    if (this.clamped(stored, now).notBefore === stored.notBefore) return wait(stored);
    return this.record.update((current) => {
      const state = this.clamped(current, now);
      return { state, result: wait(state) };
    });
  }

  private delayMs(failures: number): number {
    if (failures < this.free) return 0;
    return Math.min(1000 * 2 ** (failures - this.free), this.maxDelayMs);
  }

  private clamped(state: UnlockLimitState, now: number): UnlockLimitState {
    const latest = now + this.delayMs(state.failures);
    return state.notBefore > latest ? { ...state, notBefore: latest } : state;
  }
}
