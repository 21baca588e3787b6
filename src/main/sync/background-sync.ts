import type { Logger } from '../core/logger';
import type { SyncEngine } from './sync-engine';

/**
 * Syncs profiles that have a background interval (`sync_schedules`) when they are due. Checks
 * once a minute; skipped while the vault is locked, since syncing needs the credentials.
 */
export class BackgroundSync {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: SyncEngine,
    private readonly canSync: () => boolean,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(everyMs = 60_000): void {
    this.stop();
    this.#timer = setInterval(() => {
      this.tick();
    }, everyMs);
    // A pending check must never keep a CLI or test process alive.
    this.#timer.unref();
  }

  /** Starts the due syncs; returns the profile ids started. */
  tick(): string[] {
    if (!this.canSync()) return [];
    const due = this.engine.history.dueProfiles(this.clock());
    if (due.length === 0) return [];
    this.engine.sync(due).catch((error: unknown) => {
      this.logger.warn('background sync failed to start', { error: String(error) });
    });
    return due;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
