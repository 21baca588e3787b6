import type { Statement } from 'better-sqlite3';
import type { InventoryQuery } from '../../shared/inventory';
import {
  countSql,
  pagePlan,
  pageSql,
  probeSql,
  type CompiledQuery,
  type SearchSql,
} from './query-sql';

export interface PageRead {
  rows: unknown[];
  total: number;
  totalExact: boolean;
}

export type Prepare = (sql: string) => Statement;

/** Full-text matches read to estimate how common a word is. */
const sampleSize = 1000;
/** About how many matches the index hands over in the time of one single-row match test. */
const probeCost = 50;

function get(prepare: Prepare, { sql, params }: SearchSql): unknown {
  return prepare(sql).get(...params);
}

/**
 * Reads one page of a compiled query. First the count (at most `countLimit` + 1 matches when
 * set), then the page by whichever plan reads fewer rows:
 * - few matches: read them all and sort (`gather`);
 * - a full-text word that most assets match: walk the sort index and test each row against the
 *   word until the page is full (`probe`), giving up for `walk` after a bounded number of tests;
 * - otherwise walk the sort index against the set of full-text matches (`walk`).
 * All three give the same rows in the same order. Nothing but SQL on `prepare`, so a benchmark
 * can run exactly this on a bare connection.
 */
export function readPage(
  prepare: Prepare,
  query: CompiledQuery,
  request: Pick<InventoryQuery, 'sort' | 'offset' | 'limit' | 'countLimit'>,
): PageRead {
  const { sort, offset, limit, countLimit } = request;
  const { n: counted } = get(
    prepare,
    countSql(query, countLimit === undefined ? -1 : countLimit + 1),
  ) as { n: number };
  const totalExact = countLimit === undefined || counted <= countLimit;
  const total = countLimit === undefined ? counted : Math.min(counted, countLimit);
  const result = (rows: unknown[]): PageRead => ({ rows, total, totalExact });
  if (totalExact && offset >= total) return result([]);

  const end = offset + limit;
  const assets = get(prepare, { sql: 'SELECT count(*) AS n FROM assets', params: [] }) as {
    n: number;
  };
  if (totalExact && pagePlan(total, assets.n, end) === 'gather') {
    return result(
      all(prepare, pageSql(query, sort.field, sort.direction, 'gather', limit, offset)),
    );
  }
  const { match, probeWeight } = query;
  if (match !== null && probeWeight !== null) {
    const sample = get(prepare, {
      sql: 'SELECT count(*) AS n, max(id) AS last FROM (SELECT rowid AS id FROM asset_fts WHERE asset_fts MATCH ? LIMIT ?)',
      params: [match, sampleSize],
    }) as { n: number; last: number | null };
    const first = (
      get(prepare, { sql: 'SELECT min(id) AS id FROM assets', params: [] }) as {
        id: number | null;
      }
    ).id;
    const span =
      sample.n < sampleSize || sample.last === null || first === null
        ? assets.n
        : sample.last - first + 1;
    const density = sample.n / Math.max(1, span);
    if (density * density * assets.n > end * probeCost * probeWeight) {
      // Matches cluster by id, and ids may follow the sort order: past this many tests
      // (twice what the estimate expects), walking is cheaper.
      const budget = Math.ceil((end / density) * 2) + 50;
      const probe = probeSql({ ...query, match }, sort.field, sort.direction, budget);
      const hits: number[] = [];
      let tested = 0;
      for (const row of prepare(probe.sql).iterate(...probe.params) as IterableIterator<{
        id: number;
        hit: number;
      }>) {
        tested++;
        if (row.hit === 1) hits.push(row.id);
        if (hits.length === end) break;
      }
      if (hits.length === end || tested < budget) {
        return result(rowsById(prepare, hits.slice(offset, end)));
      }
    }
  }
  return result(all(prepare, pageSql(query, sort.field, sort.direction, 'walk', limit, offset)));
}

function all(prepare: Prepare, { sql, params }: SearchSql): unknown[] {
  return prepare(sql).all(...params);
}

/** Asset rows in the order of `ids`. */
function rowsById(prepare: Prepare, ids: readonly number[]): unknown[] {
  if (ids.length === 0) return [];
  const rows = prepare(
    'SELECT a.* FROM assets a WHERE a.id IN (SELECT value FROM json_each(?))',
  ).all(JSON.stringify(ids)) as { id: number }[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row === undefined ? [] : [row];
  });
}
