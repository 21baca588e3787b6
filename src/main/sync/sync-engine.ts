import { setMaxListeners } from 'node:events';
import { AppError } from '../../shared/errors';
import type { SourceFreshness, SyncOutcome, SyncProgressEvent } from '../../shared/inventory';
import type { ProfileView } from '../../shared/profiles';
import type { Logger } from '../core/logger';
import { storageProblem } from '../db/open-database';
import type { Sqlite } from '../db/sqlite';
import { correlateIfDirty } from '../inventory/asset-store';
import { inThreadCorrelator, type Correlator } from '../inventory/correlator';
import { RecordStore, type RecordBatch } from '../inventory/record-store';
import type { ProfileService } from '../profiles/profile-service';
import type { SourceConnector, SourceSystem, SyncProgress } from '../sources/types';
import { Limiter } from './limiter';
import type { Reachability } from './reachability';
import { isSourceProfile, SyncHistory, syncedPart } from './sync-history';
import { ElsewhereWaits } from './sync-elsewhere';
import {
  checkRecords,
  clampCount,
  describeFailure,
  removedMessage,
  removedOutcome,
  type ProgressEmit,
} from './sync-outcome';
import { epochNow, inThreadSyncWriter, type SyncWriter } from './sync-writer';

export type ConnectorSet = Partial<Record<SourceSystem, SourceConnector>>;

/** Listeners one profile's sync may have on its cancel signal before Node warns of a leak. */
const cancelListenersPerSync = 200;

/**
 * The cancel of one profile's sync. Each request in flight (until its body closes), retry wait
 * and RouterOS command listens for it: a large profile has dozens at once, beyond the ten after
 * which Node warns of a leak on the console. A real leak still grows past this and is reported.
 */
export function syncCancelController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(cancelListenersPerSync, controller.signal);
  return controller;
}

/** Profiles of one source kind synced at the same time, unless told otherwise. */
export const defaultPerKindConcurrency = 2;

export interface SyncEngineOptions {
  db: Sqlite;
  profiles: ProfileService;
  connectors: ConnectorSet;
  logger: Logger;
  clock?: () => Date;
  /** Profiles of one source kind synced at the same time (default `defaultPerKindConcurrency`). */
  perKindConcurrency?: number;
  /** Progress of every profile; the hosts turn it into `sync:progress` events. */
  onProgress?: (event: SyncProgressEvent) => void;
  /** Marks sources offline that cannot be reached, between syncs (see `checkReachability`). */
  reachability?: Reachability;
  /** Least time between two `running` progress events of one profile (default 100 ms). */
  progressIntervalMs?: number;
  /**
   * Re-correlates once the last running sync has ended: in this thread unless told otherwise;
   * the app's hosts use a worker (`workerCorrelator`) so the window keeps its answers coming.
   */
  correlate?: Correlator;
  /**
   * Where runs and records are written: on `db` in this thread unless told otherwise; the app's
   * hosts use a thread of its own (`workerSyncWriter`), as for correlating.
   */
  writer?: SyncWriter;
}

export type SyncTarget = readonly string[] | 'all';

/** A run of a profile's sync in this process, as its steps share it. */
interface LocalRun {
  profile: ProfileView;
  system: SourceSystem;
  runId: number;
  /** Aborts on `cancel()` and on the caller's signal. */
  signal: AbortSignal;
  emit: ProgressEmit;
  /** The connector's warnings, stored with the run. */
  warnings: string[];
  /** When the run began: `performance.now()`, and ms since the epoch (`epochNow()`). */
  started: number;
  startedAt: number;
}

/**
 * Syncs source profiles: each connector's complete result is written in one transaction together
 * with the re-correlated assets, so a crash or a failure leaves the previous consistent data. A
 * failing profile is recorded (and shown as offline) while the others carry on.
 */
export class SyncEngine {
  readonly history: SyncHistory;
  readonly #records: RecordStore;
  readonly #clock: () => Date;
  readonly #correlate: Correlator;
  readonly #writer: SyncWriter;
  readonly #elsewhere: ElsewhereWaits;
  readonly #limiters = new Map<SourceSystem, Limiter>();
  readonly #running = new Map<string, Promise<SyncOutcome>>();
  readonly #controllers = new Set<AbortController>();
  /** Moves with every `cancel()`: a sync queued before it started must not start after it. */
  #cancels = 0;

