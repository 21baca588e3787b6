import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateFleet, type Fleet } from '../../../lab/fleet';
import { AppError } from '../../shared/errors';
import type { SyncProgressEvent } from '../../shared/inventory';
import { silentLogger } from '../core/logger';
import type { Correlator } from '../inventory/correlator';
import { InventoryService } from '../inventory/inventory-service';
import type { Store } from '../store/open-store';
import { proxmoxGuest } from '../sources/test-helpers';
import type { SourceConnector } from '../sources/types';
import { unlockedTestStore } from '../store/test-helpers';
import { SyncEngine, type ConnectorSet } from './sync-engine';
import {
  inThreadSyncWriter,
  sourceSyncWriterWorker,
  workerSyncWriter,
  type SyncWriter,
} from './sync-writer';
import { addFleetProfiles, fleetConnectors } from './test-fleet';

const fleet = generateFleet({ size: 120, seed: 4 });

/** Where the engine writes: on the core's connection (CLI), or in the writer thread (the app). */
const writers = {
  'writing on the core thread': (store: Store) => inThreadSyncWriter(store.db),
  'writing in its own thread': (store: Store) =>
    workerSyncWriter({ db: store.db, createWorker: sourceSyncWriterWorker, logger: silentLogger }),
};
let writerFor: (store: Store) => SyncWriter = writers['writing on the core thread'];
const started: SyncWriter[] = [];

function writer(store: Store): SyncWriter {
  const created = writerFor(store);
  started.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.close()));
});

function setup(
  store: Store,
  connectors: ConnectorSet,
  events: SyncProgressEvent[] = [],
  syncWriter: SyncWriter = writer(store),
) {
  const engine = new SyncEngine({
    writer: syncWriter,
    db: store.db,
    profiles: store.profiles,
    connectors,
    logger: silentLogger,
    progressIntervalMs: 0,
    onProgress: (e) => events.push(e),
  });
  const inventory = new InventoryService(store.db, () => engine.freshness());
  return { engine, inventory };
}

function snapshot(store: Store): unknown {
  return store.db.prepare('SELECT a.id, a.name, a.hash FROM assets a ORDER BY a.id').all();
}

