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
import { wholeValueColumn, withoutNegatedAlternatives } from './query-sql';
import type { PageBuffers } from './search-buffers';
import {
  byFunction,
  Condition,
  holds,
  marked,
  noBytes,
  noCounts,
  noInts,
  type RowTest,
} from './search-conditions';
import { testsAlternatives, type FilterContext, type FilterTests } from './search-filters';
import type { IndexedPhrase, WordIndex } from './search-words';
import { caseFold } from '../db/sqlite';

// Planning a query of the search index: which conditions are row tests, which rows are gathered
// up front from the words' postings, and which text conditions are tested row by row until
// gathering them would have cost less. `search-index-page.ts` then reads the page.

/** What planning reads of the search index; the index holds one, made once. */
export interface PlanningState {
  /** How many rows the index has. */
  size: number;
  words: WordIndex;
  filters: FilterTests;
  buffers: PageBuffers;
  /** Each row as a page shows it. */
  views: readonly AssetView[];
}

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

/** A query's text condition: a phrase, and for `ip:` the test of a row its rows must pass. */
interface TextCondition {
  phrase: IndexedPhrase;
  negated: boolean;
  only: RowTest | null;
}

/** What a query needs from the index to be answered. */
export interface Plan {
  tests: Condition[];
  /** A text condition's exact matches, smallest first, when gathered eagerly. */
  gathered: { rows: Int32Array; test: Condition }[];
  /** The matches of text conditions tested row by row that have since been gathered. */
  lazy: Int32Array[];
  empty: boolean;
}

/**
 * A phrase tested row by row, until that has cost about what gathering its rows costs (the
 * other conditions may be rarer than the phrase, making the walk long): then gathered, and
 * the gathered rows kept in `plan.lazy` for a walk that turns out long.
 */
function lazyTest(
  state: PlanningState,
  phrase: IndexedPhrase,
  only: RowTest | null,
  budget: number,
  plan: Plan,
): Condition {
  let tested = 0;
  let gathered: Uint8Array | null = null;
  const test = (row: number): boolean => {
    if (gathered !== null) return gathered[row] === 1;
    if (++tested > budget) {
      // From now on the condition is its gathered rows' marks (this test answers from them
      // for the rest of the block being tested).
      const { rows, marks } = gather(state, phrase, only);
      gathered = marks;
      plan.lazy.push(rows);
      plan.tests[plan.tests.indexOf(condition)] = marked(marks);
      return marks[row] === 1;
    }
    return state.words.has(phrase, row) && (only === null || only(row));
  };
  const condition = new Condition(byFunction, false, noInts, noBytes, noCounts, 0, 0, test);
  return condition;
}

/**
 * The rows with a phrase (and their marks), keeping only those that pass `only` when there
 * is such a test: the phrase's rows are the candidates, read from its words' postings.
 */
