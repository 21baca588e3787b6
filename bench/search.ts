/**
 * Search benchmark: an inventory of a lab fleet (synced without a network through the lab-fleet
 * connector), a mix of queries through `InventoryService.query` as the app runs it (parse, the
 * in-memory search index for the page and count, the page's rows from SQLite, freshness),
 * against the SQL alone (`readPage`: FTS5, count, one page, prepared once) run on a bare
 * better-sqlite3 connection. Measured twice: the first page with the count capped (what a keystroke waits for)
 * and with the exact total. The seeded database is cached under the temp dir by size, seed,
 * schema and the code that writes the inventory; the output says when it was reused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import Database, { type Statement } from 'better-sqlite3';
import { generateFleet } from '../lab/fleet';
import { silentLogger } from '../src/main/core/logger';
import { InventoryService } from '../src/main/inventory/inventory-service';
import { parseQuery } from '../src/main/inventory/query-parser';
import { compileQuery } from '../src/main/inventory/query-sql';
import { SearchIndex } from '../src/main/inventory/search-index';
import { readPage } from '../src/main/inventory/search-page';
import { databaseFileName, openStore } from '../src/main/store/open-store';
import { SyncEngine } from '../src/main/sync/sync-engine';
import { fleetConnectors } from '../src/main/sync/test-fleet';
import { quickCountLimit, type SortField } from '../src/shared/inventory';
import { figure, percentile, report, round } from './common';
import { seedInventory, seedLine } from './seeded-inventory';

const queries: { query: string; sort: SortField; direction: 'asc' | 'desc' }[] = [
  { query: 'web', sort: 'name', direction: 'asc' },
  { query: 'status:running kind:vm', sort: 'name', direction: 'asc' },
  { query: 'debian updates>0', sort: 'updates', direction: 'desc' },
  // An address one asset has, and a prefix many share (the seeded fleet's 10.16.3.0/24).
  { query: 'ip:10.16.3.16', sort: 'name', direction: 'asc' },
  { query: 'ip:10.16.3.*', sort: 'name', direction: 'asc' },
  { query: 'source:patchmon missing:foreman', sort: 'name', direction: 'asc' },
  { query: 'tag:prod -kind:container', sort: 'name', direction: 'asc' },
  { query: 'name:db*', sort: 'name', direction: 'asc' },
  { query: 'bc:24:11', sort: 'name', direction: 'asc' },
  { query: 'ubuntu security>=3 reboot:yes', sort: 'security', direction: 'desc' },
  { query: '', sort: 'name', direction: 'asc' },
  {
    query: 'debian status:running source:patchmon updates>0 tag:prod missing:foreman',
    sort: 'name',
    direction: 'asc',
  },
  // What the search box asks while the first letters are typed (reported on their own line).
  { query: 'd', sort: 'name', direction: 'asc' },
  { query: 'de', sort: 'name', direction: 'asc' },
  { query: 'we', sort: 'name', direction: 'asc' },
  { query: '10', sort: 'name', direction: 'asc' },
];
const prefixQueries = 4;

/**
 * The requests measured. A keystroke in the inventory table asks for the first screen with the
 * count capped at `quickCountLimit`; the exact count is the same request without the cap (what
 * the CLI, exports and the table's follow-up count ask).
 */
const modes: { key: string; name: string; countLimit: number | undefined }[] = [
  {
    key: 'page',
    name: `first page, count up to ${quickCountLimit.toLocaleString('en')}`,
    countLimit: quickCountLimit,
  },
  { key: 'exact', name: 'first page with exact total', countLimit: undefined },
];

