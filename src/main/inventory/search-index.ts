import type { InventoryQuery, SortField, SourceSystem } from '../../shared/inventory';
import type { Sqlite } from '../db/sqlite';
import type { AssetView } from './asset-rows';
import { ipMatches, ipQuery, ipWords, type IpQuery } from './ip-query';
import { macMatches, macNeedle } from './mac-query';
import {
  eachAlternative,
  textFields,
  type Clause,
  type Field,
  type FilterClause,
  type TextField,
} from './query-parser';
import { PageBuffers } from './search-buffers';
import { WordIndex, type IndexedPhrase } from './search-words';
import { FilterTests, testsAlternatives, type FilterContext } from './search-filters';
import { caseFold } from '../db/sqlite';
import { readIndex, systems, type SqliteWords } from './search-index-build';
import type { SortOrder } from './search-sort-orders';
import { wholeValueColumn, withoutNegatedAlternatives } from './query-sql';
import {
  byFunction,
  Condition,
  holds,
  keep,
  marked,
  noBytes,
  noCounts,
  noInts,
  type RowTest,
} from './search-conditions';

export { searchTokenizer } from './search-index-build';

/**
 * The inventory's search in memory: the columns a query tests, the words of the search text
 * with their positions, every sort order, and the columns a page shows, read from SQLite in
 * steps. A query's page, count and rows come from here in a fraction of the time the SQL takes.
 * It answers exactly as the SQL does (`readPage` over `compileQuery`): the words are the search
 * index's own (ASCII text split like its tokenizer, other text split by SQLite's tokenizer
 * itself), comparisons follow SQLite's (ASCII-only case folding, NULL never passing a
 * comparison), and each sort order is read along the SQL's own index, compared by SQLite.
 */

const fieldColumn: Record<TextField, number> = {
  name: 0,
  fqdn: 1,
  ip: 2,
  mac: 3,
  os: 4,
  group: 5,
  tag: 6,
};

function isTextField(field: Field): field is TextField {
  return (textFields as readonly string[]).includes(field);
}

export interface IndexedPage {
  /** Asset ids of the page, in page order. */
  ids: number[];
  /** The page's places in this index, in page order (for `rowsAt` and `profilesAt`). */
  rows: number[];
  total: number;
  totalExact: boolean;
}

/** A query's text condition: a phrase, and for `ip:` the test of a row its rows must pass. */
interface TextCondition {
  phrase: IndexedPhrase;
  negated: boolean;
  only: RowTest | null;
}

/** What a query needs from the index to be answered. */
interface Plan {
  tests: Condition[];
  /** A text condition's exact matches, smallest first, when gathered eagerly. */
  gathered: { rows: Int32Array; test: Condition }[];
  /** The matches of text conditions tested row by row that have since been gathered. */
  lazy: Int32Array[];
  empty: boolean;
}