function gather(
  state: PlanningState,
  phrase: IndexedPhrase,
  only: RowTest | null,
): { rows: Int32Array; marks: Uint8Array } {
  const found = state.words.gather(phrase);
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
function wholeTest(
  views: readonly AssetView[],
  column: 'name' | 'fqdn' | 'os',
  value: string,
): RowTest {
  const prefix = value.endsWith('*');
  const wanted = caseFold(prefix ? value.slice(0, -1) : value);
  return (row) => {
    const actual = views[row]?.[column];
    if (actual === null || actual === undefined) return false;
    const folded = caseFold(actual);
    return prefix ? folded.startsWith(wanted) : folded === wanted;
  };
}

/** A row test for an `ip:` filter: one of the row's stored addresses is (or starts with) it. */
function ipTest(views: readonly AssetView[], query: IpQuery): RowTest {
  return (row) => ipMatches(views[row]?.ips ?? [], query);
}

/**
 * A filter answered from the words of the search text: its phrase, and the test its rows must
 * pass besides (`ip:`, `mac:`, `os=`); undefined for a filter on a column, null when the
 * index cannot answer it.
 */
function textOf(
  state: PlanningState,
  clause: FilterClause,
): { phrase: IndexedPhrase; only: RowTest | null } | null | undefined {
  const { field, value } = clause;
  if (field === 'ip') {
    // The address's words find the candidates; their stored addresses decide.
    const ip = ipQuery(value);
    const phrase = state.words.phrase(ipWords(ip), false, fieldColumn.ip);
    return phrase === null ? null : { phrase, only: ipTest(state.views, ip) };
  }
  const whole = clause.op === '=' ? wholeValueColumn[field] : undefined;
  if (whole !== undefined) {
    // The value's words find the candidates; the whole value decides.
    const phrase = state.words.phrase(value, false, fieldColumn[whole]);
    return phrase === null ? null : { phrase, only: wholeTest(state.views, whole, value) };
  }
  if (field === 'mac') {
    // The words find the candidates; one MAC holding them decides (`mac-query.ts`).
    const phrase = state.words.phrase(
      value.toLowerCase().replaceAll('-', ':'),
      false,
      fieldColumn.mac,
    );
    if (phrase === null) return null;
    const needle = macNeedle(value);
    return { phrase, only: (row) => macMatches(state.views[row]?.macs ?? [], needle) };
  }
  if (!isTextField(field)) return undefined;
  const phrase = state.words.phrase(value, false, fieldColumn[field]);
  return phrase === null ? null : { phrase, only: null };
}

/**
 * What a query needs from the index for a page ending at `end`, with a count that may stop past
 * `cap`; null when the index cannot answer the query (the SQL can).
 */
export function planQuery(
  state: PlanningState,
  clauses: readonly Clause[],
  { offline, configured }: FilterContext,
  end: number,
  cap: number | undefined,
): Plan | null {
  const n = state.size;
  const tests: Condition[] = [];
  const texts: TextCondition[] = [];
  const plan: Plan = { tests, gathered: [], lazy: [], empty: false };
  for (const clause of withoutNegatedAlternatives(clauses)) {
    if (clause.type === 'text') {
      const phrase = state.words.phrase(clause.value, true, -1);
      if (phrase === null) return null;
      texts.push({ phrase, negated: clause.negated, only: null });
      continue;
    }
    if (clause.alternatives !== undefined && !testsAlternatives(clause.field)) {
      // Any of the values: the union of each one's rows, from its words or its column.
      const marks = state.buffers.marks(0);
      for (const one of eachAlternative(clause)) {
        const text = textOf(state, one);
        if (text === null) return null;
        if (text !== undefined) {
          if (text.phrase.words.some((w) => state.words.postingCount(w) === 0)) continue;
          for (const row of gather(state, text.phrase, text.only).rows) marks[row] = 1;
          continue;
        }
        const field = one.field as Exclude<Field, TextField>;
        const test = state.filters.test({ ...one, field }, offline, configured);
        if (test === null) return null;
        for (let row = 0; row < n; row++) if (holds(test, row)) marks[row] = 1;
      }
      const rows = state.buffers.rows();
      let found = 0;
      for (let row = 0; row < n; row++) if (marks[row] === 1) rows[found++] = row;
      if (found === 0) plan.empty = true;
      plan.gathered.push({ rows: rows.subarray(0, found), test: marked(marks) });
      continue;
    }
    const text = textOf(state, clause);
    if (text === null) return null;
    if (text !== undefined) {
      texts.push({ ...text, negated: clause.negated });
      continue;
    }
    const field = clause.field as Exclude<Field, TextField>;
    const test = state.filters.test({ ...clause, field }, offline, configured);
    if (test === null) return null;
    tests.push(test);
  }
  // Cheap tests first; text conditions either gathered up front or tested row by row.
  for (const { phrase, negated, only } of texts) {
    const rarest = Math.min(...phrase.words.map((w) => state.words.postingCount(w)));
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
      Math.min(...phrase.words.map((w) => state.words.postingEstimate(w, phrase.column))),
    );
    const needed = cap === undefined ? n : Math.max(end, cap + 1);
    const walkRows = Math.min(n, (needed * n) / matches);
    // Marking a row of a word's costs about a sixty-fourth of testing a row for the phrase:
    // the postings are read in order, while testing reads each row's words where they lie.
    const gatherCost = phrase.words.length === 1 ? rarest / 64 : rarest;
    if (!negated && cap !== undefined && walkRows < gatherCost) {
      tests.push(lazyTest(state, phrase, only, gatherCost, plan));
      continue;
    }
    const { rows, marks } = gather(state, phrase, only);
    if (negated) tests.push(marked(marks, true));
    else plan.gathered.push({ rows, test: marked(marks) });
  }
  plan.gathered.sort((a, b) => a.rows.length - b.rows.length);
  // The gathered sets after the smallest are row tests like any other.
  for (const g of plan.gathered.slice(1)) tests.unshift(g.test);
  return plan;
}
