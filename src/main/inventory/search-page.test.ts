import type { Statement } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import { sortFields, type SortField } from '../../shared/inventory';
import { silentLogger } from '../core/logger';
import type { Sqlite } from '../db/sqlite';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { SyncEngine } from '../sync/sync-engine';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import { recorrelate } from './asset-store';
import { InventoryService } from './inventory-service';
import { parseQuery } from './query-parser';
import { compileQuery, pageSql, probeSql } from './query-sql';
import { readPage, rowMatches } from './search-page';
import { listText, valueText } from './search-text';

const fleet = generateFleet({ size: 400, seed: 5 });
let store: Store;
let db: Sqlite;
let inventory: InventoryService;

beforeAll(async () => {
  store = await unlockedTestStore();
  addFleetProfiles(store.profiles, fleet);
  const engine = new SyncEngine({
    db: store.db,
    profiles: store.profiles,
    connectors: fleetConnectors(() => fleet),
    logger: silentLogger,
  });
  await engine.sync('all');
  db = store.db;
  inventory = new InventoryService(db, () => engine.freshness());
}, 120_000);

afterAll(() => {
  store.close();
});

const directions = ['asc', 'desc'] as const;

/** The order of a page, sorted by SQLite without an index: unknown values last, ties by name. */
function referenceIds(query: string, field: SortField, direction: 'asc' | 'desc'): number[] {
  const { where, params } = compileQuery(parseQuery(query), []);
  // Text by its sort key: case-folded, numbers by value.
  const numeric = ['kind', 'status', 'updates', 'security'];
  const column = numeric.includes(field) ? `a.${field}` : `a.${field}_sort`;
  const dir = direction.toUpperCase();
  const ties = field === 'name' ? 'a.id' : 'a.name_sort, a.id';
  return (
    db
      .prepare(
        `SELECT a.id FROM assets a WHERE ${where} ORDER BY ${column} IS NULL, ${column} ${dir}, ${ties}`,
      )
      .all(...params) as { id: number }[]
  ).map((row) => row.id);
}

const ids = (rows: readonly unknown[]): number[] => rows.map((row) => (row as { id: number }).id);

const queries = [
  '',
  'debian',
  'kind:vm',
  'tag:prod -kind:container',
  'web updates>0',
  'name:db*',
  'bc:24:11',
  'd',
  '-status:running',
  'updates>0',
  'security>=2 -updates<3',
  'updates<1',
  'updates:0',
  '-security>0',
  'id>40 id<=90',
];