export class SearchIndex {
  private constructor(
    /** The inventory generation this index was read at. */
    readonly generation: number,
    private readonly ids: Float64Array,
    private readonly kind: Int32Array,
    private readonly kinds: Map<string, number>,
    private readonly status: Int32Array,
    private readonly statuses: Map<string, number>,
    private readonly present: Uint8Array[],
    /** Per system, the rows it should know and does not (before `drift:` asks which have data). */
    private readonly drift: Uint8Array[],
    private readonly updates: Float64Array,
    private readonly security: Float64Array,
    private readonly reboot: Float64Array,
    /** cluster, site, organization, location: each row's value as a code (-1 unknown). */
    private readonly exact: Int32Array[],
    /** Each column's values (folded as NOCASE folds) by code. */
    private readonly exactValues: string[][],
    private readonly profileFrom: Int32Array,
    private readonly profileOf: Int32Array,
    private readonly profiles: Map<string, number>,
    words: string[],
    spans: Int32Array,
    tokens: Int32Array,
    postingFrom: Int32Array,
    postings: Int32Array,
    postingColumns: Uint8Array,
    private readonly orders: Map<SortField, SortOrder>,
    /** Each row as a page shows it (frozen). */
    private readonly views: readonly AssetView[],
    private readonly viewBytes: number,
    splitter: SqliteWords,
  ) {
    this.#profileNames = [...profiles.keys()];
    this.#buffers = new PageBuffers(ids.length);
    this.#words = new WordIndex(
      words,
      spans,
      tokens,
      postingFrom,
      postings,
      postingColumns,
      splitter,
      this.#buffers,
    );
    this.#filters = new FilterTests({
      ids,
      kind,
      kinds,
      status,
      statuses,
      present,
      drift,
      updates,
      security,
      reboot,
      exact,
      exactValues,
      profileFrom,
      profileOf,
      profiles,
    });
  }

  readonly #filters: FilterTests;
  readonly #words: WordIndex;
  readonly #profileNames: string[];

  /** The assets as a page shows them (`assetView` of their rows), in the order of `assetIds`. */
  assets(assetIds: readonly number[]): AssetView[] {
    return this.assetsAt(assetIds.map((id) => this.#rowOf(id)).filter((row) => row >= 0));
  }

  /**
   * The assets at places of this index (a page's `rows`). A page's assets are read by place
   * rather than by id: finding an id is a binary search, a dozen reads scattered over the ids,
   * for each of a page's hundred rows.
   */
  assetsAt(rows: readonly number[]): AssetView[] {
    const out: AssetView[] = [];
    for (const row of rows) {
      const view = this.views[row];
      if (view !== undefined) out.push(view);
    }
    return out;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Bytes held in typed arrays and word strings, about. */
  get bytes(): number {
    const typed = [
      this.ids,
      this.kind,
      this.status,
      ...this.present,
      ...this.drift,
      this.updates,
      this.security,
      this.reboot,
      this.profileFrom,
      this.profileOf,
      ...[...this.orders.values()].flatMap((o) => [o.rows, o.place, o.groupOf, o.groupStart]),
    ].reduce((sum, a) => sum + a.byteLength, 0);
    const exact = this.exactValues.flat().reduce((sum, v) => sum + 16 + v.length * 2, 0);
    return (
      typed +
      this.#words.bytes +
      exact +
      this.viewBytes +
      this.exact.reduce((sum, a) => sum + a.byteLength, 0)
    );
  }

  /** Reads the whole index at once. */
  static build(db: Sqlite): SearchIndex {
    const steps = SearchIndex.steps(db);
    for (;;) {
      const step = steps.next();
      if (step.done === true) {
        if (step.value === null) throw new Error('the inventory changed while it was indexed');
        return step.value;
      }
    }
  }

  /**
   * Reads the index in steps of a few milliseconds each (yielding between them), so a caller
   * can spread the work out; null when the inventory changed meanwhile.
   */
  static *steps(db: Sqlite, chunk = 512): Generator<void, SearchIndex | null> {
    const read = yield* readIndex(db, chunk);
    if (read === null) return null;
    const { generation, builder: b, words, postings, profiles, orders } = read;
    return new SearchIndex(
      generation,
      Float64Array.from(b.ids),
      Int32Array.from(b.kind),
      b.kinds,
      Int32Array.from(b.status),
      b.statuses,
      b.present.map((list) => Uint8Array.from(list)),
      b.present.map((list, s) =>
        Uint8Array.from(list, (known, row) => (known === 0 && b.expected[s]?.[row] === 1 ? 1 : 0)),
      ),
      Float64Array.from(b.updates),
      Float64Array.from(b.security),
      Float64Array.from(b.reboot),
      b.exact.map((codes) => Int32Array.from(codes)),
      b.exactValues.map((values) => [...values.keys()]),
      profiles.from,
      profiles.of,
      profiles.ids,
      words.words,
      words.spans,
      words.tokens,
      postings.from,
      postings.rows,
      postings.columns,
      orders,
      b.views.views,
      b.views.bytes,
      b.splitter,
    );
  }

  /** The profiles of the rows at places of this index (a page's `rows`), in their order. */
  profilesAt(rows: readonly number[]): string[][] {
    return rows.map((row) => this.#profilesAt(row));
  }

  #profilesAt(row: number): string[] {
    const names = this.#profileNames;
    const list: string[] = [];
    const to = this.profileFrom[row + 1] ?? 0;
    for (let at = this.profileFrom[row] ?? 0; at < to; at++) {
      const name = names[this.profileOf[at] ?? -1];
      if (name !== undefined && !list.includes(name)) list.push(name);
    }
    return list;
  }

  /** The row of an asset id, -1 when there is none (the ids are in ascending order). */
  #rowOf(id: number): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ids[mid] ?? 0) < id) lo = mid + 1;
      else hi = mid;
    }
    return this.ids[lo] === id ? lo : -1;
  }

  /**
   * A phrase tested row by row, until that has cost about what gathering its rows costs (the
   * other conditions may be rarer than the phrase, making the walk long): then gathered, and
   * the gathered rows kept in `plan.lazy` for a walk that turns out long.
   */
  #lazyTest(phrase: IndexedPhrase, only: RowTest | null, budget: number, plan: Plan): Condition {
    let tested = 0;
    let gathered: Uint8Array | null = null;
    const test = (row: number): boolean => {
      if (gathered !== null) return gathered[row] === 1;
      if (++tested > budget) {
        // From now on the condition is its gathered rows' marks (this test answers from them
        // for the rest of the block being tested).
        const { rows, marks } = this.#gather(phrase, only);
        gathered = marks;
        plan.lazy.push(rows);
        plan.tests[plan.tests.indexOf(condition)] = marked(marks);
        return marks[row] === 1;
      }
      return this.#words.has(phrase, row) && (only === null || only(row));
    };
    const condition = new Condition(byFunction, false, noInts, noBytes, noCounts, 0, 0, test);
    return condition;
  }

  /**
   * The rows with a phrase (and their marks), keeping only those that pass `only` when there
   * is such a test: the phrase's rows are the candidates, read from its words' postings.
   */
  #gather(phrase: IndexedPhrase, only: RowTest | null): { rows: Int32Array; marks: Uint8Array } {
    const found = this.#words.gather(phrase);
    if (only === null) return found;
    const { rows, marks } = found;
    let kept = 0;
    for (const row of rows) {
      if (only(row)) rows[kept++] = row;
      else marks[row] = 0;
    }
    return { rows: rows.subarray(0, kept), marks };
  }

  /**
   * A row test for `os=`, `name=` or `fqdn=`: the row's whole value is `value` (or starts with
   * it, before a `*`), case aside in every script (`caseFold`), as the SQL compares.
   */
  #wholeTest(column: 'name' | 'fqdn' | 'os', value: string): RowTest {
    const prefix = value.endsWith('*');
    const wanted = caseFold(prefix ? value.slice(0, -1) : value);
    return (row) => {
      const actual = this.views[row]?.[column];
      if (actual === null || actual === undefined) return false;
      const folded = caseFold(actual);
      return prefix ? folded.startsWith(wanted) : folded === wanted;
    };
  }

  /** A row test for an `ip:` filter: one of the row's stored addresses is (or starts with) it. */
  #ipTest(query: IpQuery): RowTest {
    return (row) => ipMatches(this.views[row]?.ips ?? [], query);
  }

  /**
   * A filter answered from the words of the search text: its phrase, and the test its rows must
   * pass besides (`ip:`, `mac:`, `os=`); undefined for a filter on a column, null when the
   * index cannot answer it.
   */
  #textOf(
    clause: FilterClause,
  ): { phrase: IndexedPhrase; only: RowTest | null } | null | undefined {
    const { field, value } = clause;
    if (field === 'ip') {
      // The address's words find the candidates; their stored addresses decide.
      const ip = ipQuery(value);
      const phrase = this.#words.phrase(ipWords(ip), false, fieldColumn.ip);
      return phrase === null ? null : { phrase, only: this.#ipTest(ip) };
    }
    const whole = clause.op === '=' ? wholeValueColumn[field] : undefined;
    if (whole !== undefined) {
      // The value's words find the candidates; the whole value decides.
      const phrase = this.#words.phrase(value, false, fieldColumn[whole]);
      return phrase === null ? null : { phrase, only: this.#wholeTest(whole, value) };
    }
    if (field === 'mac') {
      // The words find the candidates; one MAC holding them decides (`mac-query.ts`).
      const phrase = this.#words.phrase(
        value.toLowerCase().replaceAll('-', ':'),
        false,
        fieldColumn.mac,
      );
      if (phrase === null) return null;
      const needle = macNeedle(value);
      return { phrase, only: (row) => macMatches(this.views[row]?.macs ?? [], needle) };
    }
    if (!isTextField(field)) return undefined;
    const phrase = this.#words.phrase(value, false, fieldColumn[field]);
    return phrase === null ? null : { phrase, only: null };
  }

  #plan(
    clauses: readonly Clause[],
    { offline, configured }: FilterContext,
    end: number,
    cap: number | undefined,
  ): Plan | null {
    const n = this.size;
    const tests: Condition[] = [];
    const texts: TextCondition[] = [];
    const plan: Plan = { tests, gathered: [], lazy: [], empty: false };
    for (const clause of withoutNegatedAlternatives(clauses)) {
      if (clause.type === 'text') {
        const phrase = this.#words.phrase(clause.value, true, -1);
        if (phrase === null) return null;
        texts.push({ phrase, negated: clause.negated, only: null });
        continue;
      }
      if (clause.alternatives !== undefined && !testsAlternatives(clause.field)) {
        // Any of the values: the union of each one's rows, from its words or its column.
        const marks = this.#buffers.marks(0);
        for (const one of eachAlternative(clause)) {
          const text = this.#textOf(one);
          if (text === null) return null;
          if (text !== undefined) {
            if (text.phrase.words.some((w) => this.#words.postingCount(w) === 0)) continue;
            for (const row of this.#gather(text.phrase, text.only).rows) marks[row] = 1;
            continue;
          }
          const field = one.field as Exclude<Field, TextField>;
          const test = this.#filters.test({ ...one, field }, offline, configured);
          if (test === null) return null;
          for (let row = 0; row < n; row++) if (holds(test, row)) marks[row] = 1;
        }
        const rows = this.#buffers.rows();
        let found = 0;
        for (let row = 0; row < n; row++) if (marks[row] === 1) rows[found++] = row;
        if (found === 0) plan.empty = true;
        plan.gathered.push({ rows: rows.subarray(0, found), test: marked(marks) });
        continue;
      }
      const text = this.#textOf(clause);
      if (text === null) return null;
      if (text !== undefined) {
        texts.push({ ...text, negated: clause.negated });
        continue;
      }
      const field = clause.field as Exclude<Field, TextField>;
      const test = this.#filters.test({ ...clause, field }, offline, configured);
      if (test === null) return null;
      tests.push(test);
    }
    // Cheap tests first; text conditions either gathered up front or tested row by row.
    for (const { phrase, negated, only } of texts) {
      const rarest = Math.min(...phrase.words.map((w) => this.#words.postingCount(w)));
      if (rarest === 0) {
        // A word no asset has: nothing matches the phrase.
        if (!negated) plan.empty = true;
        continue;
      }
      // Testing rows one by one while walking a sort order tests about (needed / density)
      // rows; gathering reads every row with the rarest word (and tests each for the phrase
      // unless it is one word in any column, when marking a row is all it costs).
      const matches = Math.max(
        1,
        Math.min(...phrase.words.map((w) => this.#words.postingEstimate(w, phrase.column))),
      );
      const needed = cap === undefined ? n : Math.max(end, cap + 1);
      const walkRows = Math.min(n, (needed * n) / matches);
      // Marking a row of a word's costs about a sixty-fourth of testing a row for the phrase:
      // the postings are read in order, while testing reads each row's words where they lie.
      const gatherCost = phrase.words.length === 1 ? rarest / 64 : rarest;
      if (!negated && cap !== undefined && walkRows < gatherCost) {
        tests.push(this.#lazyTest(phrase, only, gatherCost, plan));
        continue;
      }
      const { rows, marks } = this.#gather(phrase, only);
      if (negated) tests.push(marked(marks, true));
      else plan.gathered.push({ rows, test: marked(marks) });
    }
    plan.gathered.sort((a, b) => a.rows.length - b.rows.length);
    // The gathered sets after the smallest are row tests like any other.
    for (const g of plan.gathered.slice(1)) tests.unshift(g.test);
    return plan;
  }

  /**
   * A row's place in a sort order and direction. Unknown values come last either way; descending,
   * the groups of equal values come in reverse, each in its own (name) order.
   */
  #placeIn(order: SortOrder, direction: 'asc' | 'desc', row: number): number {
    const place = order.place[row] ?? 0;
    if (direction === 'asc' || place >= order.unknownFrom) return place;
    const group = order.groupOf[place] ?? 0;
    const start = order.groupStart[group] ?? 0;
    const end = order.groupStart[group + 1] ?? 0;
    return order.unknownFrom - end + (place - start);
  }

  /** The row at `i` of a sort order and direction (`#placeIn` undone). */
  #rowAt(order: SortOrder, direction: 'asc' | 'desc', i: number): number {
    const { unknownFrom } = order;
    if (direction === 'asc' || i >= unknownFrom) return order.rows[i] ?? 0;
    // Group g holds places [start, end) ascending and [unknownFrom - end, unknownFrom - start)
    // descending, so the mirrored place lies in the same group.
    const group = order.groupOf[unknownFrom - 1 - i] ?? 0;
    const start = order.groupStart[group] ?? 0;
    const end = order.groupStart[group + 1] ?? 0;
    return order.rows[start + (i - (unknownFrom - end))] ?? 0;
  }

  /**
   * One page of a query, as `readPage` answers it: the ids in page order, the count (stopping
   * past `countLimit` when set). Null when the index cannot answer this query (the SQL can).
   */
  page(
    clauses: readonly Clause[],
    offline: readonly string[],
    request: Pick<InventoryQuery, 'sort' | 'offset' | 'limit' | 'countLimit'>,
    configured: readonly SourceSystem[] = systems,
  ): IndexedPage | null {
    try {
      return this.#page(clauses, { offline, configured }, request);
    } finally {
      this.#buffers.release();
    }
  }

  readonly #buffers: PageBuffers;

  /** The rows of a walk's block (reused from page to page). */
  readonly #block = new Int32Array(walkBlock);

  #page(
    clauses: readonly Clause[],
    context: FilterContext,
    request: Pick<InventoryQuery, 'sort' | 'offset' | 'limit' | 'countLimit'>,
  ): IndexedPage | null {
    const { sort, offset, limit, countLimit } = request;
    const end = offset + limit;
    const plan = this.#plan(clauses, context, end, countLimit);
    if (plan === null) return null;
    const order = this.orders.get(sort.field);
    if (order === undefined) return null;
    const answer = (rows: number[], counted: number): IndexedPage => {
      const totalExact = countLimit === undefined || counted <= countLimit;
      const total = countLimit === undefined ? counted : Math.min(counted, countLimit);
      const places = totalExact && offset >= total ? [] : rows;
      return { ids: places.map((row) => this.ids[row] ?? 0), rows: places, total, totalExact };
    };
    if (plan.empty) return answer([], 0);
    const { tests } = plan;
    /** The rows of `rows[0..count)` that pass every test, moved to its front; how many. */
    const passing = (rows: Int32Array, count: number): number => {
      let kept = count;
      // By index: a lazy text test may replace itself in `tests` while it runs.
      for (let t = 0; t < tests.length && kept > 0; t++) {
        const test = tests[t];
        if (test !== undefined) kept = keep(test, rows, kept);
      }
      return kept;
    };
    const smallest = plan.gathered[0];
    const n = this.size;
    const capped = (matches: number): number =>
      countLimit === undefined ? matches : Math.min(matches, countLimit + 1);
    /** The page of `count` known matches: the first `count` rows of a list, or marked rows. */
    const pageOf = (matches: Int32Array | Uint8Array, count: number): IndexedPage => {
      const { direction } = sort;
      const rows: number[] = [];
      if (count * Math.log2(count + 1) <= n / 4) {
        // Few (up to about 1 800 of 100 000): a row's place in the order is unique, so sort the
        // places (natively), then read the page's rows back from them.
        const places = new Int32Array(count);
        let i = 0;
        if (matches instanceof Uint8Array) {
          for (let row = 0; row < n; row++) {
            if (matches[row] === 1) places[i++] = this.#placeIn(order, direction, row);
          }
        } else {
          for (; i < count; i++) places[i] = this.#placeIn(order, direction, matches[i] ?? 0);
        }
        places.sort();
        for (let at = offset; at < Math.min(end, count); at++) {
          rows.push(this.#rowAt(order, direction, places[at] ?? 0));
        }
        return answer(rows, capped(count));
      }
      if (!(matches instanceof Uint8Array)) {
        // More: mark their places, then read the page off in order (sorting them would cost
        // more than reading the places).
        const placed = this.#buffers.marks(0);
        for (let i = 0; i < count; i++)
          placed[this.#placeIn(order, direction, matches[i] ?? 0)] = 1;
        for (let place = 0, seen = 0; place < n && seen < end; place++) {
          if (placed[place] !== 1) continue;
          if (seen >= offset) rows.push(this.#rowAt(order, direction, place));
          seen++;
        }
        return answer(rows, capped(count));
      }
      // Marked rows (a sweep's): the first of them in the sort order, walking it.
      for (let i = 0, seen = 0; i < n && seen < end; i++) {
        const row = this.#rowAt(order, direction, i);
        if (matches[row] !== 1) continue;
        if (seen >= offset) rows.push(row);
        seen++;
      }
      return answer(rows, capped(count));
    };
    const gather = (candidates: Int32Array): IndexedPage => {
      if (tests.length === 0) return pageOf(candidates, candidates.length);
      const matches = this.#buffers.rows();
      matches.set(candidates);
      return pageOf(matches, passing(matches, candidates.length));
    };
    /**
     * Every row through each condition in turn, in row order: for a query matching few rows of
     * many, cheaper than walking a sort order and testing every condition on each row.
     */
    const sweep = (): IndexedPage => {
      const marks = this.#buffers.marks(1);
      for (const test of tests) {
        for (let row = 0; row < n; row++) if (marks[row] === 1 && !holds(test, row)) marks[row] = 0;
      }
      let count = 0;
      for (let row = 0; row < n; row++) count += marks[row] ?? 0;
      return pageOf(marks, count);
    };
    // Gathering tests the set's rows; walking tests at least (matches needed) × n / (set size)
    // rows of the sort order, more when the other conditions are rare or the set's rows come
    // late in it. A gathered row costs about a quarter of a walked one: the set's rows are in
    // row order, so each column is read front to back, where a walk reads it all over.
    const needed = countLimit === undefined ? n : Math.max(end, countLimit + 1);
    if (
      smallest !== undefined &&
      smallest.rows.length * smallest.rows.length <= gatherWeight * needed * n
    ) {
      return gather(smallest.rows);
    }
    if (smallest === undefined && countLimit === undefined) return sweep();
    // Walk the sort order until the page and the count are complete. A walk longer than the
    // smallest gathered set tests that set's rows instead; without one, a walk longer than a
    // quarter of the rows sweeps them all. (Matches may cluster in the sort order, so the first
    // rows walked say little about how long the walk will be.)
    const budget = smallest === undefined ? Math.ceil(n / 4) : smallest.rows.length;
    if (smallest !== undefined) tests.unshift(smallest.test);
    const stopAt = countLimit === undefined ? Infinity : Math.max(end, countLimit + 1);
    const rows: number[] = [];
    let counted = 0;
    // The order is walked a block at a time, each test run over the block's rows that passed
    // the ones before it. The first block is small: most keystrokes' pages fill from it.
    const block = this.#block;
    for (let i = 0; i < n && counted < stopAt;) {
      if (i >= budget) {
        if (smallest !== undefined) return gather(smallest.rows);
        // Matches that cluster late in the order (a name prefix, walking names) make the walk
        // long; by then a text condition tested row by row has gathered its matches.
        const lazy = plan.lazy.reduce<Int32Array | undefined>(
          (least, rows) => (least === undefined || rows.length < least.length ? rows : least),
          undefined,
        );
        return lazy === undefined ? sweep() : gather(lazy);
      }
      const count = Math.min(i === 0 ? firstBlock : block.length, n - i, budget - i);
      for (let k = 0; k < count; k++) block[k] = this.#rowAt(order, sort.direction, i + k);
      const kept = passing(block, count);
      for (let k = 0; k < kept && counted < stopAt; k++, counted++) {
        if (counted >= offset && counted < end) rows.push(block[k] ?? 0);
      }
      i += count;
    }
    return answer(rows, countLimit === undefined ? counted : Math.min(counted, countLimit + 1));
  }
}

/** Rows of a sort order tested together in a walk, after the first block's. */
const walkBlock = 1024;

/** Rows in a walk's first block. */
const firstBlock = 256;

/** How many gathered rows cost what one walked row does. */
const gatherWeight = 4;
