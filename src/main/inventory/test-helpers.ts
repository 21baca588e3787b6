import { afterAll, beforeAll, expect } from 'vitest';
import type { InventoryQuery } from '../../shared/inventory';
import type { Sqlite } from '../db/sqlite';
import type { SourceRecord } from '../sources/types';
import { proxmoxGuest } from '../sources/test-helpers';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { correlateIfDirty, markDirty } from './asset-store';
import { parseQuery } from './query-parser';
import { compileQuery } from './query-sql';
import { RecordStore } from './record-store';
import { SearchIndex } from './search-index';
import { readPage } from './search-page';

const requests: Pick<InventoryQuery, 'sort' | 'offset' | 'limit' | 'countLimit'>[] = [
  { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 500 },
  // A page of one with a quick count: the index tests rows one by one instead of gathering.
  { sort: { field: 'name', direction: 'desc' }, offset: 0, limit: 1, countLimit: 1 },
];

/**
 * An inventory of Proxmox guests, by name with their fields, stored and correlated before the
 * file's tests run. `names` answers a query with the names it matches, after checking that the
 * SQL and the search index give the same pages.
 */
export function guestInventory(guests: Record<string, Partial<SourceRecord>>): {
  names: (query: string) => string[];
} {
  let store: Store;
  let db: Sqlite;
  let index: SearchIndex;

  beforeAll(async () => {
    store = await unlockedTestStore();
    db = store.db;
    const profile = store.profiles.save({
      name: 'pve',
      tags: [],
      connection: {
        kind: 'proxmox',
        url: 'https://pve.lab',
        auth: { mode: 'token', tokenId: 'root@pam!rs' },
      },
    });
    const records = Object.entries(guests).map(([name, fields], i) =>
      proxmoxGuest({ externalId: `pve/qemu/${String(100 + i)}`, name, ...fields }),
    );
    db.transaction(() => {
      new RecordStore(db).replaceProfile(profile.id, records, new Date().toISOString());
      markDirty(db);
    })();
    correlateIfDirty(db);
    index = SearchIndex.build(db);
  });

  afterAll(() => {
    store.close();
  });

  const names = (query: string): string[] => {
    const clauses = parseQuery(query);
    const nameOf = new Map(
      (db.prepare('SELECT id, name FROM assets').all() as { id: number; name: string }[]).map(
        (row) => [row.id, row.name],
      ),
    );
    let all: string[] = [];
    for (const request of requests) {
      const sql = readPage((text) => db.prepare(text), compileQuery(clauses, []), request);
      const sqlIds = sql.rows.map((row) => (row as { id: number }).id);
      const page = index.page(clauses, [], request);
      expect(page, query).not.toBeNull();
      expect({ ids: page?.ids, total: page?.total }, `${query} ${JSON.stringify(request)}`).toEqual(
        { ids: sqlIds, total: sql.total },
      );
      if (request.countLimit === undefined) all = sqlIds.map((id) => nameOf.get(id) ?? '');
    }
    return all.sort();
  };
  return { names };
}