/** The JavaScript heap and array buffers in use after a full garbage collection. */
function heldBytes(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

export async function benchSearch(size: number): Promise<void> {
  const seed = 1;
  const fleet = generateFleet({ size, seed });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rackside-bench-'));
  const seeded = await seedInventory({
    name: 'search',
    size,
    seed,
    fleet,
    dir,
    passphrase: 'bench passphrase 1',
  });
  const buildMs = seeded.buildMs;
  console.log(seedLine(seeded));
  try {
    const store = openStore({ dataDir: dir, logger: silentLogger });
    const engine = new SyncEngine({
      db: store.db,
      profiles: store.profiles,
      connectors: fleetConnectors(() => fleet),
      logger: silentLogger,
    });
    // The app keeps the search index in memory: built once the inventory settles.
    const heldBefore = heldBytes();
    const indexStart = performance.now();
    const index = SearchIndex.build(store.db);
    const indexMs = performance.now() - indexStart;
    const indexBytes = index.bytes;
    const indexHeld = heldBytes() - heldBefore;
    const inventory = new InventoryService(
      store.db,
      () => engine.freshness(),
      () => '',
      {
        searchIndex: 'on-demand',
      },
    );
    inventory.warmSearch();
    const bare = new Database(path.join(dir, databaseFileName), { readonly: true });

    const bareStatements = new Map<string, Statement>();
    const prepareBare = (sql: string): Statement => {
      let statement = bareStatements.get(sql);
      if (statement === undefined) {
        statement = bare.prepare(sql);
        bareStatements.set(sql, statement);
      }
      return statement;
    };

    const rounds = 50;
    /** Per mode, per query: app and bare timings. */
    const runs = modes.map(() => ({
      app: queries.map((): number[] => []),
      raw: queries.map((): number[] => []),
    }));
    const totals = queries.map(() => ({ quick: '', exact: 0 }));
    for (let round = 0; round < rounds; round++) {
      modes.forEach((mode, m) => {
        queries.forEach((q, i) => {
          const request = {
            query: q.query,
            limit: 100,
            offset: 0,
            sort: { field: q.sort, direction: q.direction },
            ...(mode.countLimit === undefined ? {} : { countLimit: mode.countLimit }),
          };
          const s = performance.now();
          const page = inventory.query(request);
          runs[m]?.app[i]?.push(performance.now() - s);

          const compiled = compileQuery(parseQuery(q.query), []);
          const b = performance.now();
          readPage(prepareBare, compiled, request);
          runs[m]?.raw[i]?.push(performance.now() - b);

          const seen = totals[i];
          if (round === 0 && seen !== undefined) {
            if (mode.countLimit === undefined) seen.exact = page.total;
            else seen.quick = `${page.total}${page.totalExact === false ? '+' : ''}`;
          }
        });
      });
    }
    const assets = (store.db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n;
    const all = (lists: number[][] | undefined, from = 0, to = queries.length): number[] =>
      (lists ?? []).slice(from, to).flat();
    const mainQueries = queries.length - prefixQueries;
    const figures = modes.flatMap((mode, m) => [
      figure(
        `search p95, ${mode.name}`,
        percentile(all(runs[m]?.app, 0, mainQueries), 95),
        'ms',
        {
          name: 'the SQL search (readPage), bare script',
          value: percentile(all(runs[m]?.raw, 0, mainQueries), 95),
          unit: 'ms',
        },
        m === 0 ? '≤ 2 ms at 100 000 assets, ≤ 3× reference' : undefined,
      ),
      figure(`search p50, ${mode.name}`, percentile(all(runs[m]?.app, 0, mainQueries), 50), 'ms', {
        name: 'the SQL search (readPage), bare script',
        value: percentile(all(runs[m]?.raw, 0, mainQueries), 50),
        unit: 'ms',
      }),
      figure(
        `1-2 character prefixes p95, ${mode.name}`,
        percentile(all(runs[m]?.app, mainQueries), 95),
        'ms',
        {
          name: 'the SQL search (readPage), bare script',
          value: percentile(all(runs[m]?.raw, mainQueries), 95),
          unit: 'ms',
        },
      ),
    ]);
    const perQuery = queries.map((q, i) => ({
      query: q.query,
      sort: `${q.sort}:${q.direction}`,
      quickTotal: totals[i]?.quick,
      exactTotal: totals[i]?.exact,
      ...Object.fromEntries(
        modes.map((mode, m) => [
          mode.key,
          {
            p50: round(percentile(runs[m]?.app[i] ?? [], 50)),
            p95: round(percentile(runs[m]?.app[i] ?? [], 95)),
            bareP95: round(percentile(runs[m]?.raw[i] ?? [], 95)),
          },
        ]),
      ),
    }));
    report(
      `search-${size}`,
      [
        ...figures,
        figure('assets', assets, 'assets'),
        figure('search index build (in the background after a change)', indexMs / 1000, 's'),
        figure('search index memory (heap and buffers after GC)', indexHeld / 2 ** 20, 'MiB'),
        figure('search index memory as the app estimates it', indexBytes / 2 ** 20, 'MiB'),
        ...(buildMs === null
          ? []
          : [figure('inventory build (sync without network)', buildMs / 1000, 's')]),
      ],
      {
        size,
        seed,
        seededFromCache: buildMs === null,
        rounds,
        modes: modes.map((mode) => ({
          key: mode.key,
          name: mode.name,
          countLimit: mode.countLimit,
        })),
        mainQueries: queries.slice(0, mainQueries).map((q) => q.query),
        queries: perQuery,
      },
    );
    console.log(
      `    ${'query'.padEnd(34)} ${modes.map((m) => `${m.key} p50/p95 (bare p95)`.padEnd(30)).join(' ')} total`,
    );
    perQuery.forEach((q, i) => {
      const cells = modes.map((mode, m) =>
        `${percentile(runs[m]?.app[i] ?? [], 50).toFixed(2)} / ${percentile(runs[m]?.app[i] ?? [], 95).toFixed(2)} ms (${percentile(runs[m]?.raw[i] ?? [], 95).toFixed(2)})`.padEnd(
          30,
        ),
      );
      console.log(
        `    ${(q.query || '(all)').padEnd(34)} ${cells.join(' ')} ${q.quickTotal ?? ''} / ${String(q.exactTotal)}`,
      );
    });
    bare.close();
    store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
