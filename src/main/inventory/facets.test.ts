import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import { silentLogger } from '../core/logger';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { SyncEngine } from '../sync/sync-engine';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import type { SourceSystem } from '../../shared/inventory';
import { expectedIn } from './drift-rule';
import { driftOf } from './drift';
import { readFacets } from './facets';
import { InventoryService } from './inventory-service';

let store: Store;

beforeAll(async () => {
  store = await unlockedTestStore();
  addFleetProfiles(store.profiles, generateFleet({ size: 300, seed: 3 }));
  const engine = new SyncEngine({
    db: store.db,
    profiles: store.profiles,
    connectors: fleetConnectors(() => generateFleet({ size: 300, seed: 3 })),
    logger: silentLogger,
  });
  await engine.sync('all');
}, 120_000);

afterAll(() => {
  store.close();
});

const allSystems: SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];

/** Each figure by its own query, the plain way; ties by key as the facets break them. */
function reference(
  configured: readonly SourceSystem[] = allSystems,
): ReturnType<typeof readFacets> {
  const { db } = store;
  const count = (where: string): number =>
    (db.prepare(`SELECT count(*) AS n FROM assets WHERE ${where}`).get() as { n: number }).n;
  const top = (sql: string, limit: number): Record<string, number> =>
    Object.fromEntries(
      (db.prepare(sql).all() as { k: string; n: number }[])
        .sort((a, b) => b.n - a.n || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
        .slice(0, limit)
        .map((r) => [r.k, r.n]),
    );
  const grouped = (column: string, limit = 50) =>
    top(`SELECT coalesce(${column}, 'unknown') AS k, count(*) AS n FROM assets GROUP BY k`, limit);
  const systems = ['foreman', 'proxmox', 'patchmon', 'routeros'];
  return {
    total: count('1'),
    kind: grouped('kind'),
    status: grouped('status'),
    system: Object.fromEntries(systems.map((s) => [s, count(`in_${s} = 1`)])),
    missing: Object.fromEntries(systems.map((s) => [s, count(`in_${s} = 0`)])),
    // The Drift list's rule in JavaScript, row by row.
    drift: Object.fromEntries(
      allSystems.map((s) => [
        s,
        (
          db.prepare(`SELECT kind, os FROM assets WHERE in_${s} = 0`).all() as {
            kind: string;
            os: string | null;
          }[]
        ).filter((row) => configured.includes(s) && expectedIn(s, row.kind, row.os)).length,
      ]),
    ),
    os: grouped('os', 20),
    cluster: grouped('cluster'),
    site: grouped('site'),
    group: top(
      'SELECT g.value AS k, count(*) AS n FROM assets a, json_each(a.groups) g GROUP BY k',
      50,
    ),
    tag: top(
      'SELECT t.value AS k, count(*) AS n FROM assets a, json_each(a.tags) t GROUP BY k',
      50,
    ),
    org: grouped('organization'),
    location: grouped('location'),
    withUpdates: count('updates > 0'),
    withSecurityUpdates: count('security > 0'),
    rebootNeeded: count('reboot_needed = 1'),
  };
}

describe('inventory facets', () => {
  it('count what a query per figure counts: systems, gaps, patch state and the commonest values', () => {
    const facets = readFacets(store.db, allSystems);
    const expected = reference();
    expect(facets).toEqual(expected);
    // Most common first, as the overview and the search suggestions list them.
    for (const key of ['os', 'cluster', 'group'] as const) {
      expect(Object.keys(facets[key])).toEqual(Object.keys(expected[key]));
    }
    // The comparison means something: the fleet fills every kind of figure.
    expect(facets.total).toBeGreaterThan(250);
    expect(Object.keys(facets.group).length).toBeGreaterThan(3);
    for (const key of ['tag', 'org', 'location'] as const) {
      expect(Object.keys(facets[key]).filter((k) => k !== 'unknown').length, key).toBeGreaterThan(
        0,
      );
    }
    expect(Object.keys(facets.os).length).toBeGreaterThan(2);
    expect(facets.withUpdates).toBeGreaterThan(0);
    expect(Object.values(facets.missing).some((n) => n > 0)).toBe(true);
  });

  it('count one operating system once, however each source spells it', () => {
    // The lab's Foreman says `Rocky 9.5`, as Facter names it; PatchMon says `Rocky Linux 9.5`.
    const records = store.db
      .prepare("SELECT DISTINCT system, os FROM source_records WHERE os LIKE 'Rocky%'")
      .all() as { system: string; os: string }[];
    expect(records).toEqual(
      expect.arrayContaining([
        { system: 'foreman', os: 'Rocky 9.5' },
        { system: 'patchmon', os: 'Rocky Linux 9.5' },
      ]),
    );
    const os = readFacets(store.db, allSystems).os;
    expect(Object.keys(os).filter((name) => name.startsWith('Rocky'))).toEqual(['Rocky Linux 9.5']);
    const inventory = new InventoryService(store.db, () => []);
    const rocky = inventory.query({ query: 'os:"rocky linux"', limit: 500, offset: 0 });
    expect(rocky.total).toBe(os['Rocky Linux 9.5']);
  });

  it('count drift per system as the Drift list counts it, only for systems with data', () => {
    const facets = readFacets(store.db, allSystems);
    const list = driftOf(
      store.db,
      allSystems.map((system) => ({
        profileId: system,
        profileName: system,
        system,
        dataFrom: '2026-01-01T00:00:00Z',
        lastStatus: 'ok' as const,
        lastError: null,
        lastAttemptAt: '2026-01-01T00:00:00Z',
        offline: false,
        offlineReason: null,
        running: false,
        intervalMinutes: null,
        hostFilter: null,
        message: 'data from 2026-01-01T00:00:00Z',
      })),
      0,
      1_000_000,
    );
    for (const system of allSystems) {
      const listed = list.items.filter((item) => item.missingFrom.includes(system)).length;
      expect(facets.drift[system], system).toBe(listed);
    }
    // The seeded fleet has guests some system lacks, and Windows hosts PatchMon never patches.
    expect(facets.drift.foreman).toBeGreaterThan(0);
    expect(facets.drift.patchmon).toBeGreaterThan(0);
    expect(facets.drift.patchmon).toBeLessThan(facets.missing.patchmon ?? 0);
    expect(facets.drift.routeros).toBe(0);

    const withoutPatchmon = readFacets(store.db, ['foreman', 'proxmox']);
    expect(withoutPatchmon).toEqual(reference(['foreman', 'proxmox']));
    expect(withoutPatchmon.drift.patchmon).toBe(0);
  });

  it('counts unknown values, repeated groups and more values than a facet lists', () => {
    const { db } = store;
    const insert = db.prepare(
      `INSERT INTO assets (id, kind, name, status, os, cluster, site, groups, hash)
       VALUES (?, 'vm', ?, 'running', ?, ?, NULL, ?, 'facet-test')`,
    );
    db.transaction(() => {
      for (let i = 0; i < 60; i += 1) {
        insert.run(
          100_000 + i,
          `facet-${String(i)}`,
          i % 3 === 0 ? null : `Odd OS ${String(i)}`,
          `cluster-${String(i)}`,
          JSON.stringify(i % 2 === 0 ? ['Twice', 'Twice'] : [`g${String(i)}`]),
        );
      }
    })();
    try {
      const facets = readFacets(db, allSystems);
      expect(facets).toEqual(reference());
      expect(facets.group.Twice).toBe(60);
      expect(Object.keys(facets.cluster)).toHaveLength(50);
      expect(Object.keys(facets.os)).toHaveLength(20);
      expect(facets.site.unknown).toBeGreaterThanOrEqual(60);
    } finally {
      db.prepare("DELETE FROM assets WHERE hash = 'facet-test'").run();
    }
  });

  it('follow every change of the inventory, and only read the counts again after one', async () => {
    const own = await unlockedTestStore();
    try {
      let fleet = generateFleet({ size: 120, seed: 4 });
      addFleetProfiles(own.profiles, fleet);
      const engine = new SyncEngine({
        db: own.db,
        profiles: own.profiles,
        connectors: fleetConnectors(() => fleet),
        logger: silentLogger,
      });
      const inventory = new InventoryService(own.db, () => engine.freshness());
      expect(inventory.facets().total).toBe(0);
      await engine.sync('all');
      const synced = inventory.facets();
      expect(synced.total).toBe(readFacets(own.db, allSystems).total);
      expect(synced.total).toBeGreaterThan(100);
      // Asked again with nothing changed: the same counts, read from what was kept.
      expect(inventory.facets()).toEqual(synced);

      fleet = generateFleet({ size: 60, seed: 4 });
      await engine.sync('all');
      const shrunk = inventory.facets();
      expect(shrunk.total).toBeLessThan(synced.total);
      expect(shrunk).toEqual({ ...readFacets(own.db, allSystems), sources: shrunk.sources });
    } finally {
      own.close();
    }
  });
});
