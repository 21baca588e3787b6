import { assertNever } from '../../shared/errors';
import { sortFields, type InventoryQuery, type SortField } from '../../shared/inventory';
import type { Sqlite } from '../db/sqlite';
import { inventoryGeneration } from './asset-store';
import type { Clause, Operator } from './query-parser';
import { orderBy, sortColumn, textWords } from './query-sql';

/**
 * The inventory's search in memory: the columns a query tests, the words of the search text
 * with their positions, and every sort order, read from SQLite in one pass. A query's page and
 * count come from here in well under the time the same SQL takes; the rows themselves are still
 * read from SQLite. It answers exactly as the SQL does (`readPage` over `compileQuery`): the
 * words are the search index's own (ASCII text split like its tokenizer, other text split by
 * SQLite's tokenizer itself), comparisons follow SQLite's (ASCII-only case folding, NULL never
 * passing a comparison), and each sort order is read with the SQL's own ORDER BY.
 */

/** The search index's tokenizer (migration 5); the words of non-ASCII text come from it. */
export const searchTokenizer = 'unicode61 remove_diacritics 2';

/** The search text's columns, in the search index's order. */
const textColumns = ['name', 'fqdn', 'ips', 'macs', 'os', 'groups', 'tags'] as const;
const columnCount = textColumns.length;
type TextColumn = (typeof textColumns)[number];
/** Columns held as JSON lists, and how the search index joins their items. */
const listSeparator: Partial<Record<TextColumn, string>> = {
  ips: ' ',
  macs: ' ',
  groups: ' | ',
  tags: ' ',
};
const fieldColumn: Record<string, number> = {
  name: 0,
  fqdn: 1,
  ip: 2,
  mac: 3,
  os: 4,
  group: 5,
  tag: 6,
};
const exactFields = { cluster: 0, site: 1, org: 2, location: 3 } as const;
const systems = ['foreman', 'proxmox', 'patchmon', 'routeros'] as const;

/** An asset as the index reads it (`.raw()`, in `readColumns` order: no object per row). */
type AssetSearchRow = [
  id: number,
  kind: string,
  status: string,
  name: string,
  fqdn: string | null,
  os: string | null,
  ips: string,
  macs: string,
  groups: string,
  tags: string,
  cluster: string | null,
  site: string | null,
  organization: string | null,
  location: string | null,
  updates: number | null,
  security: number | null,
  reboot_needed: number | null,
  in_foreman: number,
  in_proxmox: number,
  in_patchmon: number,
  in_routeros: number,
];
const readColumns = `id, kind, status, name, fqdn, os, ips, macs, groups, tags, cluster, site,
  organization, location, updates, security, reboot_needed,
  in_foreman, in_proxmox, in_patchmon, in_routeros`;
/** Where each text column is in an `AssetSearchRow`. */
const textAt: Record<TextColumn, 3 | 4 | 5 | 6 | 7 | 8 | 9> = {
  name: 3,
  fqdn: 4,
  os: 5,
  ips: 6,
  macs: 7,
  groups: 8,
  tags: 9,
};

export interface IndexedPage {
  /** Asset ids of the page, in page order. */
  ids: number[];
  total: number;
  totalExact: boolean;
}

const upperAscii = /[A-Z]+/g;

/** Lower case for ASCII letters only, as SQLite's NOCASE and LIKE fold. */
function asciiLower(text: string): string {
  return text.replace(upperAscii, (s) => s.toLowerCase());
}

function compare(a: number, op: Operator, b: number): boolean {
  switch (op) {
    case ':':
    case '=':
      return a === b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    default:
      return assertNever(op, 'comparison');
  }
}

/**
 * Splits text the way the search index does, for text that is not plain ASCII: through a
 * scratch FTS5 table with the same tokenizer in the connection's temp schema, read back with
 * fts5vocab. Plain ASCII text never comes here (`textWords` splits it identically).
 */
class SqliteWords {
  #ready = false;
  constructor(private readonly db: Sqlite) {}

