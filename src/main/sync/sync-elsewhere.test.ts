import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import type { SyncOutcome, SyncProgressEvent } from '../../shared/inventory';
import { silentLogger } from '../core/logger';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { SyncEngine } from './sync-engine';
import { SyncHistory } from './sync-history';
import { inThreadSyncWriter } from './sync-writer';
import { addFleetProfiles, fleetConnectors } from './test-fleet';

/**
 * The lab's profiles, an engine syncing them (its progress in `events`), and a live process
 * standing for another Rackside process (`owner` of the runs it has under way); `isWaiting`
 * resolves once the engine waits for such a run. `beforeBegin` runs as the engine begins a run
 * of its own, just before the run is stored.
 */
async function besideAnotherProcess(beforeBegin: (store: Store) => void = () => undefined) {
  const store = await unlockedTestStore();
  const fleet = generateFleet({ size: 10, seed: 4 });
  addFleetProfiles(store.profiles, fleet);
  let seenWaiting: () => void = () => undefined;
  const isWaiting = new Promise<void>((resolve) => (seenWaiting = resolve));
  const events: SyncProgressEvent[] = [];
  const writer = inThreadSyncWriter(store.db);
  const engine = new SyncEngine({
    db: store.db,
    profiles: store.profiles,
    connectors: fleetConnectors(() => fleet),
    logger: silentLogger,
    onProgress: (event) => {
      events.push(event);
      if (event.phase.startsWith('synced by another Rackside process')) seenWaiting();
    },
    writer: {
      ...writer,
      begin: (...args) => {
        beforeBegin(store);
        return writer.begin(...args);
      },
    },
  });
  const foreman = store.profiles.findByName('foreman');
  if (foreman === null) throw new Error('no foreman profile');
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  const owner = JSON.stringify({ host: os.hostname(), pid: other.pid, mark: 'other' });
  return { store, engine, foreman, other, owner, isWaiting, events };
}

