/**
 * Search benchmark: an inventory of a lab fleet (synced without a network through the lab-fleet
 * connector), a mix of queries through `InventoryService.query` (parse, FTS5, count, one page,
 * freshness), against the same SQL run on a bare better-sqlite3 connection.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { generateFleet } from '../lab/fleet';
import { silentLogger } from '../src/main/core/logger';
import { InventoryService } from '../src/main/inventory/inventory-service';
import { parseQuery } from '../src/main/inventory/query-parser';
import { compileQuery, orderBy } from '../src/main/inventory/query-sql';
import { openStore } from '../src/main/store/open-store';
import { SyncEngine } from '../src/main/sync/sync-engine';
import { addFleetProfiles, fleetConnectors } from '../src/main/sync/test-fleet';
import type { SortField } from '../src/shared/inventory';
import { figure, percentile, report } from './common';

const queries: { query: string; sort: SortField; direction: 'asc' | 'desc' }[] = [
  { query: 'web', sort: 'name', direction: 'asc' },
  { query: 'status:running kind:vm', sort: 'name', direction: 'asc' },
  { query: 'debian updates>0', sort: 'updates', direction: 'desc' },
  { query: 'ip:10.16.3.5', sort: 'name', direction: 'asc' },
  { query: 'source:patchmon missing:foreman', sort: 'name', direction: 'asc' },
  { query: 'tag:prod -kind:container', sort: 'name', direction: 'asc' },
  { query: 'name:db*', sort: 'name', direction: 'asc' },
  { query: 'bc:24:11', sort: 'name', direction: 'asc' },
  { query: 'ubuntu security>=3 reboot:yes', sort: 'security', direction: 'desc' },
  { query: '', sort: 'name', direction: 'asc' },
];

export async function benchSearch(size: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rackside-bench-'));
  try {
    const fleet = generateFleet({ size, seed: 1 });
    const store = openStore({ dataDir: dir, logger: silentLogger });
    await store.vault.setup('bench passphrase 1');
    addFleetProfiles(store.profiles, fleet);
    const engine = new SyncEngine({
      db: store.db,
      profiles: store.profiles,
      connectors: fleetConnectors(() => fleet),
      logger: silentLogger,
    });
    const t0 = performance.now();
    await engine.sync('all');
    const buildMs = performance.now() - t0;
    const inventory = new InventoryService(store.db, () => engine.freshness());
    const bare = new Database(path.join(dir, 'rackside.db'), { readonly: true });

    const rounds = 50;
    const app: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const q of queries) {
        const s = performance.now();
        inventory.query({
          query: q.query,
          limit: 100,
          sort: { field: q.sort, direction: q.direction },
        });
        app.push(performance.now() - s);

        const { where, params } = compileQuery(parseQuery(q.query), []);
        const b = performance.now();
        bare.prepare(`SELECT count(*) AS n FROM assets a WHERE ${where}`).get(...params);
        bare
          .prepare(
            `SELECT a.* FROM assets a WHERE ${where} ORDER BY ${orderBy(q.sort, q.direction)} LIMIT 100 OFFSET 0`,
          )
          .all(...params);
        raw.push(performance.now() - b);
      }
    }
    const perQuery = queries.map((q, i) => {
      const mine = app.filter((_, j) => j % queries.length === i);
      return { query: q.query, p50: percentile(mine, 50), p95: percentile(mine, 95) };
    });
    const assets = (store.db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n;
    report(
      `search-${size}`,
      [
        figure(
          'search p95 (app, page of 100)',
          percentile(app, 95),
          'ms',
          { name: 'same SQL, bare script', value: percentile(raw, 95), unit: 'ms' },
          '≤ 2 ms at 100 000 assets, ≤ 3× reference',
        ),
        figure('search p50 (app)', percentile(app, 50), 'ms', {
          name: 'same SQL, bare script',
          value: percentile(raw, 50),
          unit: 'ms',
        }),
        figure('assets', assets, 'assets'),
        figure('inventory build (sync without network)', buildMs / 1000, 's'),
      ],
      {
        size,
        seed: 1,
        rounds,
        queries: perQuery.map((q) => ({
          ...q,
          p50: Math.round(q.p50 * 1000) / 1000,
          p95: Math.round(q.p95 * 1000) / 1000,
        })),
      },
    );
    for (const q of perQuery)
      console.log(
        `    ${q.query.padEnd(34) || '(all)'.padEnd(34)} p50 ${q.p50.toFixed(2)} ms  p95 ${q.p95.toFixed(2)} ms`,
      );
    bare.close();
    store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
