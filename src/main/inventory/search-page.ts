import type { Statement } from 'better-sqlite3';
import type { InventoryQuery } from '../../shared/inventory';
import {
  countSql,
  orderBy,
  pagePlan,
  pageSql,
  probeSql,
  sortIndex,
  textWords,
  type CompiledQuery,
  type SearchSql,
  type TextPhrase,
} from './query-sql';
import { listColumns, textColumns, type TextColumn } from './search-index-build';
import { listItems } from './search-text';

export interface PageRead {
  rows: unknown[];
  total: number;
  totalExact: boolean;
}

export type Prepare = (sql: string) => Statement;

/** Full-text matches read to estimate how common a word is. */
const sampleSize = 250;
/** About how many matches the index hands over in the time of one single-row match test. */
const probeCost = 50;
/** The same for testing a row's own text (reading its text columns is most of it). */
const textTestCost = 30;
/** Rows a text walk may test before leaving the page to the index: a few milliseconds. */
const textWalkRows = 1000;

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
  const { match, probeWeight, phrases } = query;
  if (match !== null && (phrases !== null || probeWeight !== null)) {
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
    const testCost = phrases !== null ? textTestCost : probeCost * (probeWeight ?? 1);
    if (density * density * assets.n > end * testCost) {
      // Matches cluster by id, and ids may follow the sort order: past this many tests
      // (twice what the estimate expects, and at least `textWalkRows` for text tests, which
      // cost little next to the index merging a common phrase's matches), walking is cheaper.
      const expected = Math.ceil((end / density) * 2) + 50;
      const budget = phrases !== null ? Math.max(expected, textWalkRows) : expected;
      const hits =
        phrases !== null
          ? textWalk(prepare, { ...query, match, phrases }, sort, end, budget)
          : probeWalk(prepare, { ...query, match }, sort, end, budget);
      if (hits !== null) return result(rowsById(prepare, hits.slice(offset, end)));
    }
  }
  return result(all(prepare, pageSql(query, sort.field, sort.direction, 'walk', limit, offset)));
}

/**
 * The first `end` matches in page order by testing each row passing the other conditions with
 * the search index; null when `budget` rows did not fill the page (and there are more rows).
 */
function probeWalk(
  prepare: Prepare,
  query: CompiledQuery & { match: string },
  sort: InventoryQuery['sort'],
  end: number,
  budget: number,
): number[] | null {
  const probe = probeSql(query, sort.field, sort.direction, budget);
  const hits: number[] = [];
  let tested = 0;
  for (const row of prepare(probe.sql).iterate(...probe.params) as IterableIterator<{
    id: number;
    hit: number;
  }>) {
    tested++;
    if (row.hit === 1) hits.push(row.id);
    if (hits.length === end) return hits;
  }
  return tested < budget ? hits : null;
}

/**
 * The words of one column's text as the search index has them, null when the text is not plain
 * ASCII. A list's items are split one by one, with an empty word (which no phrase has) where the
 * index has the break between two items.
 */
function columnWords(value: string, column: TextColumn): string[] | null {
  const items = listColumns.has(column) ? listItems(value) : null;
  if (items === null) return textWords(value);
  const words: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const itemWords = textWords(items[i] ?? '');
    if (itemWords === null) return null;
    if (i > 0) words.push('');
    words.push(...itemWords);
  }
  return words;
}

function phraseAt(words: readonly string[], phrase: TextPhrase, at: number): boolean {
  const last = phrase.words.length - 1;
  return phrase.words.every((word, i) => {
    const found = words[at + i];
    if (found === undefined) return false;
    return i === last && phrase.prefix ? found.startsWith(word) : found === word;
  });
}

const nonAscii = /\P{ASCII}/u;

/**
 * Whether one column of a row has the phrase; null when its text is not plain ASCII. Text
 * without the phrase's first word anywhere in it is ruled out before splitting it into words.
 */
function columnMatches(
  row: Record<string, unknown>,
  column: TextColumn,
  phrase: TextPhrase,
): boolean | null {
  const value = row[column];
  if (value === null || value === undefined || value === '') return false;
  if (typeof value !== 'string' || nonAscii.test(value)) return null;
  const first = phrase.words[0] ?? '';
  if (!value.toLowerCase().includes(first)) return false;
  const words = columnWords(value, column);
  if (words === null) return null;
  for (let at = 0; at + phrase.words.length <= words.length; at++) {
    if (phraseAt(words, phrase, at)) return true;
  }
  return false;
}