describe('a source another Rackside process syncs now', () => {
  it('is not fetched twice: the sync waits for that run and answers with its outcome', async () => {
    const store = await unlockedTestStore();
    const fleet = generateFleet({ size: 10, seed: 4 });
    addFleetProfiles(store.profiles, fleet);
    const fetched: string[] = [];
    const connectors = fleetConnectors(() => fleet);
    const counting = Object.fromEntries(
      Object.entries(connectors).map(([system, connector]) => [
        system,
        {
          ...connector,
          sync: (...args: Parameters<typeof connector.sync>) => {
            fetched.push(args[0].name);
            return connector.sync(...args);
          },
        },
      ]),
    ) as typeof connectors;
    const events: SyncProgressEvent[] = [];
    const engine = new SyncEngine({
      db: store.db,
      profiles: store.profiles,
      connectors: counting,
      logger: silentLogger,
      onProgress: (event) => events.push(event),
    });
    const foreman = store.profiles.findByName('foreman');
    if (foreman === null) throw new Error('no foreman profile');
    // The other process: alive, on this machine, with a run of this profile under way.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      const history = new SyncHistory(store.db, () => new Date('2026-11-24T10:00:00Z'));
      const owner = JSON.stringify({ host: os.hostname(), pid: other.pid, mark: 'other' });
      const runId = history.begin(foreman.id, 'foreman', owner);
      const waiting = engine.sync([foreman.id]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(events.at(-1)).toMatchObject({
        profileId: foreman.id,
        state: 'running',
        phase: `synced by another Rackside process (pid ${String(other.pid)})`,
      });
      history.finish(runId, 'ok', {
        counts: { fetched: 12, added: 12, changed: 0, removed: 0 },
        durationMs: 800,
      });
      const [outcome] = await waiting;
      expect(outcome).toMatchObject({ runId, status: 'ok', fetched: 12, added: 12 });
      expect(fetched).toEqual([]);

      // That process gone without ending its run: said so, and the next sync runs here.
      const orphan = history.begin(foreman.id, 'foreman', owner);
      const again = engine.sync([foreman.id]);
      other.kill('SIGKILL');
      const [ended] = await again;
      expect(ended).toMatchObject({
        runId: orphan,
        status: 'failed',
        error: `The sync by another Rackside process (pid ${String(other.pid)}) ended without a result; sync again.`,
      });
      const [own] = await engine.sync([foreman.id]);
      expect(own?.status).toBe('ok');
      expect(fetched).toEqual(['foreman']);
    } finally {
      other.kill('SIGKILL');
      store.close();
    }
  });

  it('is synced here after all when that run is cancelled there, since this sync was not', async () => {
    const { store, engine, foreman, other, owner, isWaiting } = await besideAnotherProcess();
    try {
      const history = new SyncHistory(store.db, () => new Date('2026-11-24T10:00:00Z'));
      const runId = history.begin(foreman.id, 'foreman', owner);
      const waiting = engine.sync([foreman.id]);
      await isWaiting;
      cancelThere(history, runId);
      const [outcome] = await waiting;
      expect(outcome).toMatchObject({ status: 'ok' });
      expect(outcome?.runId).not.toBe(runId);
      expect(outcome?.fetched).toBeGreaterThan(0);
    } finally {
      other.kill('SIGKILL');
      store.close();
    }
  });

  it('times its own run from its start, not from the wait for the run cancelled there', async () => {
    const setup = await besideAnotherProcess();
    const { store, foreman, other } = setup;
    try {
      // The clock moves only when told: a minute of waiting, then a run that takes no time.
      const { history, runId, waiting } = await waitingOnFakeClock(setup);
      await vi.advanceTimersByTimeAsync(60_000);
      cancelThere(history, runId);
      await vi.advanceTimersByTimeAsync(500);
      const [outcome] = await waiting;
      expect(outcome).toMatchObject({ status: 'ok' });
      // The Sync center shows the run's start, end and duration: they agree.
      const [run] = history.lastRuns([foreman.id], new Map());
      expect(run?.runId).toBe(outcome?.runId);
      expect(run?.durationMs).toBe(
        Date.parse(run?.finishedAt ?? '') - Date.parse(run?.startedAt ?? ''),
      );
      expect(outcome?.durationMs).toBe(run?.durationMs);
    } finally {
      vi.useRealTimers();
      other.kill('SIGKILL');
      store.close();
    }
  });

  it('says the profile was removed when it is removed while the sync waits for that run', async () => {
    const setup = await besideAnotherProcess();
    const { store, foreman, other, events } = setup;
    try {
      const { waiting } = await waitingOnFakeClock(setup);
      // Removed in the other process (its runs go with it) while this one waits.
      store.profiles.remove(foreman.id);
      await vi.advanceTimersByTimeAsync(500);
      const [outcome] = await waiting;
      expectRemoved(outcome, events, foreman.id);
    } finally {
      vi.useRealTimers();
      other.kill('SIGKILL');
      store.close();
    }
  });

  it('says the profile was removed when it goes just as that run comes back cancelled', async () => {
    let removing: string | null = null;
    const setup = await besideAnotherProcess((store) => {
      // Removed in the other process in the moment between the cancel there and this run.
      if (removing !== null) store.profiles.remove(removing);
    });
    const { store, foreman, other, events } = setup;
    try {
      const { history, runId, waiting } = await waitingOnFakeClock(setup);
      cancelThere(history, runId);
      removing = foreman.id;
      await vi.advanceTimersByTimeAsync(500);
      const [outcome] = await waiting;
      expectRemoved(outcome, events, foreman.id);
      // Nothing of it is left behind.
      expect(history.lastRuns([foreman.id], new Map())).toEqual([]);
    } finally {
      vi.useRealTimers();
      other.kill('SIGKILL');
      store.close();
    }
  });
});

/** The sync of the lab's Foreman profile answered, and said last, that the profile was removed. */
function expectRemoved(
  outcome: SyncOutcome | undefined,
  events: SyncProgressEvent[],
  profileId: string,
): void {
  const removed = '"foreman" was removed during its sync.';
  expect(outcome).toMatchObject({ status: 'failed', errorCode: 'not-found', error: removed });
  expect(events.at(-1)).toMatchObject({ profileId, state: 'failed', error: removed });
}

/** The other process's user pressed Cancel (its queued sources end cancelled at once). */
function cancelThere(history: SyncHistory, runId: number): void {
  history.finish(runId, 'cancelled', {
    errorCode: 'cancelled',
    error: 'The sync was cancelled.',
    durationMs: 5,
  });
}

/**
 * The clock moving only when told, a run of the lab's Foreman profile under way in the other
 * process, and a sync of it here (`waiting`) that waits for that run.
 */
async function waitingOnFakeClock(
  setup: Awaited<ReturnType<typeof besideAnotherProcess>>,
): Promise<{ history: SyncHistory; runId: number; waiting: Promise<SyncOutcome[]> }> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  const history = new SyncHistory(setup.store.db, () => new Date());
  const runId = history.begin(setup.foreman.id, 'foreman', setup.owner);
  const waiting = setup.engine.sync([setup.foreman.id]);
  await setup.isWaiting;
  return { history, runId, waiting };
}
