import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../db/sqlite';
import { assetView, type AssetDbRow } from './asset-rows';
import { inventoryGeneration } from './asset-store';
import { InventoryService } from './inventory-service';
import { parseQuery } from './query-parser';
import { LiveSearchIndex } from './live-search-index';
import { SearchIndex, searchTokenizer } from './search-index';
import {
  allSystems,
  cases,
  db,
  oddAssets,
  sqlPage,
  useSearchFleet,
  type Case,
} from './search-index.fixture';

useSearchFleet();

describe('search index', () => {
  it('uses the search index’s own tokenizer', () => {
    const { sql } = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'asset_fts'").get() as {
      sql: string;
    };
    expect(sql).toContain(`tokenize = '${searchTokenizer}'`);
  });

  it('answers random queries with the same page, order and count as the SQL', () => {
    const index = SearchIndex.build(db);
    expect(index.size).toBe(
      (db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n,
    );
    let nonEmpty = 0;
    let odd = 0;
    const oddNames = new Set(oddAssets.map((a) => a.name));
    const names = new Map(
      (db.prepare('SELECT id, name FROM assets').all() as { id: number; name: string }[]).map(
        (r) => [r.id, r.name],
      ),
    );
    for (const c of cases(1500, 7)) {
      const expected = sqlPage(c);
      const page = index.page(c.clauses, c.offline, c.request, c.configured);
      expect(
        page === null ? null : { ...page, rows: undefined },
        `${c.query} ${JSON.stringify(c.request)}`,
      ).toEqual(expected);
      // The page's places hold its assets.
      expect(index.assetsAt(page?.rows ?? []).map((a) => a.id)).toEqual(expected.ids);
      if (expected.ids.length > 0) nonEmpty++;
      if (expected.ids.some((id) => oddNames.has(names.get(id) ?? ''))) odd++;
    }
    // The comparison means something: most queries find assets, some find the odd ones.
    expect(nonEmpty).toBeGreaterThan(600);
    expect(odd).toBeGreaterThan(20);
  });

  it('answers as the SQL does for inventories smaller than a block of its walk', () => {
    // Walks test the sort order a block at a time; a small inventory ends inside the first
    // block, and its walk must still count every asset (40 and 200 assets, in copies).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rackside-small-'));
    for (const size of [40, 200]) {
      const file = path.join(dir, `${String(size)}.db`);
      db.prepare('VACUUM INTO ?').run(file);
      const small = openSqlite(file);
      try {
        const cut = (
          small.prepare('SELECT id FROM assets ORDER BY id LIMIT 1 OFFSET ?').get(size) as {
            id: number;
          }
        ).id;
        small.prepare('DELETE FROM asset_links WHERE asset_id >= ?').run(cut);
        small.prepare('DELETE FROM asset_fts WHERE rowid >= ?').run(cut);
        small.prepare('DELETE FROM assets WHERE id >= ?').run(cut);
        const index = SearchIndex.build(small);
        expect(index.size).toBe(size);
        let nonEmpty = 0;
        for (const c of cases(300, size)) {
          const expected = sqlPage(c, small);
          const page = index.page(c.clauses, c.offline, c.request, c.configured);
          expect(
            page === null ? null : { ...page, rows: undefined },
            `${String(size)} assets: ${c.query} ${JSON.stringify(c.request)}`,
          ).toEqual(expected);
          if (expected.ids.length > 0) nonEmpty++;
        }
        expect(nonEmpty).toBeGreaterThan(50);
        // Every asset, counted to the quick limit: the case that ended a walk early.
        const everything: Case = {
          query: '',
          clauses: [],
          offline: [],
          configured: allSystems,
          request: {
            sort: { field: 'name', direction: 'asc' },
            offset: 0,
            limit: 10,
            countLimit: 1000,
          },
        };
        expect(index.page([], [], everything.request)?.total).toBe(size);
        expect(sqlPage(everything, small).total).toBe(size);
      } finally {
        small.close();
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds every asset as a page shows it, read from what SQLite stores', () => {
    const index = SearchIndex.build(db);
    const stored = db.prepare('SELECT * FROM assets ORDER BY id DESC').all() as AssetDbRow[];
    expect(stored.some((row) => row.updates === null)).toBe(true);
    expect(stored.some((row) => row.os === null)).toBe(true);
    expect(stored.some((row) => row.cluster === null)).toBe(true);
    expect(stored.some((row) => row.tags.includes('\\\\'))).toBe(true);
    const held = index.assets(stored.map((row) => row.id));
    expect(held).toEqual(stored.map(assetView));
    expect(index.assets([-5])).toEqual([]);
    // Lists shared between assets cannot be changed through one of them.
    const tagged = held.find((a) => a.tags.includes('prod'));
    expect(() => tagged?.tags.push('changed')).toThrow(TypeError);
    expect(held.filter((a) => a.tags.includes('changed'))).toEqual([]);
  });

  it('compares counts too large for its compact columns as the SQL does', () => {
    const request = { sort: { field: 'updates', direction: 'desc' }, offset: 0, limit: 5 } as const;
    const ask = (query: string): Case => ({
      query,
      clauses: parseQuery(query),
      offline: [],
      configured: allSystems,
      request,
    });
    const queries = ['updates>40000', 'updates<1', 'updates<3', 'security>40000', '-updates>0'];
    const [first, second] = db
      .prepare('SELECT id, updates FROM assets ORDER BY id LIMIT 2')
      .all() as {
      id: number;
      updates: number | null;
    }[];
    const set = db.prepare('UPDATE assets SET updates = ? WHERE id = ?');
    try {
      // Whole counts that fit in 16 bits are kept compact; these do not.
      set.run(70_000, first?.id);
      set.run(-40_000, second?.id);
      const index = SearchIndex.build(db);
      for (const query of queries) {
        const c = ask(query);
        const page = index.page(c.clauses, [], request);
        expect(page === null ? null : { ...page, rows: undefined }, query).toEqual(sqlPage(c));
      }
      expect(index.page(parseQuery('updates>40000'), [], request)?.ids).toEqual([first?.id]);
      const ascending = { ...request, sort: { field: 'updates', direction: 'asc' } } as const;
      expect(index.page(parseQuery('updates<1'), [], ascending)?.ids[0]).toBe(second?.id);
    } finally {
      set.run(first?.updates ?? null, first?.id);
      set.run(second?.updates ?? null, second?.id);
    }
  });

  it('is rebuilt after the inventory changes and never answers from an old one', async () => {
    const live = new LiveSearchIndex(db, 'on-demand');
    const first = live.current();
    expect(first).not.toBeNull();
    expect(live.current()).toBe(first);
    const request = { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 5 } as const;
    const renamed = (index: SearchIndex | null): number | undefined =>
      index?.page(parseQuery('name:renamedhost'), [], request)?.total;
    expect(renamed(first)).toBe(0);

    const rename = (): void => {
      db.transaction(() => {
        const id = (db.prepare('SELECT min(id) AS id FROM assets').get() as { id: number }).id;
        db.prepare("UPDATE assets SET name = 'renamedhost' WHERE id = ?").run(id);
        db.prepare("UPDATE asset_fts SET name = 'renamedhost' WHERE rowid = ?").run(id);
        db.prepare('UPDATE inventory_state SET generation = generation + 1').run();
      })();
    };
    rename();
    const second = live.current();
    expect(second).not.toBe(first);
    expect(renamed(second)).toBe(1);

    // In the background the first query after a change is left to the SQL; the index follows.
    const background = new LiveSearchIndex(db, 'background');
    expect(background.current()).toBeNull();
    expect(background.building).toBe(true);
    while (background.building) await new Promise((resolve) => setImmediate(resolve));
    const built = background.current();
    expect(built?.generation).toBe(inventoryGeneration(db));
    db.prepare('UPDATE inventory_state SET generation = generation + 1').run();
    expect(background.current()).toBeNull();
  });

  it('builds in the background only once searches pause, and says when it is ready', async () => {
    const ready: number[] = [];
    const live = new LiveSearchIndex(db, 'background', {
      onReady: (index) => ready.push(index.size),
    });
    const started = Date.now();
    // Someone typing: a search every 50 ms for 600 ms, each answered without the index.
    while (Date.now() - started < 600) {
      expect(live.current()).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(live.building).toBe(true);
    expect(ready).toEqual([]);
    while (live.building) await new Promise((resolve) => setTimeout(resolve, 20));
    const assets = (db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n;
    expect(ready).toEqual([assets]);
    expect(live.current()?.size).toBe(assets);
  });

  it('finishes a background build in a process with nothing else to do', () => {
    // The app's core is often idle between searches: its build must go on by itself, not only
    // when some other event happens to wake the process.
    const child = path.join(import.meta.dirname, 'idle-build-child.ts');
    const result = spawnSync(process.execPath, ['--import', 'tsx', child, db.name], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const assets = (db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n;
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(`ready ${assets}`);
  }, 70_000);

  it('reports a build that fails, leaves searching to SQL, and tries again after a change', () => {
    const errors: string[] = [];
    const live = new LiveSearchIndex(db, 'on-demand', {
      onError: (error) => errors.push(String(error)),
    });
    db.exec('ALTER TABLE asset_links RENAME TO asset_links_away');
    try {
      expect(live.current()).toBeNull();
      expect(live.current()).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('asset_links');
    } finally {
      db.exec('ALTER TABLE asset_links_away RENAME TO asset_links');
    }
    expect(live.current()).toBeNull();
    db.prepare('UPDATE inventory_state SET generation = generation + 1').run();
    expect(live.current()?.generation).toBe(inventoryGeneration(db));
    expect(errors).toHaveLength(1);
  });

  it('lists names as people read them, numbers by value and case aside, with and without it', () => {
    const freshness = (): [] => [];
    const plain = new InventoryService(db, freshness);
    const indexed = new InventoryService(db, freshness, () => '', { searchIndex: 'on-demand' });
    for (const inventory of [plain, indexed]) {
      for (const [direction, expected] of [
        ['asc', ['quokka-9', 'Quokka-10']],
        ['desc', ['Quokka-10', 'quokka-9']],
      ] as const) {
        const page = inventory.query({
          query: 'quokka',
          limit: 10,
          sort: { field: 'name', direction },
        });
        expect(page.rows.map((row) => row.name)).toEqual(expected);
      }
      // Versions by value too: Debian 9 before Debian 12.
      const byOs = inventory.query({
        query: 'quokka',
        limit: 10,
        sort: { field: 'os', direction: 'asc' },
      });
      expect(byOs.rows.map((row) => row.os)).toEqual(['Debian 9', 'Debian 12']);
    }
  });

  it('lists rows of equal value by name, whichever way the column sorts, with and without it', () => {
    const freshness = (): [] => [];
    const plain = new InventoryService(db, freshness);
    const indexed = new InventoryService(db, freshness, () => '', { searchIndex: 'on-demand' });
    const nameKey = db.prepare('SELECT name_sort AS key FROM assets WHERE id = ?').pluck();
    for (const inventory of [plain, indexed]) {
      for (const direction of ['asc', 'desc'] as const) {
        // Both running: by name, not in the order they were stored (Quokka-10 first).
        const quokkas = inventory.query({
          query: 'quokka',
          limit: 10,
          sort: { field: 'status', direction },
        });
        expect(quokkas.rows.map((row) => row.name)).toEqual(['quokka-9', 'Quokka-10']);
        for (const field of ['status', 'updates', 'cluster'] as const) {
          const page = inventory.query({
            query: 'kind:vm',
            limit: 300,
            sort: { field, direction },
          });
          const value = (row: (typeof page.rows)[number]) =>
            field === 'updates' ? row.patch.updates : row[field];
          let ties = 0;
          page.rows.forEach((row, i) => {
            const before = page.rows[i - 1];
            if (before === undefined || value(before) !== value(row)) return;
            ties++;
            expect(
              String(nameKey.get(before.id)) <= String(nameKey.get(row.id)),
              `${field} ${direction}: ${before.name} before ${row.name}`,
            ).toBe(true);
          });
          expect(ties, `${field} ${direction}`).toBeGreaterThan(10);
        }
      }
    }
  });

  it('gives the inventory the same pages with and without it', () => {
    const freshness = (): [] => [];
    const plain = new InventoryService(db, freshness);
    const indexed = new InventoryService(db, freshness, () => '', { searchIndex: 'on-demand' });
    for (const query of ['', 'web', 'kind:vm updates>0', 'café', '-tag:prod cluster:pve*']) {
      for (const countLimit of [undefined, 20]) {
        const request = {
          query,
          limit: 30,
          sort: { field: 'updates', direction: 'desc' },
          ...(countLimit === undefined ? {} : { countLimit }),
        } as const;
        const a = plain.query(request);
        const b = indexed.query(request);
        expect(b.rows).toEqual(a.rows);
        expect([b.total, b.totalExact]).toEqual([a.total, a.totalExact]);
      }
    }
  });
});