describe.each(Object.entries(writers))('SyncEngine, %s', (_, create) => {
  beforeEach(() => {
    writerFor = create;
  });

  it('syncs every source into one merged inventory, with progress and history', async () => {
    const store = await unlockedTestStore();
    addFleetProfiles(store.profiles, fleet);
    const events: SyncProgressEvent[] = [];
    const { engine, inventory } = setup(
      store,
      fleetConnectors(() => fleet),
      events,
    );

    const outcomes = await engine.sync('all');
    expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => 'ok'));
    const page = inventory.query({ query: '', limit: 500 });
    // Correlation is measured exactly in correlate.test.ts; here, one asset per machine or so.
    expect(Math.abs(page.total - fleet.machines.length)).toBeLessThanOrEqual(2);
    expect(page.rows[0]?.freshness.offline).toBe(false);
    const finals = events.filter((e) => e.state === 'ok');
    expect(finals).toHaveLength(outcomes.length);
    expect(events.some((e) => e.phase === 'hosts' && e.total !== null && e.done > 0)).toBe(true);
    expect(engine.freshness().every((s) => s.lastStatus === 'ok' && s.dataFrom !== null)).toBe(
      true,
    );

    const before = snapshot(store);
    const again = await engine.sync('all');
    expect(again.every((o) => o.added === 0 && o.changed === 0 && o.removed === 0)).toBe(true);
    expect(snapshot(store)).toEqual(before);

    // One profile named three ways is synced once.
    const one = outcomes[0]!;
    const twice = await engine.sync([
      one.profileName,
      one.profileName.toUpperCase(),
      one.profileId,
    ]);
    expect(twice.map((o) => o.profileId)).toEqual([one.profileId]);
    store.close();
  });

  it('keeps a failing source’s old data, marks it offline and lets the others proceed', async () => {
    const store = await unlockedTestStore();
    addFleetProfiles(store.profiles, fleet);
    let fail = false;
    let current: Fleet = fleet;
    const { engine, inventory } = setup(
      store,
      fleetConnectors(() => current, {
        foreman: {
          failWith: () => (fail ? new AppError('unavailable', 'connect ECONNREFUSED') : null),
        },
      }),
    );
    await engine.sync('all');
    const foremanHost = inventory.query({ query: 'source:foreman', limit: 1 }).rows[0]!;
    fail = true;
    // The other sources change meanwhile: their new data must land.
    current = generateFleet({ size: 120, seed: 4, now: fleet.now + 3_600_000 });
    const outcomes = await engine.sync('all');
    const foreman = outcomes.find((o) => o.system === 'foreman')!;
    expect(foreman).toMatchObject({ status: 'failed', error: 'connect ECONNREFUSED' });
    expect(outcomes.filter((o) => o.status === 'ok')).toHaveLength(outcomes.length - 1);

    const after = inventory.asset(foremanHost.id);
    expect(after.asset.systems).toContain('foreman');
    expect(after.asset.freshness.offline).toBe(true);
    expect(after.asset.freshness.message).toMatch(/^offline — data from .+ECONNREFUSED/);
    expect(inventory.query({ query: 'source:foreman', limit: 1 }).total).toBeGreaterThan(0);
    const status = engine.freshness().find((s) => s.system === 'foreman')!;
    expect(status).toMatchObject({ offline: true, lastStatus: 'failed' });
    store.close();
  });

  it('cancels a running sync and keeps the previous data', async () => {
    const store = await unlockedTestStore();
    addFleetProfiles(store.profiles, fleet);
    let release: () => void = () => undefined;
    let paused = false;
    let pause = false;
    let reached: () => void = () => undefined;
    const atPage = new Promise<void>((resolve) => (reached = resolve));
    const { engine, inventory } = setup(
      store,
      fleetConnectors(() => fleet, {
        patchmon: {
          pageSize: 10,
          beforePage: async (page) => {
            if (!pause || page !== 1 || paused) return;
            paused = true;
            reached();
            await new Promise<void>((resolve) => (release = resolve));
          },
        },
      }),
    );
    await engine.sync('all');
    const before = snapshot(store);
    pause = true;
    const running = engine.sync('all');
    await atPage;
    expect(engine.isRunning()).toBe(true);
    engine.cancel();
    release();
    const outcomes = await running;
    expect(outcomes.find((o) => o.system === 'patchmon')?.status).toBe('cancelled');
    expect(snapshot(store)).toEqual(before);
    expect(inventory.query({ query: '' }).total).toBe((before as unknown[]).length);
    store.close();
  });

  it('syncs at most the configured number of profiles of one kind at once', async () => {
    const store = await unlockedTestStore();
    for (let i = 0; i < 5; i++) {
      store.profiles.save({
        name: `pm-${i}`,
        connection: { kind: 'patchmon', url: `https://pm${i}.lab`, apiKey: 'k' },
      });
    }
    let active = 0;
    let peak = 0;
    let started = 0;
    // Each sync waits for company (but the last), so a limit above one is always reached.
    const waiting: (() => void)[] = [];
    const { engine } = setup(store, {
      patchmon: {
        system: 'patchmon',
        test: () => Promise.reject(new Error('unused')),
        sync: async () => {
          active++;
          started++;
          peak = Math.max(peak, active);
          if (active < 2 && started < 5)
            await new Promise<void>((resolve) => waiting.push(resolve));
          else for (const go of waiting.splice(0)) go();
          await new Promise((resolve) => setImmediate(resolve));
          active--;
          return [];
        },
      },
    });
    const outcomes = await engine.sync('all');
    expect(outcomes).toHaveLength(5);
    expect(peak).toBe(2);
    store.close();
  });

  it('cancels the syncs still waiting for their turn too, not only the running ones', async () => {
    const store = await unlockedTestStore();
    for (let i = 0; i < 5; i++) {
      store.profiles.save({
        name: `pm-${i}`,
        connection: { kind: 'patchmon', url: `https://pm${i}.lab`, apiKey: 'k' },
      });
    }
    const started: string[] = [];
    let running: () => void = () => undefined;
    const twoRunning = new Promise<void>((resolve) => (running = resolve));
    const { engine } = setup(store, {
      patchmon: {
        system: 'patchmon',
        test: () => Promise.reject(new Error('unused')),
        sync: (profile, _secrets, context) => {
          started.push(profile.name);
          if (started.length === 2) running();
          // Runs until cancelled, as a sync of a slow source would.
          return new Promise((_resolve, reject) => {
            context.signal.addEventListener('abort', () => {
              reject(new AppError('cancelled', 'The sync was cancelled.'));
            });
          });
        },
      },
    });
    const outcomes = engine.sync('all');
    await twoRunning;
    engine.cancel();
    const ended = await outcomes;
    expect(ended.map((o) => o.status)).toEqual(ended.map(() => 'cancelled'));
    // The three that waited never reached their source.
    expect(started).toHaveLength(2);
    expect(engine.isRunning()).toBe(false);
    expect(engine.freshness().every((s) => s.lastStatus === 'cancelled')).toBe(true);
    store.close();
  });

  it('prints no leak warning while a profile has dozens of operations listening for a cancel', async () => {
    const store = await unlockedTestStore();
    store.profiles.save({
      name: 'pm',
      connection: { kind: 'patchmon', url: 'https://pm.lab', apiKey: 'k' },
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    const { engine } = setup(store, {
      patchmon: {
        system: 'patchmon',
        test: () => Promise.reject(new Error('unused')),
        sync: async (_profile, _secrets, { signal }) => {
          // Requests in flight, bodies still closing and retries waiting, all at once.
          const listeners = Array.from({ length: 60 }, () => () => undefined);
          for (const listener of listeners) signal.addEventListener('abort', listener);
          await new Promise((resolve) => setTimeout(resolve, 10));
          for (const listener of listeners) signal.removeEventListener('abort', listener);
          return [];
        },
      },
    });
    const outcomes = await engine.sync('all');
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(outcomes.map((o) => [o.status, o.error])).toEqual([['ok', null]]);
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    store.close();
  });

  it('reports a profile removed during its sync, or before its turn, and finishes the others', async () => {
    const store = await unlockedTestStore();
    const ids = ['pm-a', 'pm-b', 'pm-c'].map(
      (name) =>
        store.profiles.save({
          name,
          connection: { kind: 'patchmon', url: `https://${name}.lab`, apiKey: 'k' },
        }).id,
    );
    const [a, b] = ids;
    const events: SyncProgressEvent[] = [];
    const engine = new SyncEngine({
      writer: writer(store),
      db: store.db,
      profiles: store.profiles,
      logger: silentLogger,
      onProgress: (e) => events.push(e),
      // One at a time: pm-b waits for its turn while pm-a syncs.
      perKindConcurrency: 1,
      connectors: {
        patchmon: {
          system: 'patchmon',
          test: () => Promise.reject(new Error('unused')),
          sync: (profile) => {
            // Removed in the app or by another command while this sync runs.
            if (profile.id === a) {
              store.profiles.remove(a);
              store.profiles.remove(b!);
            }
            return Promise.resolve([]);
          },
        },
      },
    });
    const outcomes = await engine.sync('all');
    expect(outcomes.map((o) => [o.profileName, o.status])).toEqual([
      ['pm-a', 'failed'],
      ['pm-b', 'failed'],
      ['pm-c', 'ok'],
    ]);
    for (const removed of outcomes.slice(0, 2)) {
      expect(removed.errorCode).toBe('not-found');
      expect(removed.error).toBe(`"${removed.profileName}" was removed during its sync.`);
    }
    // The progress the app shows says the same, not the database's complaint on saving.
    const failures = events.filter((e) => e.state === 'failed').map((e) => e.error);
    expect(failures).toEqual([
      '"pm-a" was removed during its sync.',
      '"pm-b" was removed during its sync.',
    ]);
    expect(engine.isRunning()).toBe(false);
    expect(engine.freshness().map((s) => s.profileName)).toEqual(['pm-c']);
    store.close();
  });

  it('dates a run from its start to its storing, and its records from the end of their fetch', async () => {
    const store = await unlockedTestStore();
    const id = store.profiles.save({
      name: 'pm',
      connection: { kind: 'patchmon', url: 'https://pm.lab', apiKey: 'k' },
    }).id;
    let now = Date.parse('2026-03-01T10:00:00.000Z');
    const engine = new SyncEngine({
      writer: writer(store),
      db: store.db,
      profiles: store.profiles,
      logger: silentLogger,
      clock: () => new Date(now),
      connectors: {
        patchmon: {
          system: 'patchmon',
          test: () => Promise.reject(new Error('unused')),
          sync: () => {
            // The fetch takes five minutes.
            now += 5 * 60_000;
            return Promise.resolve([
              proxmoxGuest({ system: 'patchmon', externalId: 'host-1', kind: 'host' }),
            ]);
          },
        },
      },
    });
    await engine.sync('all');
    const run = store.db
      .prepare('SELECT started_at, finished_at FROM sync_runs WHERE profile_id = ?')
      .get(id) as { started_at: string; finished_at: string };
    expect(run).toEqual({
      started_at: '2026-03-01T10:00:00.000Z',
      finished_at: '2026-03-01T10:05:00.000Z',
    });
    expect(
      store.db.prepare('SELECT DISTINCT fetched_at FROM source_records').pluck().all(),
    ).toEqual(['2026-03-01T10:05:00.000Z']);
    store.close();
  });

  it('refuses profiles that are not inventory sources', async () => {
    const store = await unlockedTestStore();
    store.profiles.save({
      name: 'bastion',
      connection: { kind: 'ssh', host: 'b.lab', username: 'ops', auth: { mode: 'agent' } },
    });
    const { engine } = setup(store, {});
    await expect(engine.sync(['bastion'])).rejects.toThrow(/not an inventory source/);
    store.close();
  });
});