  words(texts: readonly string[]): string[][] {
    const out = texts.map((): string[] => []);
    if (texts.length === 0) return out;
    if (!this.#ready) {
      this.db.exec(`
        CREATE VIRTUAL TABLE IF NOT EXISTS temp.rackside_words
          USING fts5 (body, tokenize = '${searchTokenizer}');
        CREATE VIRTUAL TABLE IF NOT EXISTS temp.rackside_words_v
          USING fts5vocab (temp, rackside_words, instance);
      `);
      this.#ready = true;
    }
    const insert = this.db.prepare('INSERT INTO temp.rackside_words (rowid, body) VALUES (?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM temp.rackside_words').run();
      texts.forEach((text, i) => insert.run(i + 1, text));
    })();
    const rows = this.db
      .prepare('SELECT term, doc, "offset" AS at FROM temp.rackside_words_v')
      .all() as { term: string; doc: number; at: number }[];
    this.db.prepare('DELETE FROM temp.rackside_words').run();
    rows.sort((a, b) => a.doc - b.doc || a.at - b.at);
    for (const row of rows) out[row.doc - 1]?.push(row.term);
    return out;
  }
}

/** The search index's text of one column, as `writeAssets` hands it over. */
function columnText(row: AssetSearchRow, column: TextColumn): string {
  const value = row[textAt[column]];
  if (value === null) return '';
  const separator = listSeparator[column];
  if (separator === undefined || !value.includes('\\')) return value;
  // A JSON list without escapes has the same words as its joined items; with escapes, join.
  const items: unknown = JSON.parse(value);
  return Array.isArray(items) ? items.map(String).join(separator) : value;
}

/** One word of a phrase as a range of word ids (the words are numbered in sorted order). */
interface WordRange {
  lo: number;
  hi: number;
}

interface IndexedPhrase {
  /** The column it must be found in, -1 for any. */
  column: number;
  words: WordRange[];
}

type RowTest = (row: number) => boolean;

/** A row order with where its unknown values start (they come last in both directions). */
interface SortOrder {
  /** Rows in ascending order. */
  rows: Int32Array;
  /** Each row's place in `rows`. */
  place: Int32Array;
  /** Where the rows with an unknown value start in `rows`. */
  unknownFrom: number;
}

/** What a query needs from the index to be answered. */
interface Plan {
  tests: RowTest[];
  /** A text condition's exact matches, smallest first, when gathered eagerly. */
  gathered: { rows: number[]; test: RowTest }[];
  empty: boolean;
}

function code(map: Map<string, number>, value: string): number {
  let id = map.get(value);
  if (id === undefined) {
    id = map.size;
    map.set(value, id);
  }
  return id;
}

/** Collects the rows of an index as they are read, then numbers and arranges them. */
class IndexBuilder {
  readonly ids: number[] = [];
  readonly rowOf = new Map<number, number>();
  readonly kind: number[] = [];
  readonly kinds = new Map<string, number>();
  readonly status: number[] = [];
  readonly statuses = new Map<string, number>();
  readonly present = systems.map((): number[] => []);
  readonly updates: number[] = [];
  readonly security: number[] = [];
  readonly reboot: number[] = [];
  /** cluster, site, organization, location: a code per row (-1 unknown) into `exactValues`. */
  readonly exact: number[][] = [[], [], [], []];
  readonly exactValues = [0, 1, 2, 3].map(() => new Map<string, number>());
  readonly wordIds = new Map<string, number>();
  readonly spans: number[] = [0];
  readonly tokens: number[] = [];
  #tokens: Int32Array = new Int32Array(0);
  #spans: Int32Array = new Int32Array(0);

  constructor(readonly splitter: SqliteWords) {}

