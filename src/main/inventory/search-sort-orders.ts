import type { SortField } from '../../shared/inventory';
import type { Sqlite } from '../db/sqlite';
import { sortColumn } from './query-sql';

/**
 * A row order with where its unknown values start (they come last in both directions). Rows of
 * equal value form a group, in name order; a descending order takes the groups in reverse and
 * each group's rows as they are, since ties stay in ascending name order either way.
 */
export interface SortOrder {
  /** Rows in ascending order. */
  rows: Int32Array;
  /** Each row's place in `rows`. */
  place: Int32Array;
  /** Where the rows with an unknown value start in `rows`. */
  unknownFrom: number;
  /** Each place's group. */
  groupOf: Int32Array;
  /** Where each group starts in `rows`, and `rows.length` last. */
  groupStart: Int32Array;
}

/** An asset id in a sort order, whether its value is unknown, and whether its value is new. */
export type SortedId = [id: number, unknown: number, first: number];

/**
 * The asset ids by (value, id) as `orderBy(field, 'asc')` orders the values, read a chunk at a
 * time along the value's index: the known values after the last one read, then the unknown ones
 * by id. That is the SQL's own order of values, since the comparison is SQLite's. `first` marks
 * the first row of each value (the unknown ones are one group); ties are put in name order after.
 */
export function* sortedIds(
  db: Sqlite,
  field: SortField,
  chunk: number,
): Generator<void, SortedId[]> {
  const column = sortColumn[field];
  const out: SortedId[] = [];
  const known = db
    .prepare(
      `SELECT a.id, ${column} FROM assets a WHERE ${column} IS NOT NULL
       ORDER BY ${column}, a.id LIMIT ?`,
    )
    .raw(true);
  const knownAfter = db
    .prepare(
      `SELECT a.id, ${column} FROM assets a WHERE ${column} IS NOT NULL
         AND (${column}, a.id) > (?, ?)
       ORDER BY ${column}, a.id LIMIT ?`,
    )
    .raw(true);
  let previous: unknown = null;
  let rows = known.all(chunk) as [id: number, value: unknown][];
  for (;;) {
    for (const [id, value] of rows) {
      out.push([id, 0, out.length === 0 || value !== previous ? 1 : 0]);
      previous = value;
    }
    const last = rows.at(-1);
    if (rows.length < chunk || last === undefined) break;
    yield;
    rows = knownAfter.all(last[1], last[0], chunk) as [id: number, value: unknown][];
  }
  const unknown = db
    .prepare(`SELECT a.id FROM assets a WHERE ${column} IS NULL AND a.id > ? ORDER BY a.id LIMIT ?`)
    .raw(true);
  let first = 1;
  for (let after = -Infinity; ;) {
    const ids = unknown.all(after, chunk) as [id: number][];
    for (const [id] of ids) {
      out.push([id, 1, first]);
      first = 0;
    }
    const last = ids.at(-1);
    if (ids.length < chunk || last === undefined) break;
    after = last[0];
    yield;
  }
  return out;
}

/**
 * A sort order from the rows in value order (`sortedIds`), each value's rows then put in name
 * order (`nameRank`: each row's place by name; the name order's own ties are already by id).
 * Null when the assets changed: a row the index does not hold, or a count that differs.
 */
export function sortOrder(
  sorted: readonly SortedId[],
  rowOf: ReadonlyMap<number, number>,
  n: number,
  nameRank: Int32Array | null,
): SortOrder | null {
  if (sorted.length !== n) return null;
  const rows = new Int32Array(n);
  const groupOf = new Int32Array(n);
  const starts: number[] = [];
  let unknownFrom = n;
  for (let i = 0; i < n; i++) {
    const entry = sorted[i];
    const row = entry === undefined ? undefined : rowOf.get(entry[0]);
    if (entry === undefined || row === undefined) return null;
    rows[i] = row;
    if (entry[1] === 1 && unknownFrom === n) unknownFrom = i;
    if (entry[2] === 1 || i === 0) starts.push(i);
    groupOf[i] = starts.length - 1;
  }
  starts.push(n);
  const groupStart = Int32Array.from(starts);
  if (nameRank !== null) {
    const byName = (a: number, b: number): number => (nameRank[a] ?? 0) - (nameRank[b] ?? 0);
    for (let g = 0; g + 1 < groupStart.length; g++) {
      const start = groupStart[g] ?? 0;
      const end = groupStart[g + 1] ?? 0;
      if (end - start > 1) rows.subarray(start, end).sort(byName);
    }
  }
  const place = new Int32Array(n);
  for (let i = 0; i < n; i++) place[rows[i] ?? 0] = i;
  return { rows, place, unknownFrom, groupOf, groupStart };
}
