/**
 * A sync of a source another Rackside process (the app, another command) syncs now: it waits for
 * that run and answers with its outcome rather than fetching everything a second time.
 */
import type { SyncOutcome } from '../../shared/inventory';
import type { ProfileView } from '../../shared/profiles';
import type { ProfileService } from '../profiles/profile-service';
import type { SourceSystem } from '../sources/types';
import type { SyncHistory } from './sync-history';
import { pause, removedOutcome, type ProgressEmit } from './sync-outcome';

/** How often a sync waiting for another process's run of the same source looks again. */
const elsewherePollMs = 500;

/** Another process's run of a profile (`SyncHistory.runningElsewhere`). */
export interface ElsewhereRun {
  runId: number;
  pid: number | null;
}

/** A wait for another process's run that a cancel stopped, while that run went on. */
interface StoppedWait {
  profile: ProfileView;
  system: SourceSystem;
  elsewhere: ElsewhereRun;
}

export interface ElsewhereWaitsOptions {
  history: SyncHistory;
  profiles: Pick<ProfileService, 'findById'>;
  /** Reports the progress of a run of a profile, as the engine's own runs do. */
  progressEmitter: (runId: number, profile: ProfileView, system: SourceSystem) => ProgressEmit;
  /**
   * Lets the engine's cancel and `outer` abort `controller` (at once when `cancelledBefore`)
   * until the returned release is called.
   */
  cancellable: (
    controller: AbortController,
    outer: AbortSignal | undefined,
    cancelledBefore: boolean,
  ) => () => void;
}

/** The waits of one engine for other processes' runs of its profiles. */
export class ElsewhereWaits {
  /**
   * Per profile, the other process's run this one stopped waiting for (a cancel): what was said
   * last of that run is that the wait stopped, until `reportStopped` says how it ended.
   */
  readonly #stoppedWaits = new Map<string, StoppedWait>();

  constructor(private readonly options: ElsewhereWaitsOptions) {}

  /**
   * Waits for another process's run of this profile to end and answers with its outcome; a
   * cancel (the engine's or `outer`) stops the waiting at once, and only it (the other process's
   * sync goes on). Null: the other process cancelled its run, not this sync.
   */
  async waitFor(
    profile: ProfileView,
    system: SourceSystem,
    elsewhere: ElsewhereRun,
    outer: AbortSignal | undefined,
    cancelledWhileWaiting: boolean,
  ): Promise<SyncOutcome | null> {
    const controller = new AbortController();
    const release = this.options.cancellable(controller, outer, cancelledWhileWaiting);
    try {
      return await this.#wait(profile, system, elsewhere, controller.signal);
    } finally {
      release();
    }
  }

  /**
   * Says, as its progress, how each other process's run this one stopped waiting for ended, once
   * it has: the app's windows show that run's outcome, not the wait stopped before it.
   */
  reportStopped(): void {
    for (const [profileId, wait] of this.#stoppedWaits) {
      const { profile, system, elsewhere } = wait;
      const outcome = this.options.history.outcome(elsewhere.runId, profile);
      // Gone with its profile, removed meanwhile: there is no row left to tell.
      if (outcome === null) {
        this.#stoppedWaits.delete(profileId);
        continue;
      }
      const emit = this.options.progressEmitter(elsewhere.runId, profile, system);
      const now = performance.now();
      const ended = this.#ended(profile, system, elsewhere, outcome, emit, now);
      if (ended !== undefined) this.#stoppedWaits.delete(profileId);
    }
  }

  async #wait(
    profile: ProfileView,
    system: SourceSystem,
    elsewhere: ElsewhereRun,
    signal: AbortSignal,
  ): Promise<SyncOutcome | null> {
    const started = performance.now();
    const emit = this.options.progressEmitter(elsewhere.runId, profile, system);
    // Waiting for it again: this wait says how it ends.
    this.#stoppedWaits.delete(profile.id);
    emit(
      { phase: `synced by ${otherProcess(elsewhere)}`, done: 0, total: null, records: 0 },
      'running',
    );
    for (;;) {
      const outcome = this.options.history.outcome(elsewhere.runId, profile);
      // Cancelled there, and not here: no answer for this sync, which goes on by itself.
      if (outcome?.status === 'cancelled' && !signal.aborted) return null;
      const ended = this.#ended(profile, system, elsewhere, outcome, emit, started);
      if (ended !== undefined) return ended;
      if (signal.aborted) {
        const message = `Stopped waiting for the sync by ${otherProcess(elsewhere)}; it goes on there.`;
        emit({ phase: 'cancelled', done: 0, total: null, records: 0 }, 'cancelled', message);
        this.#stoppedWaits.set(profile.id, { profile, system, elsewhere });
        return {
          ...removedOutcome(profile, system, performance.now() - started, elsewhere.runId),
          status: 'cancelled',
          error: message,
          errorCode: 'cancelled',
        };
      }
      await pause(elsewherePollMs, signal);
    }
  }

  /**
   * The outcome of another process's run of this profile (`outcome`, as the history has it) once
   * it has ended, said through `emit`; undefined while it goes on. `started`: when the wait for
   * it began (`performance.now()`).
   */
  #ended(
    profile: ProfileView,
    system: SourceSystem,
    elsewhere: ElsewhereRun,
    outcome: SyncOutcome | null,
    emit: ProgressEmit,
    started: number,
  ): SyncOutcome | undefined {
    if (outcome !== null && outcome.status !== 'running') {
      emit(
        {
          phase: outcome.status === 'ok' ? 'done' : outcome.status,
          done: 1,
          total: 1,
          records: outcome.fetched,
        },
        outcome.status === 'ok' ? 'ok' : outcome.status === 'cancelled' ? 'cancelled' : 'failed',
        outcome.error,
      );
      return outcome;
    }
    if (
      outcome === null ||
      this.options.history.runningElsewhere(profile.id)?.runId !== elsewhere.runId
    ) {
      // Gone with its profile, removed (in any process) while it ran: as a sync removed during
      // its run here says.
      if (this.options.profiles.findById(profile.id) === null) {
        const removed = removedOutcome(
          profile,
          system,
          performance.now() - started,
          elsewhere.runId,
        );
        emit({ phase: 'failed', done: 0, total: null, records: 0 }, 'failed', removed.error);
        return removed;
      }
      // Gone without an end (its process died): the next sync runs it here.
      const message = `The sync by ${otherProcess(elsewhere)} ended without a result; sync again.`;
      emit({ phase: 'failed', done: 0, total: null, records: 0 }, 'failed', message);
      return {
        ...removedOutcome(profile, system, performance.now() - started, elsewhere.runId),
        error: message,
        errorCode: 'unavailable',
      };
    }
    return undefined;
  }
}

/** "another Rackside process (pid 4242)": who runs a sync this process waits for. */
function otherProcess(elsewhere: ElsewhereRun): string {
  return elsewhere.pid === null
    ? 'another Rackside process'
    : `another Rackside process (pid ${String(elsewhere.pid)})`;
}