  addRows(rows: readonly AssetSearchRow[]): void {
    // The texts that are not plain ASCII are split by SQLite, all of a chunk's at once.
    const other: string[] = [];
    const texts = rows.map((row) =>
      textColumns.map((column) => {
        const text = columnText(row, column);
        const words = textWords(text);
        if (words !== null) return words;
        other.push(text);
        return other.length - 1;
      }),
    );
    const otherWords = this.splitter.words(other);
    const [foreman, proxmox, patchmon, routeros] = this.present;
    const [cluster, site, organization, location] = this.exact;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (row === undefined) continue;
      const id = row[0];
      this.rowOf.set(id, this.ids.length);
      this.ids.push(id);
      this.kind.push(code(this.kinds, row[1]));
      this.status.push(code(this.statuses, row[2]));
      cluster?.push(this.#exactCode(0, row[10]));
      site?.push(this.#exactCode(1, row[11]));
      organization?.push(this.#exactCode(2, row[12]));
      location?.push(this.#exactCode(3, row[13]));
      this.updates.push(row[14] ?? Number.NaN);
      this.security.push(row[15] ?? Number.NaN);
      this.reboot.push(row[16] ?? -1);
      foreman?.push(row[17]);
      proxmox?.push(row[18]);
      patchmon?.push(row[19]);
      routeros?.push(row[20]);
      for (const words of texts[r] ?? []) {
        const list = typeof words === 'number' ? (otherWords[words] ?? []) : words;
        for (const word of list) this.tokens.push(code(this.wordIds, word));
        this.spans.push(this.tokens.length);
      }
    }
  }

  /** A value folded as NOCASE folds, numbered per column; -1 when unknown. */
  #exactCode(column: number, value: string | null): number {
    const values = this.exactValues[column];
    return value === null || values === undefined ? -1 : code(values, asciiLower(value));
  }

  /** The words in sorted order (so a prefix is a range of ids) and the rows' words by id. */
  numberWords(): { words: string[]; spans: Int32Array; tokens: Int32Array } {
    const words = [...this.wordIds.keys()].sort();
    const renumber = new Int32Array(words.length);
    for (let id = 0; id < words.length; id++) {
      renumber[this.wordIds.get(words[id] ?? '') ?? 0] = id;
    }
    const tokens = new Int32Array(this.tokens.length);
    for (let i = 0; i < tokens.length; i++) tokens[i] = renumber[this.tokens[i] ?? 0] ?? 0;
    this.#tokens = tokens;
    this.#spans = Int32Array.from(this.spans);
    return { words, spans: this.#spans, tokens };
  }

  /** Each word's rows, ascending: counted per word, then filled. */
  postings(wordCount: number): { from: Int32Array; rows: Int32Array; columns: Uint8Array } {
    const tokens = this.#tokens;
    const spans = this.#spans;
    const n = this.ids.length;
    const from = new Int32Array(wordCount + 1);
    const lastRow = new Int32Array(wordCount).fill(-1);
    for (let row = 0; row < n; row++) {
      const to = spans[(row + 1) * columnCount] ?? 0;
      for (let at = spans[row * columnCount] ?? 0; at < to; at++) {
        const word = tokens[at] ?? 0;
        if (lastRow[word] !== row) {
          lastRow[word] = row;
          from[word + 1] = (from[word + 1] ?? 0) + 1;
        }
      }
    }
    for (let w = 0; w < wordCount; w++) from[w + 1] = (from[w + 1] ?? 0) + (from[w] ?? 0);
    const rows = new Int32Array(from[wordCount] ?? 0);
    // Beside each row, the columns the word is in there (bit c for column c).
    const columns = new Uint8Array(rows.length);
    const fill = from.slice(0, wordCount);
    lastRow.fill(-1);
    for (let row = 0; row < n; row++) {
      for (let column = 0; column < columnCount; column++) {
        const to = spans[row * columnCount + column + 1] ?? 0;
        for (let at = spans[row * columnCount + column] ?? 0; at < to; at++) {
          const word = tokens[at] ?? 0;
          if (lastRow[word] !== row) {
            lastRow[word] = row;
            const place = fill[word] ?? 0;
            rows[place] = row;
            fill[word] = place + 1;
          }
          const place = (fill[word] ?? 1) - 1;
          columns[place] = (columns[place] ?? 0) | (1 << column);
        }
      }
    }
    return { from, rows, columns };
  }

  /** Each row's profiles (a row's from `from[row]` to the next), numbered in `ids`. */
  profiles(links: readonly { asset_id: number; profile_id: string }[]): {
    from: Int32Array;
    of: Int32Array;
    ids: Map<string, number>;
  } {
    const n = this.ids.length;
    const ids = new Map<string, number>();
    const count = new Int32Array(n + 1);
    const known = links.filter((link) => this.rowOf.has(link.asset_id));
    for (const link of known) {
      const row = this.rowOf.get(link.asset_id) ?? 0;
      count[row + 1] = (count[row + 1] ?? 0) + 1;
    }
    for (let row = 0; row < n; row++) count[row + 1] = (count[row + 1] ?? 0) + (count[row] ?? 0);
    const of = new Int32Array(known.length);
    const fill = count.slice(0, n);
    for (const link of known) {
      const row = this.rowOf.get(link.asset_id) ?? 0;
      const place = fill[row] ?? 0;
      of[place] = code(ids, link.profile_id);
      fill[row] = place + 1;
    }
    return { from: count, of, ids };
  }

  /** A sort order from the rows as the SQL sorts them; null when the assets changed. */
  order(sorted: readonly [id: number, unknown: number][]): SortOrder | null {
    const n = this.ids.length;
    if (sorted.length !== n) return null;
    const rows = new Int32Array(n);
    const place = new Int32Array(n);
    let unknownFrom = n;
    for (let i = 0; i < n; i++) {
      const entry = sorted[i];
      const row = entry === undefined ? undefined : this.rowOf.get(entry[0]);
      if (entry === undefined || row === undefined) return null;
      rows[i] = row;
      place[row] = i;
      if (entry[1] === 1 && unknownFrom === n) unknownFrom = i;
    }
    return { rows, place, unknownFrom };
  }
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
    private readonly updates: Float64Array,
    private readonly security: Float64Array,
    private readonly reboot: Int8Array,
    /** cluster, site, organization, location: each row's value as a code (-1 unknown). */
    private readonly exact: Int32Array[],
    /** Each column's values (folded as NOCASE folds) by code. */
    private readonly exactValues: string[][],
    private readonly profileFrom: Int32Array,
    private readonly profileOf: Int32Array,
    private readonly profiles: Map<string, number>,
    /** Sorted words; a word's id is its place here. */
    private readonly words: string[],
    /** The words of every row's columns: row r's column c spans `spans[r*7+c]` to the next. */
    private readonly spans: Int32Array,
    private readonly tokens: Int32Array,
    /** Rows containing each word (ascending): word w's from `postingFrom[w]` to the next. */
    private readonly postingFrom: Int32Array,
    private readonly postings: Int32Array,
    /** The columns each of `postings` has its word in (bit c for column c). */
    private readonly postingColumns: Uint8Array,
    private readonly orders: Map<SortField, SortOrder>,
    private readonly splitter: SqliteWords,
  ) {}

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
      this.updates,
      this.security,
      this.reboot,
      this.profileFrom,
      this.profileOf,
      this.spans,
      this.tokens,
      this.postingFrom,
      this.postings,
      this.postingColumns,
      ...[...this.orders.values()].flatMap((o) => [o.rows, o.place]),
    ].reduce((sum, a) => sum + a.byteLength, 0);
    const text = this.words.reduce((sum, w) => sum + 16 + w.length * 2, 0);
    const exact = this.exactValues.flat().reduce((sum, v) => sum + 16 + v.length * 2, 0);
    return typed + text + exact + this.exact.reduce((sum, a) => sum + a.byteLength, 0);
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
  static *steps(db: Sqlite, chunk = 4096): Generator<void, SearchIndex | null> {
    const generation = inventoryGeneration(db);
    const builder = new IndexBuilder(new SqliteWords(db));
    const read = db
      .prepare(`SELECT ${readColumns} FROM assets WHERE id > ? ORDER BY id LIMIT ?`)
      .raw(true);
    let last = -Infinity;
    for (;;) {
      const rows = read.all(last, chunk) as AssetSearchRow[];
      if (rows.length === 0) break;
      builder.addRows(rows);
      last = rows.at(-1)?.[0] ?? last;
      yield;
    }
    const words = builder.numberWords();
    yield;
    const postings = builder.postings(words.words.length);
    yield;
    const profiles = builder.profiles(
      db.prepare('SELECT asset_id, profile_id FROM asset_links ORDER BY asset_id').all() as {
        asset_id: number;
        profile_id: string;
      }[],
    );
    yield;
    const orders = new Map<SortField, SortOrder>();
    for (const field of sortFields) {
      // Every sort order exactly as the SQL's ORDER BY has it.
      const sorted = db
        .prepare(
          `SELECT a.id AS id, (${sortColumn[field]}) IS NULL AS unknown FROM assets a
           ORDER BY ${orderBy(field, 'asc')}`,
        )
        .raw(true)
        .all() as [id: number, unknown: number][];
      const order = builder.order(sorted);
      if (order === null) return null;
      orders.set(field, order);
      yield;
    }
    if (inventoryGeneration(db) !== generation) return null;
    const b = builder;
    return new SearchIndex(
      generation,
      Float64Array.from(b.ids),
      Int32Array.from(b.kind),
      b.kinds,
      Int32Array.from(b.status),
      b.statuses,
      b.present.map((list) => Uint8Array.from(list)),
      Float64Array.from(b.updates),
      Float64Array.from(b.security),
      Int8Array.from(b.reboot),
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
      b.splitter,
    );
  }

  /** The profiles whose records make up each of the assets (as `profilesOfAssets`). */
  profilesOf(assetIds: readonly number[]): Map<number, string[]> {
    const names = [...this.profiles.keys()];
    const out = new Map<number, string[]>();
    for (const id of assetIds) {
      const row = this.#rowOf(id);
      if (row < 0) continue;
      const list: string[] = [];
      const to = this.profileFrom[row + 1] ?? 0;
      for (let at = this.profileFrom[row] ?? 0; at < to; at++) {
        const name = names[this.profileOf[at] ?? -1];
        if (name !== undefined && !list.includes(name)) list.push(name);
      }
      out.set(id, list);
    }
    return out;
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

  /** The ids of the words starting with `word` (prefix) or equal to it. */
  #range(word: string, prefix: boolean): WordRange {
    const { words } = this;
    let lo = 0;
    let hi = words.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((words[mid] ?? '') < word) lo = mid + 1;
      else hi = mid;
    }
    if (!prefix) return { lo, hi: words[lo] === word ? lo + 1 : lo };
    let end = lo;
    hi = words.length;
    while (end < hi) {
      const mid = (end + hi) >> 1;
      if ((words[mid] ?? '').startsWith(word)) end = mid + 1;
      else hi = mid;
    }
    return { lo, hi: end };
  }