describe('inventory pages', () => {
  it('sorts by every sortable column both ways as SQLite sorts, whichever plan reads the page', () => {
    let compared = 0;
    for (const query of queries) {
      const compiled = compileQuery(parseQuery(query), []);
      for (const field of sortFields) {
        for (const direction of directions) {
          const expected = referenceIds(query, field, direction);
          for (const [offset, limit] of [
            [0, 50],
            [37, 100],
          ] as const) {
            const want = expected.slice(offset, offset + limit);
            for (const plan of ['walk', 'gather'] as const) {
              const page = pageSql(compiled, field, direction, plan, limit, offset);
              expect(ids(db.prepare(page.sql).all(...page.params)), `${query} ${plan}`).toEqual(
                want,
              );
            }
            if (compiled.match !== null) {
              const probe = probeSql({ ...compiled, match: compiled.match }, field, direction, -1);
              const tested = db.prepare(probe.sql).all(...probe.params) as {
                id: number;
                hit: number;
              }[];
              const hits = tested.filter((row) => row.hit === 1).map((row) => row.id);
              expect(hits.slice(offset, offset + limit), `${query} probe`).toEqual(want);
            }
            const answer = inventory.query({ query, offset, limit, sort: { field, direction } });
            expect(ids(answer.rows), `${query} ${field} ${direction}`).toEqual(want);
            expect(answer.total).toBe(expected.length);
            expect(answer.totalExact).toBe(true);
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(queries.length * sortFields.length * 2 * 2);
    // The fleet has assets without a cluster or patch counts: they come last both ways.
    for (const field of ['cluster', 'updates', 'group'] as const) {
      for (const direction of directions) {
        const all = [0, 500, 1000].flatMap(
          (offset) => inventory.query({ offset, limit: 500, sort: { field, direction } }).rows,
        );
        expect(all).toHaveLength(inventory.query({ limit: 1 }).total);
        const value = (row: (typeof all)[number]): unknown =>
          field === 'cluster'
            ? row.cluster
            : field === 'group'
              ? (row.groups[0] ?? null)
              : row.patch.updates;
        const firstUnknown = all.findIndex((row) => value(row) === null);
        expect(firstUnknown).toBeGreaterThan(0);
        expect(all.slice(firstUnknown).every((row) => value(row) === null)).toBe(true);
      }
    }
  });

  it('walks the sort index testing a common word row by row and gives the same page', () => {
    const seen: string[] = [];
    const prepare = (sql: string): Statement => {
      seen.push(sql);
      return db.prepare(sql);
    };
    for (const query of [
      'd',
      '1',
      'bc',
      'ubuntu',
      'bc:24:11',
      'mac:BC-24-11',
      'kind:vm mac:bc:24',
    ]) {
      for (const direction of directions) {
        const expected = referenceIds(query, 'name', direction);
        expect(expected.length).toBeGreaterThan(100);
        const compiled = compileQuery(parseQuery(query), []);
        expect(compiled.phrases).not.toBeNull();
        for (const [offset, limit, textTests] of [
          [0, 1, true],
          [1, 2, true],
          [3, 1, true],
          [0, 1, false],
          [1, 2, false],
          [3, 1, false],
        ] as const) {
          // Without plain-text phrases each row is tested by the search index instead.
          const page = readPage(prepare, textTests ? compiled : { ...compiled, phrases: null }, {
            sort: { field: 'name', direction },
            offset,
            limit,
            countLimit: 10,
          });
          expect(ids(page.rows), `${query} ${direction} ${offset} ${String(textTests)}`).toEqual(
            expected.slice(offset, offset + limit),
          );
          expect(page).toMatchObject({ total: 10, totalExact: false });
        }
      }
    }
    expect(seen.some((sql) => sql.includes('EXISTS (SELECT 1 FROM asset_fts f'))).toBe(true);
    expect(seen.some((sql) => sql.includes('SELECT a.id, a.name, a.fqdn, a.ips'))).toBe(true);
  });

  it('tests a row for a phrase exactly as the search index does', () => {
    db.exec(`CREATE VIRTUAL TABLE check_fts USING fts5 (
        name, fqdn, ips, macs, os, groups, tags,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4 5 6 7 8')`);
    try {
      const rows = [
        ...(db
          .prepare('SELECT id, name, fqdn, ips, macs, os, groups, tags FROM assets')
          .all() as Record<string, unknown>[]),
        // Text the fleet lacks: case, punctuation, escapes in lists, letters beyond ASCII.
        {
          id: -1,
          name: 'Web-01.EXAMPLE_lab',
          fqdn: null,
          ips: '[]',
          macs: JSON.stringify(['BC:24:11:AA:00:01']),
          os: 'Ubuntu 22.04 LTS',
          groups: JSON.stringify(['a\\b', 'quote"d', 'line\nbreak']),
          tags: JSON.stringify(['prod', 'db/primary']),
        },
        {
          id: -2,
          name: 'café-déb1',
          fqdn: 'café.example',
          ips: JSON.stringify(['10.16.3.5', 'fe80::1']),
          macs: '[]',
          os: null,
          groups: JSON.stringify(['Zürich', 'web']),
          tags: JSON.stringify(['Ünicode', 'web 01']),
        },
      ];
      const insert = db.prepare(
        'INSERT INTO check_fts (rowid, name, fqdn, ips, macs, os, groups, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const list = (value: unknown): string => listText(JSON.parse(String(value)) as string[]);
      const text = (value: unknown): string => valueText(typeof value === 'string' ? value : '');
      for (const row of rows) {
        insert.run(
          row.id,
          text(row.name),
          text(row.fqdn),
          list(row.ips),
          list(row.macs),
          text(row.os),
          list(row.groups),
          list(row.tags),
        );
      }
      const found = db.prepare('SELECT rowid AS id FROM check_fts WHERE check_fts MATCH ?');
      let decided = 0;
      let matched = 0;
      for (const query of [
        'web',
        'WEB',
        'web-01',
        'web 01',
        'web01',
        'bc:24:11',
        'mac:BC-24-11-AA-00-01',
        'mac:bc:24',
        'ip:10.16.3.5',
        'ip:10.16',
        'name:db*',
        'name:web-0*',
        'os:"ubuntu 22"',
        'os:ubuntu',
        'group:b',
        'group:"a b"',
        'group:quote',
        'group:n',
        'group:nbreak',
        'tag:db',
        'tag:primary',
        // Words of two items in a row: in no one item.
        'tag:"prod db"',
        '"b quote"',
        'group:"d line"',
        'd',
        '1',
        'de 1',
        'example lab',
        'lab',
        'cafe',
        'zurich',
        'unicode',
        'deb1',
        '"lts web"',
      ]) {
        const compiled = compileQuery(parseQuery(query), []);
        const { match, phrases } = compiled;
        expect(match, query).not.toBeNull();
        expect(phrases, query).not.toBeNull();
        if (match === null || phrases === null) continue;
        const matches = new Set((found.all(match) as { id: number }[]).map((row) => row.id));
        for (const row of rows) {
          const answer = rowMatches(row, phrases);
          const index = matches.has(row.id as number);
          if (answer === null) {
            // Text beyond ASCII is left to the index.
            expect(row.id, `${query} ${String(row.name)}`).toBe(-2);
            continue;
          }
          expect(answer, `${query} ${String(row.name)}`).toBe(index);
          decided++;
          if (index) matched++;
        }
      }
      expect(decided).toBeGreaterThan(400 * 25);
      expect(matched).toBeGreaterThan(1000);
      // The words of a query beyond ASCII are never tested outside the index.
      expect(compileQuery(parseQuery('café'), []).phrases).toBeNull();
    } finally {
      db.exec('DROP TABLE check_fts');
    }
  });

  it('caps the count when asked and says so, with the same rows as the exact answer', () => {
    const exact = inventory.query({ limit: 20 });
    expect(exact.total).toBeGreaterThan(300);
    const capped = inventory.query({ limit: 20, countLimit: 50 });
    expect(capped).toMatchObject({ total: 50, totalExact: false });
    expect(ids(capped.rows)).toEqual(ids(exact.rows));

    const deep = inventory.query({ limit: 5, offset: 120, countLimit: 50 });
    expect(ids(deep.rows)).toEqual(ids(inventory.query({ limit: 5, offset: 120 }).rows));

    const web = inventory.query({ query: 'debian', limit: 5 });
    expect(inventory.query({ query: 'debian', limit: 5, countLimit: web.total })).toMatchObject({
      total: web.total,
      totalExact: true,
    });
    expect(inventory.query({ query: 'debian', limit: 5, countLimit: web.total - 1 })).toMatchObject(
      { total: web.total - 1, totalExact: false },
    );

    const one = exact.rows[3]?.name ?? '';
    const few = inventory.query({ query: `name:"${one}"`, countLimit: 1000 });
    expect(few.totalExact).toBe(true);
    expect(few.rows.map((row) => row.name)).toContain(one);
    expect(few.total).toBe(inventory.query({ query: `name:"${one}"` }).total);
  });

  it('merges the search index after rewriting many assets, finding the same assets', () => {
    const segments = (): unknown =>
      db.prepare('SELECT count(DISTINCT segid) AS n FROM asset_fts_idx').get();
    const before = ids(inventory.query({ query: 'de', limit: 500 }).rows);
    db.transaction(() => {
      db.prepare("UPDATE assets SET hash = ''").run();
      expect(recorrelate(db).written).toBeGreaterThan(256);
    })();
    expect(segments()).toEqual({ n: 1 });
    expect(ids(inventory.query({ query: 'de', limit: 500 }).rows)).toEqual(before);
  });

  it('compares numbers with unknown patch counts as 0', () => {
    const every = [0, 500, 1000].flatMap((offset) => inventory.query({ offset, limit: 500 }).rows);
    const matching = (query: string): number[] =>
      [0, 500, 1000]
        .flatMap((offset) => inventory.query({ query, offset, limit: 500 }).rows)
        .map((row) => row.id)
        .sort((a, b) => a - b);
    const where = (keep: (row: (typeof every)[number]) => boolean): number[] =>
      every
        .filter(keep)
        .map((row) => row.id)
        .sort((a, b) => a - b);
    const updates = (row: (typeof every)[number]): number => row.patch.updates ?? 0;
    expect(every.some((row) => row.patch.updates === null)).toBe(true);
    expect(matching('updates>0')).toEqual(where((row) => updates(row) > 0));
    expect(matching('-updates>0')).toEqual(where((row) => updates(row) <= 0));
    expect(matching('updates<2')).toEqual(where((row) => updates(row) < 2));
    expect(matching('updates:0')).toEqual(where((row) => updates(row) === 0));
    expect(matching('-updates>=1')).toEqual(where((row) => updates(row) < 1));
    const id = every[7]?.id ?? 0;
    expect(matching(`id=${String(id)}`)).toEqual([id]);
    expect(matching(`-id<=${String(id)}`)).toEqual(where((row) => row.id > id));
  });

  it('finds assets by short and long prefixes exactly as a search without prefix indexes', () => {
    db.exec(`CREATE VIRTUAL TABLE plain_fts USING fts5 (
        name, fqdn, ips, macs, os, groups, tags, tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO plain_fts (rowid, name, fqdn, ips, macs, os, groups, tags)
        SELECT rowid, name, fqdn, ips, macs, os, groups, tags FROM asset_fts;`);
    try {
      for (const prefix of [
        'd',
        'de',
        'D',
        '1',
        '10',
        'w',
        'we',
        'bc',
        'u',
        'ubun',
        'debia',
        'debian',
      ]) {
        const expected = (
          db
            .prepare(
              `SELECT a.id FROM assets a WHERE a.id IN
                 (SELECT rowid FROM plain_fts WHERE plain_fts MATCH ?) ORDER BY a.name, a.id`,
            )
            .all(`"${prefix}"*`) as { id: number }[]
        ).map((row) => row.id);
        expect(expected.length, prefix).toBeGreaterThan(0);
        const answer = inventory.query({ query: prefix, limit: 500 });
        expect(answer.total, prefix).toBe(expected.length);
        expect(ids(answer.rows), prefix).toEqual(expected);
      }
      expect(
        inventory
          .query({ query: 'de', limit: 500 })
          .rows.some((row) => row.os?.startsWith('Debian')),
      ).toBe(true);
    } finally {
      db.exec('DROP TABLE plain_fts');
    }
  });
});