/** A store with one PatchMon profile, and a connector for it that syncs with `sync`. */
async function patchmonStandIn(name: string, sync: SourceConnector['sync']) {
  const store = await unlockedTestStore();
  const profile = store.profiles.save({
    name,
    connection: { kind: 'patchmon', url: 'https://pm.lab', apiKey: 'k' },
  });
  const connectors: ConnectorSet = {
    patchmon: { system: 'patchmon', test: () => Promise.reject(new Error('unused')), sync },
  };
  return { store, profile, connectors };
}

describe('SyncEngine stopped for a reason', () => {
  it('ends the syncs under way failed with that reason, also when their end cannot be stored', async () => {
    let running: () => void = () => undefined;
    const underWay = new Promise<void>((resolve) => (running = resolve));
    // Runs until stopped, as a sync of a slow source would.
    const { store, connectors } = await patchmonStandIn(
      'pm-slow',
      (_profile, _secrets, context) => {
        running();
        return new Promise((_resolve, reject) => {
          context.signal.addEventListener('abort', () => {
            reject(new AppError('cancelled', 'The sync was cancelled.'));
          });
        });
      },
    );
    const reason = new AppError(
      'unavailable',
      'Nothing was saved: the data folder was recovered by another Rackside process.',
    );
    // The database refuses every write from the moment the syncs are stopped.
    let refusing = false;
    const writes = inThreadSyncWriter(store.db);
    const refusingWriter: SyncWriter = {
      ...writes,
      end: (end) => (refusing ? Promise.reject(reason) : writes.end(end)),
    };
    const events: SyncProgressEvent[] = [];
    const { engine } = setup(store, connectors, events, refusingWriter);
    const outcome = engine.sync('all');
    await underWay;
    refusing = true;
    engine.cancel(reason);
    await expect(outcome).rejects.toBe(reason);
    expect(engine.isRunning()).toBe(false);
    // What the window shows of the sync: it ended, failed, and why.
    expect(events.at(-1)).toMatchObject({
      profileName: 'pm-slow',
      state: 'failed',
      error: reason.message,
    });
    store.close();
  });
});

