import type { InventoryQuery } from '../../shared/inventory';
import type { PageBuffers } from './search-buffers';
import { holds, keep } from './search-conditions';
import type { Plan } from './search-index-plan';
import type { SortOrder } from './search-sort-orders';

// Reading a page of the search index for a planned query: its rows in a sort order (either
// direction) from an offset, and the count of its matches up to a limit.

export interface IndexedPage {
  /** Asset ids of the page, in page order. */
  ids: number[];
  /** The page's places in this index, in page order (for `rowsAt` and `profilesAt`). */
  rows: number[];
  total: number;
  totalExact: boolean;
}

/** What a page asks: its sort, where it starts, how long it is, where counting may stop. */
export type PageRequest = Pick<InventoryQuery, 'sort' | 'offset' | 'limit' | 'countLimit'>;

/** What reading a page uses of the search index; the index holds one, made once. */
export interface PagingState {
  /** Each row's asset id, ascending. */
  ids: Float64Array;
  buffers: PageBuffers;
  /** The rows of a walk's block (reused from page to page), `walkBlock` long. */
  block: Int32Array;
}

/** Rows of a sort order tested together in a walk, after the first block's. */
export const walkBlock = 1024;

/** Rows in a walk's first block. */
const firstBlock = 256;

/** How many gathered rows cost what one walked row does. */
const gatherWeight = 4;

/**
 * A row's place in a sort order and direction. Unknown values come last either way; descending,
 * the groups of equal values come in reverse, each in its own (name) order.
 */
function placeIn(order: SortOrder, direction: 'asc' | 'desc', row: number): number {
  const place = order.place[row] ?? 0;
  if (direction === 'asc' || place >= order.unknownFrom) return place;
  const group = order.groupOf[place] ?? 0;
  const start = order.groupStart[group] ?? 0;
  const end = order.groupStart[group + 1] ?? 0;
  return order.unknownFrom - end + (place - start);
}

/** The row at `i` of a sort order and direction (`placeIn` undone). */
function rowAt(order: SortOrder, direction: 'asc' | 'desc', i: number): number {
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
 * The page of a planned query (`search-index-plan.ts`) along a sort order, as `readPage` answers
 * it: the rows that pass every test, gathered, swept or walked in order, whichever costs least.
 */
export function readIndexedPage(
  state: PagingState,
  plan: Plan,
  order: SortOrder,
  request: PageRequest,
): IndexedPage {
  const { sort, offset, limit, countLimit } = request;
  const end = offset + limit;
  const answer = (rows: number[], counted: number): IndexedPage => {
    const totalExact = countLimit === undefined || counted <= countLimit;
    const total = countLimit === undefined ? counted : Math.min(counted, countLimit);
    const places = totalExact && offset >= total ? [] : rows;
    return { ids: places.map((row) => state.ids[row] ?? 0), rows: places, total, totalExact };
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
  const n = state.ids.length;
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
          if (matches[row] === 1) places[i++] = placeIn(order, direction, row);
        }
      } else {
        for (; i < count; i++) places[i] = placeIn(order, direction, matches[i] ?? 0);
      }
      places.sort();
      for (let at = offset; at < Math.min(end, count); at++) {
        rows.push(rowAt(order, direction, places[at] ?? 0));
      }
      return answer(rows, capped(count));
    }
    if (!(matches instanceof Uint8Array)) {
      // More: mark their places, then read the page off in order (sorting them would cost
      // more than reading the places).
      const placed = state.buffers.marks(0);
      for (let i = 0; i < count; i++) placed[placeIn(order, direction, matches[i] ?? 0)] = 1;
      for (let place = 0, seen = 0; place < n && seen < end; place++) {
        if (placed[place] !== 1) continue;
        if (seen >= offset) rows.push(rowAt(order, direction, place));
        seen++;
      }
      return answer(rows, capped(count));
    }
    // Marked rows (a sweep's): the first of them in the sort order, walking it.
    for (let i = 0, seen = 0; i < n && seen < end; i++) {
      const row = rowAt(order, direction, i);
      if (matches[row] !== 1) continue;
      if (seen >= offset) rows.push(row);
      seen++;
    }
    return answer(rows, capped(count));
  };
  const gather = (candidates: Int32Array): IndexedPage => {
    if (tests.length === 0) return pageOf(candidates, candidates.length);
    const matches = state.buffers.rows();
    matches.set(candidates);
    return pageOf(matches, passing(matches, candidates.length));
  };
  /**
   * Every row through each condition in turn, in row order: for a query matching few rows of
   * many, cheaper than walking a sort order and testing every condition on each row.
   */
  const sweep = (): IndexedPage => {
    const marks = state.buffers.marks(1);
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
  const { block } = state;
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
    for (let k = 0; k < count; k++) block[k] = rowAt(order, sort.direction, i + k);
    const kept = passing(block, count);
    for (let k = 0; k < kept && counted < stopAt; k++, counted++) {
      if (counted >= offset && counted < end) rows.push(block[k] ?? 0);
    }
    i += count;
  }
  return answer(rows, countLimit === undefined ? counted : Math.min(counted, countLimit + 1));
}
