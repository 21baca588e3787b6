import { needsOneTimeCode, type ProfileView } from '../../shared/profiles';
import type { Logger } from '../core/logger';
import type { SyncEngine } from './sync-engine';
import { isSourceProfile } from './sync-history';

export interface BackgroundSyncOptions {
  engine: SyncEngine;
  /** The profiles as they are now (a schedule outlives a change of the profile's login). */
  profiles: { list(): ProfileView[] };
  /** False while syncing cannot read credentials (the vault is locked). */
  canSync: () => boolean;
  logger: Logger;
  clock?: () => Date;
}

/**
 * Syncs profiles that have a background interval (`sync_schedules`) when they are due. Checks
 * once a minute; skipped while the vault is locked, since syncing needs the credentials. Never
 * starts a profile that is already syncing, nor one that asks for a one-time code at every login
 * (nobody may be there to answer; that is logged once per profile, not at every check).
 */
export class BackgroundSync {
  #timer: NodeJS.Timeout | undefined;
  readonly #clock: () => Date;
  /** Profiles already logged as skipped for needing a one-time code. */
  readonly #skipped = new Set<string>();

  constructor(private readonly options: BackgroundSyncOptions) {
    this.#clock = options.clock ?? (() => new Date());
  }

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
    const { engine, logger } = this.options;
    if (!this.options.canSync()) return [];
    const due = engine.history.dueProfiles(this.#clock());
    if (due.length === 0) return [];
    const profiles = new Map(this.options.profiles.list().map((p) => [p.id, p]));
    // A sync that outlasts its interval is due again; it keeps running and is not joined.
    const running = new Set(
      engine
        .freshness()
        .filter((s) => s.running)
        .map((s) => s.profileId),
    );
    const started: string[] = [];
    for (const id of due) {
      const profile = profiles.get(id);
      if (profile === undefined || !isSourceProfile(profile) || running.has(id)) continue;
      if (needsOneTimeCode(profile.connection)) {
        if (!this.#skipped.has(id)) {
          this.#skipped.add(id);
          logger.warn('background sync skips a profile that asks for a one-time code', {
            profile: profile.name,
          });
        }
        continue;
      }
      this.#skipped.delete(id);
      started.push(id);
      // Each profile on its own: the engine records a failed sync; this only catches one that
      // could not start, and must not keep the other due profiles from starting.
      engine.sync([id]).catch((error: unknown) => {
        logger.warn('background sync failed to start', {
          profile: profile.name,
          error: String(error),
        });
      });
    }
    return started;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
