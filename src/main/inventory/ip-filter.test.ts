import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryQuery } from '../../shared/inventory';
import type { Sqlite } from '../db/sqlite';
import { proxmoxGuest } from '../sources/test-helpers';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { correlateIfDirty, markDirty } from './asset-store';
import { parseQuery } from './query-parser';
import { compileQuery } from './query-sql';
import { RecordStore } from './record-store';
import { ipQuery, ipWords } from './ip-query';
import { SearchIndex } from './search-index';
import { readPage } from './search-page';

/** Assets by name with their addresses, as sources store them (`normalizeIp`). */
const addresses: Record<string, string[]> = {
  a: ['10.16.0.24'],
  b: ['10.16.1.50'],
  c: ['fd00:1::50'],
  d: ['10.160.0.1'],
  e: ['10.0.3.5', '10.0.3.77'],
  f: ['10.0.30.1'],
  // Enough addresses under 10.16. for a page with a quick count to test rows one by one.
  ...Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [`n${String(i)}`, [`10.16.${String(i + 2)}.7`]]),
  ),
};
const fillers = Object.keys(addresses).filter((name) => name.startsWith('n'));

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
  const records = Object.entries(addresses).map(([name, ips], i) =>
    proxmoxGuest({ externalId: `pve/qemu/${String(100 + i)}`, name, ips }),
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

const requests: Pick<InventoryQuery, 'sort' | 'offset' | 'limit' | 'countLimit'>[] = [
  { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 500 },
  // A page of one with a quick count: the index tests rows one by one instead of gathering.
  { sort: { field: 'name', direction: 'desc' }, offset: 0, limit: 1, countLimit: 1 },
];

/** The names matching a query, the same from the SQL and from the search index. */
function names(query: string): string[] {
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
    expect({ ids: page?.ids, total: page?.total }, `${query} ${JSON.stringify(request)}`).toEqual({
      ids: sqlIds,
      total: sql.total,
    });
    if (request.countLimit === undefined) all = sqlIds.map((id) => nameOf.get(id) ?? '');
  }
  return all.sort();
}

describe('ip: filter', () => {
  it('matches the whole address, not words inside it', () => {
    expect(names('ip:10.16.0.24')).toEqual(['a']);
    expect(names('ip:10.0.3.77')).toEqual(['e']);
    for (const part of ['0.24', '16.0.24', '16', '10.16', '10.0.3', '::1', '1::50', '50']) {
      expect(names(`ip:${part}`), part).toEqual([]);
    }
  });

  it('finds an IPv6 address however it is written', () => {
    expect(names('ip:fd00:1::50')).toEqual(['c']);
    expect(names('ip:FD00:1:0::50')).toEqual(['c']);
    expect(names('ip:fd00:0001:0:0:0:0:0:0050')).toEqual(['c']);
  });

  it('takes a trailing * as the start of the address', () => {
    expect(names('ip:10.16.*')).toEqual(['a', 'b', ...fillers].sort());
    expect(names('ip:10.16*')).toEqual(['a', 'b', 'd', ...fillers].sort());
    expect(names('ip:10.0.3.*')).toEqual(['e']);
    expect(names('ip:10.0.3*')).toEqual(['e', 'f']);
    expect(names('ip:FD00:*')).toEqual(['c']);
    expect(names('ip:fd00:1:*')).toEqual(['c']);
    // A prefix is of the address as stored: compressed.
    expect(names('ip:fd00:1:0:*')).toEqual([]);
    expect(names('ip:0.24*')).toEqual([]);
  });

  it('negates and combines like any other clause', () => {
    const everyone = Object.keys(addresses).sort();
    expect(names('-ip:10.16.0.24')).toEqual(everyone.filter((n) => n !== 'a'));
    expect(names('-ip:16')).toEqual(everyone);
    expect(names('-ip:10.16.*')).toEqual(['c', 'd', 'e', 'f']);
    expect(names('ip:10.0.3.* -ip:10.0.3.5')).toEqual([]);
    expect(names('ip:10.16.* name:b')).toEqual(['b']);
  });

  it('leaves free text to match words of addresses', () => {
    expect(names('10.16.0')).toEqual(['a']);
    expect(names('0.24')).toEqual(['a']);
  });
});

describe('ipWords', () => {
  it('reads a prefix that ends at a dot or colon as whole words, one inside a part as a prefix', () => {
    expect(ipWords(ipQuery('10.16.3.*'))).toBe('10.16.3.');
    expect(ipWords(ipQuery('fd00:1:*'))).toBe('fd00:1:');
    expect(ipWords(ipQuery('10.16.3*'))).toBe('10.16.3*');
    expect(ipWords(ipQuery('10.16.3.5'))).toBe('10.16.3.5');
  });
});
