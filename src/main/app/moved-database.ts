import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { Logger } from '../core/logger';
import { fileIdentity } from '../db/file-identity';
import { databaseFileName } from '../store/open-store';
import { readRecoveries } from '../store/recovery-record';

/** What a command that would save something is told once the database was moved away. */
export const recoveredElsewhereMessage =
  'Nothing was saved: the data folder was recovered by another Rackside process, which moved the damaged database this window still shows aside and started a new one. Restart Rackside to use it.';

/** The same, when no recovery record names the moved file (something else moved or replaced it). */
export const replacedMessage =
  'Nothing was saved: the database file in the data folder was moved or replaced since Rackside opened it, so what it saves would go to a file it no longer reads. Restart Rackside to use the one there now.';

/** How services ask whether they may still write (see `MovedDatabaseGuard`). */
export interface WriteGuard {
  /** Whether the database this process has open is no longer the data folder's. */
  moved(): boolean;
  /** Throws the refusal (an AppError saying why, in words) once `moved()`. */
  assertWritable(): void;
}

/**
 * Notices when the database file this process has open is no longer the one in the data folder —
 * the CLI found it damaged, moved it aside and started a new one — and from then on refuses every
 * write: the open connection still points at the moved file, which nobody reads, so whatever it
 * saved there would be lost without a word. Reading what is stored goes on. The file's identity
 * (device and inode) at start is compared with the one at its path, a `stat` per look.
 */
export class MovedDatabaseGuard implements WriteGuard {
  readonly #file: string;
  readonly #identity: string | null;
  readonly #listeners: (() => void)[] = [];
  #moved = false;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {
    this.#file = path.join(dataDir, databaseFileName);
    this.#identity = fileIdentity(this.#file);
  }

  /** Runs `listener` once, when the move is noticed (in the order added). */
  onMoved(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Looks at the data folder (unless the move is known already); whether it was moved. */
  moved(): boolean {
    if (this.#moved) return true;
    if (this.#identity === null || fileIdentity(this.#file) === this.#identity) return false;
    this.#moved = true;
    this.logger.warn('the database was moved away while open; refusing writes', {
      file: this.#file,
    });
    for (const listener of this.#listeners) listener();
    return true;
  }

  assertWritable(): void {
    if (this.moved()) throw this.refusal();
  }

  /**
   * The refusal in place of an error a write on the moved database raised (`query_only` makes
   * SQLite refuse it as read-only); any other error as it is.
   */
  explain(error: unknown): unknown {
    if (!this.#moved || !refusedAsReadOnly(error)) return error;
    return this.refusal(error);
  }

  refusal(cause?: unknown): AppError {
    const byRecovery = readRecoveries(this.dataDir, this.logger).some(
      (r) => 'movedTo' in r && fileIdentity(r.movedTo) === this.#identity,
    );
    return new AppError('unavailable', byRecovery ? recoveredElsewhereMessage : replacedMessage, {
      cause,
    });
  }
}

/** SQLite's read-only refusal, also as the cause of an error that wraps it. */
function refusedAsReadOnly(error: unknown): boolean {
  for (let at = error, depth = 0; at !== undefined && at !== null && depth < 5; depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) return true;
    at = (at as { cause?: unknown }).cause;
  }
  return false;
}