describe('SyncEngine while the end of a sync correlates', () => {
  it('keeps a sync of the same source started meanwhile running, and never runs it twice at once', async () => {
    // The correlation after the first sync takes as long as the test says.
    let holdCorrelation = false;
    let correlating: () => void = () => undefined;
    const isCorrelating = new Promise<void>((resolve) => (correlating = resolve));
    let endCorrelation: () => void = () => undefined;
    const correlate: Correlator = () => {
      if (!holdCorrelation) return Promise.resolve(null);
      holdCorrelation = false;
      correlating();
      return new Promise((resolve) => (endCorrelation = () => resolve(null)));
    };
    // Every fetch after the first waits until the test lets it finish.
    let fetches = 0;
    let fetching: () => void = () => undefined;
    const isFetchingAgain = new Promise<void>((resolve) => (fetching = resolve));
    let endFetches: () => void = () => undefined;
    const fetchesMayEnd = new Promise<void>((resolve) => (endFetches = resolve));
    const { store, profile, connectors } = await patchmonStandIn('pm', async () => {
      fetches += 1;
      if (fetches > 1) {
        fetching();
        await fetchesMayEnd;
      }
      return [];
    });
    const engine = new SyncEngine({
      writer: inThreadSyncWriter(store.db),
      correlate,
      db: store.db,
      profiles: store.profiles,
      connectors,
      logger: silentLogger,
    });
    holdCorrelation = true;
    const first = engine.sync([profile.id]);
    await isCorrelating;
    const second = engine.sync([profile.id]);
    await isFetchingAgain;
    endCorrelation();
    await first;
    // The second sync goes on: the Sync center shows the source running, not idle.
    expect(engine.isRunning()).toBe(true);
    expect(engine.freshness().find((f) => f.profileId === profile.id)?.running).toBe(true);
    // Asked again, the source is not fetched a third time alongside the second.
    const third = engine.sync([profile.id]);
    endFetches();
    const [[secondOutcome], [thirdOutcome]] = await Promise.all([second, third]);
    expect(fetches).toBe(2);
    expect(thirdOutcome?.runId).toBe(secondOutcome?.runId);
    store.close();
  });
});
