import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import { silentLogger, type Logger } from '../core/logger';
import { openSqlite, type Sqlite } from '../db/sqlite';
import { unlockedTestStore } from '../store/test-helpers';
import { moveDatabaseAside } from '../test-support/move-aside';
import { SyncEngine } from '../sync/sync-engine';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import { correlateInTransaction } from './asset-store';
import { InventoryService } from './inventory-service';
import {
  sourceCorrelationWorker,
  workerCorrelator,
  type Correlator,
  type CorrelationWorkerFactory,
} from './correlator';

const fleet = generateFleet({ size: 120, seed: 9 });

/** A fresh store synced from the fleet, its records correlated by `correlate` (or in-thread). */
async function synced(correlate?: (db: Sqlite) => Correlator) {
  const store = await unlockedTestStore();
  addFleetProfiles(store.profiles, fleet);
  const engine = new SyncEngine({
    db: store.db,
    profiles: store.profiles,
    connectors: fleetConnectors(() => fleet),
    logger: silentLogger,
    ...(correlate === undefined ? {} : { correlate: correlate(store.db) }),
  });
  const outcomes = await engine.sync('all');
  expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
  return store;
}

/** The merged inventory as a user sees it: every asset with the records it merges. */
function inventoryOf(db: Sqlite): unknown[] {
  return db
    .prepare(
      `SELECT a.name, a.kind, a.status, a.ips, a.in_foreman, a.in_proxmox, a.in_patchmon,
         (SELECT group_concat(record, ' ') FROM
           (SELECT p.name || '/' || l.external_id AS record
            FROM asset_links l JOIN profiles p ON p.id = l.profile_id
            WHERE l.asset_id = a.id ORDER BY record)) AS records
       FROM assets a ORDER BY records`,
    )
    .all();
}

/** Every asset gone and the records marked for correlation: all to group again. */
function forgetAssets(db: Sqlite): void {
  db.exec(`DELETE FROM asset_links; DELETE FROM asset_fts; DELETE FROM assets;
    UPDATE inventory_state SET dirty = 1`);
}

function warnings(): { logger: Logger; seen: string[] } {
  const seen: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (message, fields) => seen.push(`${message} ${JSON.stringify(fields ?? {})}`),
    child: () => logger,
  };
  return { logger, seen };
}

/**
 * Everything to group again, then the database moved aside (as the CLI's recovery does while
 * this core still has it open), then a correlation: refused, the moved files as they were.
 */
async function correlateAfterMove(createWorker: CorrelationWorkerFactory) {
  const store = await synced();
  const { logger, seen } = warnings();
  const correlate = workerCorrelator({ db: store.db, createWorker, logger });
  forgetAssets(store.db);
  const moved = moveDatabaseAside(store.db.name);
  const before = moved.files();
  await expect(correlate(new Date())).rejects.toThrow(/moved or replaced/);
  expect(moved.files()).toEqual(before);
  return { store, seen };
}