/** Whether a row matches every phrase; null when that depends on text that is not ASCII. */
export function rowMatches(
  row: Record<string, unknown>,
  phrases: readonly TextPhrase[],
): boolean | null {
  let answer: boolean | null = true;
  for (const phrase of phrases) {
    const columns = phrase.column === null ? textColumns : [phrase.column as TextColumn];
    let found: boolean | null = false;
    for (const column of columns) {
      const here = columnMatches(row, column, phrase);
      if (here === true) {
        found = true;
        break;
      }
      if (here === null) found = null;
    }
    if (found === false) return false;
    if (found === null) answer = null;
  }
  return answer;
}

/**
 * Whether the search index finds `match` in one row. The row id comes from the outer row: with
 * both the match and `rowid = ?` bound, SQLite 3.53 answers every match, ignoring the rowid.
 */
function indexMatches(prepare: Prepare, match: string, id: number): boolean {
  const row = prepare(
    `SELECT EXISTS (SELECT 1 FROM asset_fts f WHERE f.asset_fts MATCH ? AND f.rowid = a.id) AS hit
     FROM assets a WHERE a.id = ?`,
  ).get(match, id) as { hit: number } | undefined;
  return row?.hit === 1;
}

/**
 * The first `end` matches in page order, read by walking the sort index over the rows passing
 * the conditions besides the full-text match and testing the match on each row's own text (the
 * index itself tests rows whose text is not plain ASCII). Null when `budget` rows did not fill
 * the page (and there are more rows): the matches are too rare or too far down this order.
 */
function textWalk(
  prepare: Prepare,
  query: CompiledQuery & { match: string; phrases: TextPhrase[] },
  sort: InventoryQuery['sort'],
  end: number,
  budget: number,
): number[] | null {
  // Only the columns the phrases look at: `name:db*` sorted by name reads the name index alone.
  const columns = textColumns.filter((column) =>
    query.phrases.some((phrase) => phrase.column === null || phrase.column === column),
  );
  const walk = prepare(
    `SELECT a.id, ${columns.map((column) => `a.${column}`).join(', ')}
     FROM assets a INDEXED BY ${sortIndex(sort.field, sort.direction)}
     WHERE ${query.rest} ORDER BY ${orderBy(sort.field, sort.direction)} LIMIT ?`,
  );
  const hits: number[] = [];
  let tested = 0;
  for (const row of walk.iterate(...query.restParams, budget) as IterableIterator<
    Record<string, unknown> & { id: number }
  >) {
    tested++;
    const hit = rowMatches(row, query.phrases) ?? indexMatches(prepare, query.match, row.id);
    if (hit) hits.push(row.id);

    if (hits.length === end) return hits;
  }
  return tested < budget ? hits : null;
}

function all(prepare: Prepare, { sql, params }: SearchSql): unknown[] {
  return objectRows(prepare(sql), params);
}

/**
 * The rows of a statement as objects, read as arrays and built here: better-sqlite3 builds an
 * object of many columns through V8's slow path (an asset row's 23 columns cost about 10 µs,
 * several times reading them).
 */
function objectRows(statement: Statement, params: readonly unknown[]): unknown[] {
  const names = statement.columns().map((column) => column.name);
  let rows: unknown[][];
  try {
    rows = statement.raw(true).all(...params) as unknown[][];
  } finally {
    statement.raw(false);
  }
  return rows.map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i] ?? ''] = values[i];
    return row;
  });
}

/** What a page shows of an asset (`AssetDbRow`): all but its hash. */
const assetColumns = `a.id, a.kind, a.name, a.fqdn, a.status, a.os, a.ips, a.macs, a.cluster,
  a.site, a.groups, a.organization, a.location, a.tags, a.updates, a.security, a.reboot_needed,
  a.in_foreman, a.in_proxmox, a.in_patchmon, a.in_routeros, a.last_seen`;

/** Asset rows in the order of `ids`. */
function rowsById(prepare: Prepare, ids: readonly number[]): unknown[] {
  if (ids.length === 0) return [];
  const rows = objectRows(
    prepare(`SELECT ${assetColumns} FROM json_each(?) j CROSS JOIN assets a ON a.id = j.value`),
    [JSON.stringify(ids)],
  ) as { id: number }[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row === undefined ? [] : [row];
  });
}