  /** A phrase of a query as word ranges; null when it has no words the index keeps. */
  #phrase(value: string, prefix: boolean, column: number): IndexedPhrase | null {
    const star = value.endsWith('*');
    const text = star ? value.slice(0, -1) : value;
    const words = textWords(text) ?? this.splitter.words([text])[0] ?? [];
    if (words.length === 0) return null;
    const last = words.length - 1;
    return {
      column,
      words: words.map((word, i) => this.#range(word, i === last && (prefix || star))),
    };
  }

  /** Rows with word ids in `range`, counted without reading them. */
  #postingCount(range: WordRange): number {
    return (this.postingFrom[range.hi] ?? 0) - (this.postingFrom[range.lo] ?? 0);
  }

  /** Whether row `row` has the phrase (in its column, or in any). */
  #has(phrase: IndexedPhrase, row: number): boolean {
    const { spans, tokens } = this;
    const length = phrase.words.length;
    const first = phrase.column < 0 ? 0 : phrase.column;
    const last = phrase.column < 0 ? columnCount - 1 : phrase.column;
    for (let column = first; column <= last; column++) {
      const from = spans[row * columnCount + column] ?? 0;
      const to = (spans[row * columnCount + column + 1] ?? 0) - length;
      for (let at = from; at <= to; at++) {
        let i = 0;
        for (; i < length; i++) {
          const range = phrase.words[i];
          const token = tokens[at + i] ?? -1;
          if (range === undefined || token < range.lo || token >= range.hi) break;
        }
        if (i === length) return true;
      }
    }
    return false;
  }

  /**
   * The rows with a phrase, read from the rows of its rarest word: for a phrase of one word
   * those rows are the answer (checking the column when the phrase has one), for longer
   * phrases each is tested for the whole phrase.
   */
  #gather(phrase: IndexedPhrase): { rows: number[]; marks: Uint8Array } {
    let rarest = phrase.words[0] ?? { lo: 0, hi: 0 };
    for (const range of phrase.words) {
      if (this.#postingCount(range) < this.#postingCount(rarest)) rarest = range;
    }
    const marks = new Uint8Array(this.size);
    const rows: number[] = [];
    const from = this.postingFrom[rarest.lo] ?? 0;
    const to = this.postingFrom[rarest.hi] ?? 0;
    if (phrase.words.length === 1) {
      // One word: its rows are the matches (those with it in the phrase's column, if it has one).
      const column = phrase.column < 0 ? 0xff : 1 << phrase.column;
      for (let at = from; at < to; at++) {
        const row = this.postings[at] ?? 0;
        if (marks[row] !== 1 && ((this.postingColumns[at] ?? 0) & column) !== 0) {
          marks[row] = 1;
          rows.push(row);
        }
      }
      return { rows, marks };
    }
    for (let at = from; at < to; at++) {
      const row = this.postings[at] ?? 0;
      if (marks[row] === 0) {
        marks[row] = 2;
        if (this.#has(phrase, row)) {
          marks[row] = 1;
          rows.push(row);
        }
      }
    }
    return { rows, marks };
  }

  /**
   * A phrase tested row by row, until that has cost about what gathering its rows costs (the
   * other conditions may be rarer than the phrase, making the walk long): then gathered.
   */
  #lazyTest(phrase: IndexedPhrase, budget: number): RowTest {
    let tested = 0;
    let marks: Uint8Array | null = null;
    return (row) => {
      if (marks !== null) return marks[row] === 1;
      if (++tested > budget) {
        marks = this.#gather(phrase).marks;
        return marks[row] === 1;
      }
      return this.#has(phrase, row);
    };
  }

  #plan(
    clauses: readonly Clause[],
    offline: readonly string[],
    end: number,
    cap: number | undefined,
  ): Plan | null {
    const n = this.size;
    const tests: RowTest[] = [];
    const texts: { phrase: IndexedPhrase; negated: boolean }[] = [];
    const plan: Plan = { tests, gathered: [], empty: false };
    for (const clause of clauses) {
      if (clause.type === 'text') {
        const phrase = this.#phrase(clause.value, true, -1);
        if (phrase === null) return null;
        texts.push({ phrase, negated: clause.negated });
        continue;
      }
      const { field, negated, value } = clause;
      const column = fieldColumn[field];
      if (column !== undefined) {
        const normalized = field === 'mac' ? value.toLowerCase().replaceAll('-', ':') : value;
        const phrase = this.#phrase(normalized, false, column);
        if (phrase === null) return null;
        texts.push({ phrase, negated });
        continue;
      }
      const test = this.#test(clause, offline);
      if (test === null) return null;
      tests.push(test);
    }
    // Cheap tests first; text conditions either gathered up front or tested row by row.
    for (const { phrase, negated } of texts) {
      const rarest = Math.min(...phrase.words.map((w) => this.#postingCount(w)));
      if (rarest === 0) {
        // A word no asset has: nothing matches the phrase.
        if (!negated) plan.empty = true;
        continue;
      }
      // Testing rows one by one while walking a sort order tests about (needed / density)
      // rows; gathering reads every row with the rarest word (and tests each for the phrase
      // unless it is one word in any column, when marking a row is all it costs).
      const needed = cap === undefined ? n : Math.max(end, cap + 1);
      const walkRows = Math.min(n, (needed * n) / rarest);
      const gatherCost = phrase.words.length === 1 ? rarest / 20 : rarest;
      if (!negated && cap !== undefined && walkRows < gatherCost) {
        tests.push(this.#lazyTest(phrase, gatherCost));
        continue;
      }
      const { rows, marks } = this.#gather(phrase);
      if (negated) tests.push((row) => marks[row] !== 1);
      else plan.gathered.push({ rows, test: (row) => marks[row] === 1 });
    }
    plan.gathered.sort((a, b) => a.rows.length - b.rows.length);
    // The gathered sets after the smallest are row tests like any other.
    for (const g of plan.gathered.slice(1)) tests.unshift(g.test);
    return plan;
  }

  /** A row test for a condition on a column; null when the index cannot answer it. */
  #test(clause: Extract<Clause, { type: 'filter' }>, offline: readonly string[]): RowTest | null {
    const { field, negated, value, op } = clause;
    const not = negated;
    switch (field) {
      case 'status':
      case 'kind': {
        const codes = field === 'status' ? this.statuses : this.kinds;
        const column = field === 'status' ? this.status : this.kind;
        const wanted = codes.get(value.toLowerCase()) ?? -1;
        return (row) => (column[row] === wanted) !== not;
      }
      case 'source':
      case 'missing': {
        const system = systems.indexOf(value.toLowerCase() as (typeof systems)[number]);
        const column = this.present[system];
        if (column === undefined) return null;
        const wanted = (field === 'source') !== negated ? 1 : 0;
        return (row) => column[row] === wanted;
      }
      case 'id': {
        const n = Number(value);
        return (row) => compare(this.ids[row] ?? 0, op, n) !== not;
      }
      case 'updates':
      case 'security': {
        const n = Number(value);
        const column = field === 'updates' ? this.updates : this.security;
        return (row) => {
          const v = column[row] ?? Number.NaN;
          return compare(Number.isNaN(v) ? 0 : v, op, n) !== not;
        };
      }
      case 'reboot': {
        const yes = ['yes', 'true'].includes(value.toLowerCase()) !== negated;
        return yes ? (row) => this.reboot[row] === 1 : (row) => (this.reboot[row] ?? 0) <= 0;
      }
      case 'offline': {
        const yes = ['yes', 'true'].includes(value.toLowerCase()) !== negated;
        const down = new Uint8Array(this.profiles.size);
        for (const id of offline) {
          const p = this.profiles.get(id);
          if (p !== undefined) down[p] = 1;
        }
        return (row) => {
          let any = false;
          const to = this.profileFrom[row + 1] ?? 0;
          for (let at = this.profileFrom[row] ?? 0; at < to && !any; at++) {
            any = down[this.profileOf[at] ?? 0] === 1;
          }
          return any === yes;
        };
      }
      case 'cluster':
      case 'site':
      case 'org':
      case 'location': {
        const column = this.exact[exactFields[field]] ?? new Int32Array(0);
        const values = this.exactValues[exactFields[field]] ?? [];
        // Each distinct value is tested once. A comparison with an unknown value is unknown in
        // SQL, negated or not: never a match (code -1 reads as undefined below).
        const prefix = value.endsWith('*');
        const wanted = asciiLower(prefix ? value.slice(0, -1) : value);
        const passes = Uint8Array.from(values, (v) =>
          (prefix ? v.startsWith(wanted) : v === wanted) !== not ? 1 : 0,
        );
        return (row) => passes[column[row] ?? -1] === 1;
      }
      case 'name':
      case 'fqdn':
      case 'ip':
      case 'mac':
      case 'os':
      case 'group':
      case 'tag':
        return null;
      default:
        return assertNever(field, 'query field');
    }
  }

  /** A row's place in a sort order and direction (unknown values last either way). */
  #placeIn(order: SortOrder, direction: 'asc' | 'desc', row: number): number {
    const place = order.place[row] ?? 0;
    if (direction === 'asc') return place;
    const n = this.size;
    return place < order.unknownFrom
      ? order.unknownFrom - 1 - place
      : order.unknownFrom + (n - 1 - place);
  }

  /** The row at `i` of a sort order and direction. */
  #rowAt(order: SortOrder, direction: 'asc' | 'desc', i: number): number {
    if (direction === 'asc') return order.rows[i] ?? 0;
    const { unknownFrom } = order;
    return i < unknownFrom
      ? (order.rows[unknownFrom - 1 - i] ?? 0)
      : (order.rows[this.size - 1 - (i - unknownFrom)] ?? 0);
  }

  /**
   * One page of a query, as `readPage` answers it: the ids in page order, the count (stopping
   * past `countLimit` when set). Null when the index cannot answer this query (the SQL can).
   */
  page(
    clauses: readonly Clause[],
    offline: readonly string[],
    request: Pick<InventoryQuery, 'sort' | 'offset' | 'limit' | 'countLimit'>,
  ): IndexedPage | null {
    const { sort, offset, limit, countLimit } = request;
    const end = offset + limit;
    const plan = this.#plan(clauses, offline, end, countLimit);
    if (plan === null) return null;
    const order = this.orders.get(sort.field);
    if (order === undefined) return null;
    const answer = (rows: number[], counted: number): IndexedPage => {
      const totalExact = countLimit === undefined || counted <= countLimit;
      const total = countLimit === undefined ? counted : Math.min(counted, countLimit);
      const ids = totalExact && offset >= total ? [] : rows.map((row) => this.ids[row] ?? 0);
      return { ids, total, totalExact };
    };
    if (plan.empty) return answer([], 0);
    const { tests } = plan;
    const passes = (row: number): boolean => {
      for (const test of tests) if (!test(row)) return false;
      return true;
    };
    const smallest = plan.gathered[0];
    const n = this.size;
    const gather = (candidates: readonly number[]): IndexedPage => {
      const matches = candidates.filter(passes);
      const counted =
        countLimit === undefined ? matches.length : Math.min(matches.length, countLimit + 1);
      if (matches.length * matches.length <= end * n) {
        const places = new Float64Array(matches.length);
        const byPlace = matches.map((row, i) => {
          places[i] = this.#placeIn(order, sort.direction, row);
          return i;
        });
        byPlace.sort((a, b) => (places[a] ?? 0) - (places[b] ?? 0));
        return answer(
          byPlace.slice(offset, end).map((i) => matches[i] ?? 0),
          counted,
        );
      }
      // Many matches: the page is the first of them in the sort order.
      const marks = new Uint8Array(n);
      for (const row of matches) marks[row] = 1;
      const rows: number[] = [];
      for (let i = 0, seen = 0; i < n && seen < end; i++) {
        const row = this.#rowAt(order, sort.direction, i);
        if (marks[row] !== 1) continue;
        if (seen >= offset) rows.push(row);
        seen++;
      }
      return answer(rows, counted);
    };
    if (
      smallest !== undefined &&
      (countLimit === undefined || smallest.rows.length * smallest.rows.length <= end * n)
    ) {
      return gather(smallest.rows);
    }
    // Walk the sort order until the page and the count are complete. When the matches seen so
    // far say that will take more rows than the smallest gathered set has, test that set's rows
    // instead.
    const budget = smallest === undefined ? Infinity : smallest.rows.length;
    if (smallest !== undefined) tests.unshift(smallest.test);
    const stopAt = countLimit === undefined ? Infinity : Math.max(end, countLimit + 1);
    const rows: number[] = [];
    let counted = 0;
    let checkAt = 512;
    for (let i = 0; i < n && counted < stopAt; i++) {
      if (i === checkAt) {
        checkAt *= 2;
        if (smallest !== undefined && i * stopAt > budget * Math.max(1, counted)) {
          return gather(smallest.rows);
        }
      }
      const row = this.#rowAt(order, sort.direction, i);
      if (!passes(row)) continue;
      if (counted >= offset && counted < end) rows.push(row);
      counted++;
    }
    return answer(rows, countLimit === undefined ? counted : Math.min(counted, countLimit + 1));
  }
}