describe('correlating in a worker thread', () => {
  it('merges the fleet exactly as correlating in the core does, and leaves nothing to redo', async () => {
    const here = await synced();
    const { logger, seen } = warnings();
    const there = await synced((db) =>
      workerCorrelator({ db, createWorker: sourceCorrelationWorker, logger }),
    );
    const expected = inventoryOf(here.db);
    expect(expected.length).toBeGreaterThan(100);
    expect(inventoryOf(there.db)).toEqual(expected);
    expect(there.db.prepare('SELECT dirty FROM inventory_state').pluck().get()).toBe(0);
    expect(seen).toEqual([]);
    here.close();
    there.close();
  });

  it('correlates in the core instead, saying why, when the worker cannot run', async () => {
    const here = await synced();
    const { logger, seen } = warnings();
    const there = await synced((db) =>
      workerCorrelator({
        db,
        createWorker: () => new Worker('throw new Error("no thread for you")', { eval: true }),
        logger,
      }),
    );
    expect(inventoryOf(there.db)).toEqual(inventoryOf(here.db));
    expect(seen.join('\n')).toMatch(/correlation worker failed.*no thread for you/);
    here.close();
    there.close();
  });

  it("lets the core's own writes go on while it works, and still finishes", async () => {
    const store = await synced();
    const { logger, seen } = warnings();
    const correlate = workerCorrelator({
      db: store.db,
      createWorker: sourceCorrelationWorker,
      logger,
    });
    const before = inventoryOf(store.db);
    // Everything to group again, as after a source changed.
    forgetAssets(store.db);
    let done = false;
    const running = correlate(new Date()).finally(() => {
      done = true;
    });
    // Writes of the core's own meanwhile (a setting, a profile, a sync's history): none waits
    // for the worker or fails because of it.
    let writes = 0;
    while (!done) {
      writes += 1;
      store.db.prepare('UPDATE inventory_state SET correlated_at = ?').run(`write ${writes}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const summary = await running;
    expect(writes).toBeGreaterThan(0);
    expect(summary?.assets).toBe(before.length);
    expect(inventoryOf(store.db)).toEqual(before);
    expect(seen).toEqual([]);
    store.close();
  });

  it('starts again holding the lock when a write lands between its reading and its writing', async () => {
    const store = await synced();
    const before = inventoryOf(store.db);
    forgetAssets(store.db);
    // Another connection (the core's, when this runs in the worker) commits just after the
    // records were read and grouped, before the first asset is written.
    const other = openSqlite(store.db.name);
    let landed = 0;
    const db = new Proxy(store.db, {
      get(target, property) {
        if (property === 'prepare') {
          return (sql: string) => {
            if (landed === 0 && sql.startsWith('INSERT INTO assets')) {
              other.prepare("UPDATE inventory_state SET correlated_at = 'meanwhile'").run();
              landed += 1;
            }
            return target.prepare(sql);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const summary = correlateInTransaction(db, new Date());
    expect(landed).toBe(1);
    expect(summary?.assets).toBe(before.length);
    expect(inventoryOf(store.db)).toEqual(before);
    other.close();
    store.close();
  });

  it('leaves a database another process moved aside as it was, and makes none in its place', async () => {
    const { store, seen } = await correlateAfterMove(sourceCorrelationWorker);
    expect(fs.existsSync(store.db.name)).toBe(false);
    // Not correlated on the core's own connection instead: that would write to the moved file.
    expect(seen.join('\n')).not.toMatch(/correlating in this thread/);
    store.close();
  });

  it('correlates nothing on the core either when its worker fails after the database was moved aside', async () => {
    const { store } = await correlateAfterMove(
      () => new Worker('throw new Error("no thread for you")', { eval: true }),
    );
    expect(store.db.prepare('SELECT count(*) FROM assets').pluck().get()).toBe(0);
    store.close();
  });

  it('writes nothing when refused just before it commits', async () => {
    const store = await synced();
    const before = inventoryOf(store.db);
    forgetAssets(store.db);
    expect(() =>
      correlateInTransaction(store.db, new Date(), () => {
        throw new Error('the database was moved aside');
      }),
    ).toThrow('the database was moved aside');
    expect(inventoryOf(store.db)).toEqual([]);
    expect(store.db.prepare('SELECT dirty FROM inventory_state').pluck().get()).toBe(1);
    expect(correlateInTransaction(store.db, new Date())?.assets).toBe(before.length);
    expect(inventoryOf(store.db)).toEqual(before);
    store.close();
  });

  it('regroups after a join and a split, and the core answers with the new assets', async () => {
    const store = await synced();
    const { logger, seen } = warnings();
    const inventory = new InventoryService(
      store.db,
      () => [],
      () => '',
      {
        correlate: workerCorrelator({
          db: store.db,
          createWorker: sourceCorrelationWorker,
          logger,
        }),
      },
    );
    const [a, b] = inventory.query({ query: 'kind:router', limit: 2 }).rows;
    if (a === undefined || b === undefined) throw new Error('the fleet has fewer than 2 routers');
    const total = inventory.query({ limit: 1 }).total;
    const joined = await inventory.join([a.id, b.id]);
    expect(joined.links.map((l) => l.name).sort()).toEqual([a.name, b.name].sort());
    expect(inventory.query({ limit: 1 }).total).toBe(total - 1);
    const [moved] = joined.links.filter((l) => l.name === b.name);
    if (moved === undefined) throw new Error('the joined asset lost a record');
    const split = await inventory.split(joined.asset.id, [
      { profileId: moved.profileId, externalId: moved.externalId },
    ]);
    expect(split.assetIds).toHaveLength(2);
    expect(inventory.query({ limit: 1 }).total).toBe(total);
    expect(seen).toEqual([]);
    store.close();
  });

  it('regroups records left uncorrelated at the start in the background, not before it', async () => {
    const store = await synced();
    const before = inventoryOf(store.db);
    // As after a quit between a source's commit and its correlation.
    forgetAssets(store.db);
    const { logger, seen } = warnings();
    new SyncEngine({
      db: store.db,
      profiles: store.profiles,
      connectors: fleetConnectors(() => fleet),
      logger,
      correlate: workerCorrelator({ db: store.db, createWorker: sourceCorrelationWorker, logger }),
    });
    // The engine is there at once; the assets follow.
    expect(inventoryOf(store.db)).toEqual([]);
    await expect
      .poll(() => store.db.prepare('SELECT dirty FROM inventory_state').pluck().get(), {
        timeout: 15_000,
      })
      .toBe(0);
    expect(inventoryOf(store.db)).toEqual(before);
    expect(seen).toEqual([]);
    store.close();
  });
});
