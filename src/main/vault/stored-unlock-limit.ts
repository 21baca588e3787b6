import type { Logger } from '../core/logger';
import { isBusy, storageProblem } from '../db/open-database';
import type { Sqlite } from '../db/sqlite';
import { MemoryUnlockLimit, type UnlockLimitRecord, type UnlockLimitState } from './unlock-limiter';

/**
 * The unlock limit in the database (`vault_unlock_limit`, migration 20): the app and every
 * `rackside` command on the data folder count wrong passphrases together, and a restart does not
 * clear the count. Not secret: a count and a time.
 *
 * When the database cannot take the write (a full or read-only disk, another process holding it
 * past the busy timeout), the limit goes on in this process's memory from the last state read,
 * rather than failing the unlock.
 */
export class StoredUnlockLimit implements UnlockLimitRecord {
  private fallback: MemoryUnlockLimit | null = null;

  constructor(
    private readonly db: Sqlite,
    private readonly logger: Logger,
  ) {}

  read(): UnlockLimitState {
    return this.fallback?.read() ?? this.readRow();
  }

  update<T>(change: (state: UnlockLimitState) => { state: UnlockLimitState; result: T }): T {
    if (this.fallback !== null) return this.fallback.update(change);
    try {
      return this.db
        .transaction(() => {
          const { state, result } = change(this.readRow());
          this.db
            .prepare(
              `INSERT INTO vault_unlock_limit (id, failures, not_before) VALUES (1, ?, ?)
               ON CONFLICT (id) DO UPDATE SET failures = excluded.failures,
                 not_before = excluded.not_before`,
            )
            .run(state.failures, Math.round(state.notBefore));
          return result;
        })
        .immediate();
    } catch (error) {
      if (storageProblem(error) === null && !isBusy(error)) throw error;
      this.logger.warn('cannot store the unlock limit; kept in memory', { error: String(error) });
      this.fallback = new MemoryUnlockLimit(this.readOrNothing());
      return this.fallback.update(change);
    }
  }

  /** The stored state, or none counted when even reading fails: the unlock itself goes on. */
  private readOrNothing(): UnlockLimitState {
    try {
      return this.readRow();
    } catch {
      return { failures: 0, notBefore: 0 };
    }
  }

  private readRow(): UnlockLimitState {
    const row = this.db
      .prepare('SELECT failures, not_before AS notBefore FROM vault_unlock_limit WHERE id = 1')
      .get() as UnlockLimitState | undefined;
    return row ?? { failures: 0, notBefore: 0 };
  }
}