/** How an inventory keeps its search index: not at all, built on demand, or in the background. */
export type SearchIndexMode = 'off' | 'on-demand' | 'background';

/** Milliseconds of index building between two turns of the event loop. */
const buildSlice = 8;

/**
 * The search index of a live inventory, rebuilt after the inventory changes. `on-demand` builds
 * it within the first query after a change; `background` answers that query from SQL and builds
 * in slices of a few milliseconds, so the process stays responsive meanwhile. A build that sees
 * the inventory change under it is dropped; the next query starts another.
 */
export class LiveSearchIndex {
  #index: SearchIndex | null = null;
  #building = false;
  #failed: unknown = null;

  constructor(
    private readonly db: Sqlite,
    private readonly mode: Exclude<SearchIndexMode, 'off'>,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** The index when it is current; null while it is being built or cannot be. */
  current(): SearchIndex | null {
    if (this.#failed !== null || !this.db.open) return null;
    const generation = inventoryGeneration(this.db);
    if (this.#index?.generation === generation) return this.#index;
    this.#index = null;
    if (this.mode === 'on-demand') {
      try {
        this.#index = SearchIndex.build(this.db);
      } catch (error) {
        this.#fail(error);
      }
      return this.#index;
    }
    if (!this.#building) this.#build();
    return null;
  }

  /** Whether a background build is under way. */
  get building(): boolean {
    return this.#building;
  }

  #fail(error: unknown): void {
    this.#failed = error;
    this.onError(error);
  }

  #build(): void {
    this.#building = true;
    const steps = SearchIndex.steps(this.db);
    const slice = (): void => {
      try {
        const until = performance.now() + buildSlice;
        for (;;) {
          const step = steps.next();
          if (step.done === true) {
            this.#building = false;
            this.#index = step.value;
            return;
          }
          if (performance.now() >= until) break;
        }
        setImmediate(slice);
      } catch (error) {
        this.#building = false;
        if (this.db.open) this.#fail(error);
      }
    };
    setImmediate(slice);
  }
}