  constructor(private readonly options: SyncEngineOptions) {
    this.#clock = options.clock ?? (() => new Date());
    this.history = new SyncHistory(options.db, this.#clock);
    this.#records = new RecordStore(options.db);
    this.#correlate = options.correlate ?? inThreadCorrelator(options.db);
    this.#writer = options.writer ?? inThreadSyncWriter(options.db);
    this.#elsewhere = new ElsewhereWaits({
      history: this.history,
      profiles: options.profiles,
      progressEmitter: (runId, profile, system) => this.#progressEmitter(runId, profile, system),
      cancellable: (controller, outer, cancelledBefore) =>
        this.#cancellable(controller, outer, cancelledBefore),
    });
    this.#tidyUnlessReadOnly(() => {
      this.history.closeInterrupted();
    });
    // After a crash (or a quit) between a source's commit and its correlation. In this thread
    // before anything is read; with a worker, in the background, the previous assets answering
    // meanwhile, so a large inventory does not hold up the start.
    if (options.correlate === undefined) {
      this.#tidyUnlessReadOnly(() => correlateIfDirty(options.db, this.#clock()));
    } else void this.#correlateLogged();
  }

  /**
   * Runs a start-up write that tidies what an earlier process left. On a database open for
   * reading only (a full disk, a data folder Rackside cannot write) it cannot be done: what is
   * stored still answers, as last correlated, and the tidying waits for a writable start.
   */
  #tidyUnlessReadOnly(tidy: () => unknown): void {
    try {
      tidy();
    } catch (error) {
      const problem = storageProblem(error);
      if (problem === null) throw error;
      this.options.logger.warn('left for a start that can write', { problem });
    }
  }

  isRunning(): boolean {
    return this.#running.size > 0;
  }

  freshness(): SourceFreshness[] {
    return this.history.freshness(
      this.options.profiles.list(),
      new Set(this.#running.keys()),
      this.options.reachability?.unreachable(),
    );
  }

  /** Changes when `freshness()` changes without a database write. */
  freshnessKey(): string {
    return String(this.options.reachability?.version() ?? 0);
  }

  /** Checks whether each source can be reached now (no-op without `reachability`). */
  async checkReachability(): Promise<void> {
    await this.options.reachability?.check(this.options.profiles.list());
  }

  /** Syncs the given profiles (ids or names) or every source profile; resolves when all end. */
  async sync(target: SyncTarget, signal?: AbortSignal): Promise<SyncOutcome[]> {
    const profiles =
      target === 'all'
        ? this.options.profiles.list().filter(isSourceProfile)
        : // A profile named twice (`--profile pve --profile PVE`, or by name and id) syncs once.
          [
            ...new Map(
              target.map((ref) => this.options.profiles.resolve(ref)).map((p) => [p.id, p]),
            ).values(),
          ];
    for (const profile of profiles) {
      if (!isSourceProfile(profile)) {
        throw new AppError('bad-request', `"${profile.name}" is not an inventory source.`);
      }
    }
    return Promise.all(profiles.map((profile) => this.#syncOnce(profile, signal)));
  }

  /**
   * Says, as its progress, how each other process's run this one stopped waiting for ended, once
   * it has: the app's windows show that run's outcome, not the wait stopped before it. The hosts
   * call this as they look for other processes' syncs.
   */
  reportStoppedWaits(): void {
    this.#elsewhere.reportStopped();
  }

  /**
   * Cancels every sync, running or waiting for its turn; their previous data stays. With a
   * `reason`, the syncs running end failed with it rather than cancelled.
   */
  cancel(reason?: AppError): void {
    this.#cancels += 1;
    for (const controller of this.#controllers) controller.abort(reason);
  }

  #syncOnce(profile: ProfileView, signal?: AbortSignal): Promise<SyncOutcome> {
    const current = this.#running.get(profile.id);
    if (current !== undefined) return current;
    const system = profile.connection.kind as SourceSystem;
    let limiter = this.#limiters.get(system);
    if (limiter === undefined) {
      limiter = new Limiter(this.options.perKindConcurrency ?? defaultPerKindConcurrency);
      this.#limiters.set(system, limiter);
    }
    const cancels = this.#cancels;
    const promise = limiter
      .run(() => this.#syncProfile(profile, system, signal, this.#cancels !== cancels))
      .finally(() => {
        // A sync of the profile asked for while this one correlated is running under its id.
        if (this.#running.get(profile.id) === promise) this.#running.delete(profile.id);
      });
    this.#running.set(profile.id, promise);
    return promise;
  }

  async #syncProfile(
    profile: ProfileView,
    system: SourceSystem,
    outer: AbortSignal | undefined,
    cancelledWhileWaiting: boolean,
  ): Promise<SyncOutcome> {
    // Removed (in the app or by another command) while it waited for its turn.
    if (this.options.profiles.findById(profile.id) === null) {
      return this.#removedBeforeTurn(profile, system);
    }
    // Another Rackside process (the app, another command) syncs this source now: its run is
    // this one's answer. Two at once would only fetch everything twice and race to store it.
    const elsewhere = this.history.runningElsewhere(profile.id);
    if (elsewhere !== null) {
      const answer = await this.#elsewhere.waitFor(
        profile,
        system,
        elsewhere,
        outer,
        cancelledWhileWaiting,
      );
      // Null: the other process cancelled its run (its user pressed Cancel), not this sync.
      if (answer !== null) return answer;
      if (this.history.runningElsewhere(profile.id) !== null) {
        return this.#syncProfile(profile, system, outer, cancelledWhileWaiting);
      }
    }
    return this.#runHere(profile, system, outer, cancelledWhileWaiting);
  }

  /** What a sync of a profile removed while it waited for its turn answers and reports. */
  #removedBeforeTurn(profile: ProfileView, system: SourceSystem): SyncOutcome {
    const outcome = removedOutcome(profile, system, 0);
    this.#progressEmitter(0, profile, system)(
      { phase: 'failed', done: 0, total: null, records: 0 },
      'failed',
      outcome.error,
    );
    return outcome;
  }

  /**
   * Syncs the profile in this process: begins its run, stores what its connector returns or
   * ends the run failed or cancelled, and answers with the run's outcome.
   */
  async #runHere(
    profile: ProfileView,
    system: SourceSystem,
    outer: AbortSignal | undefined,
    cancelledWhileWaiting: boolean,
  ): Promise<SyncOutcome> {
    // Timed from here: a wait for another process's run, cancelled there, is not part of it.
    const started = performance.now();
    const startedAt = epochNow();
    let runId: number;
    try {
      runId = await this.#writer.begin(
        profile.id,
        system,
        this.#clock().toISOString(),
        syncedPart(profile),
      );
    } catch (error) {
      // Removed by another process since it was looked for: the run cannot be stored for it.
      // Only its failure here tells, since the removal can land after any look before it.
      if (this.options.profiles.findById(profile.id) === null) {
        return this.#removedBeforeTurn(profile, system);
      }
      // Refused before it began (a sync queued when the database was moved away): it ends
      // failed, in words, as one under way does.
      const { message } = describeFailure(error, new AbortController().signal);
      const failed = { phase: 'failed', done: 0, total: null, records: 0 };
      this.#progressEmitter(0, profile, system)(failed, 'failed', message);
      throw error;
    }
    const controller = syncCancelController();
    const cancelledBeforeTurn = outer?.aborted === true || cancelledWhileWaiting;
    const release = this.#cancellable(controller, outer, cancelledBeforeTurn);
    const run: LocalRun = {
      profile,
      system,
      runId,
      signal: controller.signal,
      emit: this.#progressEmitter(runId, profile, system),
      warnings: [],
      started,
      startedAt,
    };
    try {
      await this.#fetchAndSave(run, cancelledBeforeTurn);
    } catch (error) {
      await this.#endUnsaved(run, error);
    } finally {
      release();
    }
    // Its run went with the profile when that was removed during the sync.
    return (
      this.history.outcome(runId, profile) ??
      removedOutcome(profile, system, performance.now() - started, runId)
    );
  }

  /**
   * Fetches the profile's records and stores them together with the run's end, then correlates;
   * throws (the run not ended) when any of it fails.
   */
  async #fetchAndSave(run: LocalRun, cancelledBeforeTurn: boolean): Promise<void> {
    const { profile, system } = run;
    const connector = this.options.connectors[system];
    if (connector === undefined) {
      throw new AppError('unavailable', `No ${system} connector is available in this build.`);
    }
    // Cancelled before its turn came: the source is never asked.
    if (cancelledBeforeTurn) {
      throw new AppError('cancelled', 'The sync was cancelled.');
    }
    const batch = await this.#fetch(connector, profile, run.signal, run.emit, run.warnings);
    // Removed while it synced (in the app or by another command): nothing to save it for.
    if (this.options.profiles.findById(profile.id) === null) {
      throw new AppError('not-found', removedMessage(profile));
    }
    // The records, the inventory's dirty mark and the run's end, in one transaction.
    await this.#writer.save({
      profileId: profile.id,
      runId: run.runId,
      batch,
      warnings: run.warnings,
      startedAt: run.startedAt,
      at: this.#clock().toISOString(),
    });
    this.options.reachability?.forget(profile.id);
    await this.#correlateIfLast(profile.id);
    run.emit({ phase: 'done', done: 1, total: 1, records: batch.kept.size }, 'ok');
  }

  /** Ends a run whose records were not saved, as failed or cancelled by `error`. */
  async #endUnsaved(run: LocalRun, error: unknown): Promise<void> {
    const { profile, system } = run;
    // Removed meanwhile: saving its records failed on the missing profile, which is the story.
    const { code, message } =
      this.options.profiles.findById(profile.id) === null
        ? { code: 'not-found' as const, message: removedMessage(profile) }
        : describeFailure(error, run.signal);
    const status = code === 'cancelled' ? 'cancelled' : 'failed';
    // A run whose end cannot be stored (the database refuses writes) still ends for whoever
    // watches it; the caller gets that error after.
    let unrecorded: { error: unknown } | null = null;
    try {
      await this.#writer.end({
        runId: run.runId,
        status,
        warnings: run.warnings,
        errorCode: code,
        error: message,
        durationMs: performance.now() - run.started,
        at: this.#clock().toISOString(),
      });
    } catch (endError) {
      unrecorded = { error: endError };
    }
    this.options.logger.warn('sync failed', { profile: profile.name, system, code, message });
    // The sync's own answer is newer than a reachability check's; a cancel says nothing.
    if (status === 'failed') this.options.reachability?.forget(profile.id);
    await this.#correlateIfLast(profile.id);
    run.emit({ phase: status, done: 0, total: null, records: 0 }, status, message);
    if (unrecorded !== null) throw unrecorded.error;
  }

  /**
   * Lets `cancel()` and `outer` abort `controller` (at once when `cancelledBefore`) until the
   * returned release is called.
   */
  #cancellable(
    controller: AbortController,
    outer: AbortSignal | undefined,
    cancelledBefore: boolean,
  ): () => void {
    this.#controllers.add(controller);
    const onOuterAbort = (): void => controller.abort();
    outer?.addEventListener('abort', onOuterAbort);
    if (outer?.aborted === true || cancelledBefore) controller.abort();
    return () => {
      outer?.removeEventListener('abort', onOuterAbort);
      this.#controllers.delete(controller);
    };
  }

  /**
   * A profile's records from its connector, as the batch that stores them. The records themselves
   * (with every raw answer parsed) go when this returns: a large source is not held twice while
   * it is stored.
   */
  async #fetch(
    connector: SourceConnector,
    profile: ProfileView,
    signal: AbortSignal,
    emit: ProgressEmit,
    warnings: string[],
  ): Promise<RecordBatch> {
    const secrets = this.options.profiles.getSecrets(profile.id);
    emit({ phase: 'connecting', done: 0, total: null, records: 0 }, 'running');
    const records = await connector.sync(profile, secrets, {
      signal,
      progress: (update) => emit(update, 'running'),
      previous: this.#records.previousLookup(profile.id),
      warn: (message) => warnings.push(message.slice(0, 500)),
    });
    if (signal.aborted) throw new AppError('cancelled', 'The sync was cancelled.');
    const checked = checkRecords(records, connector.system);
    emit({ phase: 'saving', done: 0, total: null, records: checked.length }, 'running');
    // Records are as of the end of their fetch.
    return this.#records.prepareBatch(profile.id, checked, this.#clock().toISOString());
  }

  /**
   * Correlation spans every source, so syncs finishing together share one run of it: the last
   * one to finish correlates. The dirty marker (set with the records) makes a crash in between
   * harmless: the next start correlates first. A correlation that fails leaves the marker too:
   * the next sync's end or the next start tries again.
   */
  async #correlateIfLast(profileId: string): Promise<void> {
    this.#running.delete(profileId);
    if (this.#running.size === 0) await this.#correlateLogged();
  }

  /**
   * Merges the assets again after their records changed outside a sync (a source profile
   * removed). While a sync runs, its end does it.
   */
  async recorrelate(): Promise<void> {
    if (this.#running.size === 0) await this.#correlateLogged();
  }

  async #correlateLogged(): Promise<void> {
    try {
      await this.#correlate(this.#clock());
    } catch (error) {
      this.options.logger.error('correlation failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  #progressEmitter(runId: number, profile: ProfileView, system: SourceSystem): ProgressEmit {
    const interval = this.options.progressIntervalMs ?? 100;
    let lastAt = -Infinity;
    let lastPhase = '';
    return (
      update: SyncProgress,
      state: SyncProgressEvent['state'],
      error: string | null = null,
    ): void => {
      const now = performance.now();
      // Progress can arrive per record; people and IPC need a few updates a second.
      if (state === 'running' && update.phase === lastPhase && now - lastAt < interval) return;
      lastAt = now;
      lastPhase = update.phase;
      this.options.onProgress?.({
        runId,
        profileId: profile.id,
        profileName: profile.name,
        system,
        state,
        phase: update.phase.slice(0, 100),
        done: clampCount(update.done),
        total: update.total === null ? null : clampCount(update.total),
        records: clampCount(update.records),
        error,
      });
    };
  }
}
