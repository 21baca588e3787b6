import { sortFields, type SortField } from '../../shared/inventory';
import { inventoryGeneration } from './asset-store';
import { caseFold, type Sqlite } from '../db/sqlite';
import { assetView, type AssetDbRow, type AssetView } from './asset-rows';
import { textWords } from './query-sql';
import { sortOrder, sortedIds, type SortedId, type SortOrder } from './search-sort-orders';
import { expectedIn } from './drift-rule';
import { listItems, valueText } from './search-text';

/**
 * Reading the search index (`SearchIndex`) from SQLite: the assets a chunk at a time, their
 * words as the search index has them, each word's assets, each asset's profiles and every sort
 * order, in steps of a few milliseconds.
 */

/** The search index's tokenizer (migration 5); the words of non-ASCII text come from it. */
export const searchTokenizer = 'unicode61 remove_diacritics 2';

/** The search text's columns, in the search index's order. */
export const textColumns = ['name', 'fqdn', 'ips', 'macs', 'os', 'groups', 'tags', 'aka'] as const;
export const columnCount = textColumns.length;
export type TextColumn = (typeof textColumns)[number];
/**
 * The token between two items of a list (`itemBreak` in the SQL's text): no word, so no phrase
 * runs across it, and no word's rows count it.
 */
export const itemBreakToken = -1;
/** Columns held as JSON lists (`listText` in the search index). */
export const listColumns: ReadonlySet<TextColumn> = new Set([
  'ips',
  'macs',
  'groups',
  'tags',
  'aka',
]);
export const systems = ['foreman', 'proxmox', 'patchmon', 'routeros'] as const;

/** An asset as the index reads it (`.raw()`, in `readColumns` order: no object per row). */
export type AssetSearchRow = [
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
  last_seen: string,
  aka: string,
];
export const readColumns = `id, kind, status, name, fqdn, os, ips, macs, groups, tags, cluster, site,
  organization, location, updates, security, reboot_needed,
  in_foreman, in_proxmox, in_patchmon, in_routeros, last_seen, aka`;
/** Where each text column is in an `AssetSearchRow`. */
const textAt: Record<TextColumn, 3 | 4 | 5 | 6 | 7 | 8 | 9 | 22> = {
  name: 3,
  fqdn: 4,
  os: 5,
  ips: 6,
  macs: 7,
  groups: 8,
  tags: 9,
  aka: 22,
};

/**
 * Splits text the way the search index does, for text that is not plain ASCII: through a
 * scratch FTS5 table with the same tokenizer in the connection's temp schema, read back with
 * fts5vocab. Plain ASCII text never comes here (`textWords` splits it identically); other text
 * comes folded, as the index's text is (`valueText`).
 */
export class SqliteWords {
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

/**
 * The texts of one column of a row whose words the search index holds in a row: the value, or
 * for a list each item (`listText` puts a break between them); a column that does not hold a
 * list is one text.
 */
function columnTexts(row: AssetSearchRow, column: TextColumn): string[] {
  const value = row[textAt[column]];
  if (value === null) return [];
  return (listColumns.has(column) ? listItems(value) : null) ?? [value];
}

/**
 * Assets as a page shows them, one frozen object a row, made as the index is read: a page is
 * then a lookup a row rather than two dozen columns read and five JSON values parsed, for each
 * of its hundred rows. A value that repeats (tags, groups, the systems, the patch counts, `[]`)
 * is one shared frozen object.
 */
export class AssetViews {
  readonly views: AssetView[] = [];
  /** Bytes the views hold, about. */
  bytes = 0;
  readonly #shared = new Map<string, object>();

  add(row: AssetSearchRow): void {
    const [id, kind, status, name, fqdn, os, ips, macs, groups, tags] = row;
    const stored: AssetDbRow = {
      id,
      kind,
      status,
      name,
      fqdn,
      os,
      ips,
      macs,
      groups,
      tags,
      cluster: row[10],
      site: row[11],
      organization: row[12],
      location: row[13],
      updates: row[14],
      security: row[15],
      reboot_needed: row[16],
      in_foreman: row[17],
      in_proxmox: row[18],
      in_patchmon: row[19],
      in_routeros: row[20],
      last_seen: row[21],
    };
    // The shared values are put in place, not spread into a copy: V8 gives each frozen copy of
    // a spread object a hidden class of its own (one per asset), and every read of a page's
    // fields then misses its inline caches and the object's out-of-line property store.
    const view = assetView(stored);
    view.ips = this.#share(`i${ips}`, view.ips, ips.length);
    view.macs = this.#share(`m${macs}`, view.macs, macs.length);
    view.groups = this.#share(`g${groups}`, view.groups, groups.length);
    view.tags = this.#share(`t${tags}`, view.tags, tags.length);
    const { patch } = view;
    view.patch = this.#share(`p${patch.updates}:${patch.security}:${patch.rebootNeeded}`, patch, 0);
    view.systems = this.#share(`s${view.systems.join()}`, view.systems, 8);
    view.lastSeen = this.#share(`l${stored.last_seen}`, view.lastSeen, stored.last_seen.length);
    this.views.push(Object.freeze(view));
    // The object's fields, and its own strings.
    this.bytes += 24 + 19 * 8 + [name, fqdn, os].reduce((n, v) => n + 16 + (v?.length ?? 0), 0);
  }

  /** One frozen object for equal values (their stored text as the key). */
  #share<T extends object>(key: string, value: T, textLength: number): T {
    const known = this.#shared.get(key);
    if (known !== undefined) return known as T;
    Object.freeze(value);
    this.#shared.set(key, value);
    this.bytes += 48 + textLength * 2;
    return value;
  }
}

export function code(map: Map<string, number>, value: string): number {
  let id = map.get(value);
  if (id === undefined) {
    id = map.size;
    map.set(value, id);
  }
  return id;
}

/** Items of a step of work between two yields, about (a few milliseconds here). */
const stepItems = 16_384;

/**
 * Strings sorted as `Array.prototype.sort` sorts them (by UTF-16 code units), in steps: runs
 * sorted natively, then merged a bounded number of items per step.
 */
function* sortInSteps(items: readonly string[]): Generator<void, string[]> {
  const n = items.length;
  const run = 4096;
  let source: string[] = [];
  for (let from = 0; from < n; from += run) {
    for (const item of items.slice(from, from + run).sort()) source.push(item);
    yield;
  }
  let target: string[] = new Array<string>(n);
  let work = 0;
  for (let width = run; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let a = lo;
      let b = mid;
      for (let at = lo; at < hi; at++) {
        const left = source[a];
        const right = source[b];
        if (b >= hi || (a < mid && left !== undefined && right !== undefined && left <= right)) {
          target[at] = left ?? '';
          a++;
        } else {
          target[at] = right ?? '';
          b++;
        }
        if (++work >= stepItems) {
          work = 0;
          yield;
        }
      }
    }
    [source, target] = [target, source];
  }
  return source;
}

/** Collects the rows of an index as they are read, then numbers and arranges them. */
export class IndexBuilder {
  readonly ids: number[] = [];
  readonly rowOf = new Map<number, number>();
  readonly kind: number[] = [];
  readonly kinds = new Map<string, number>();
  readonly status: number[] = [];
  readonly statuses = new Map<string, number>();
  readonly present = systems.map((): number[] => []);
  /** Per system, whether it should know each row, whatever it knows (drift-rule.ts). */
  readonly expected = systems.map((): number[] => []);
  readonly updates: number[] = [];
  readonly security: number[] = [];
  readonly reboot: number[] = [];
  /** cluster, site, organization, location: a code per row (-1 unknown) into `exactValues`. */
  readonly exact: number[][] = [[], [], [], []];
  readonly exactValues = [0, 1, 2, 3].map(() => new Map<string, number>());
  readonly wordIds = new Map<string, number>();
  readonly views = new AssetViews();
  readonly spans: number[] = [0];
  readonly tokens: number[] = [];
  #tokens: Int32Array = new Int32Array(0);
  #spans: Int32Array = new Int32Array(0);

  constructor(readonly splitter: SqliteWords) {}

  addRows(rows: readonly AssetSearchRow[]): void {
    // The texts that are not plain ASCII are split by SQLite, all of a chunk's at once.
    const other: string[] = [];
    const texts = rows.map((row) =>
      textColumns.map((column) =>
        columnTexts(row, column).map((text) => {
          const words = textWords(text);
          if (words !== null) return words;
          other.push(valueText(text));
          return other.length - 1;
        }),
      ),
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
      this.reboot.push(row[16] ?? Number.NaN);
      foreman?.push(row[17]);
      proxmox?.push(row[18]);
      patchmon?.push(row[19]);
      routeros?.push(row[20]);
      for (let s = 0; s < systems.length; s++) {
        this.expected[s]?.push(expectedIn(systems[s] ?? 'routeros', row[1], row[5]) ? 1 : 0);
      }
      this.views.add(row);
      for (const column of texts[r] ?? []) {
        column.forEach((words, item) => {
          if (item > 0) this.tokens.push(itemBreakToken);
          const list = typeof words === 'number' ? (otherWords[words] ?? []) : words;
          for (const word of list) this.tokens.push(code(this.wordIds, word));
        });
        this.spans.push(this.tokens.length);
      }
    }
  }

  /** A value with its case folded (`caseFold`), numbered per column; -1 when unknown. */
  #exactCode(column: number, value: string | null): number {
    const values = this.exactValues[column];
    return value === null || values === undefined ? -1 : code(values, caseFold(value));
  }

  /** The words in sorted order (so a prefix is a range of ids) and the rows' words by id. */
  *numberWords(): Generator<void, { words: string[]; spans: Int32Array; tokens: Int32Array }> {
    const words = yield* sortInSteps([...this.wordIds.keys()]);
    const renumber = new Int32Array(words.length);
    for (let id = 0; id < words.length; id++) {
      renumber[this.wordIds.get(words[id] ?? '') ?? 0] = id;
    }
    yield;
    const tokens = new Int32Array(this.tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const token = this.tokens[i] ?? 0;
      tokens[i] = token === itemBreakToken ? token : (renumber[token] ?? 0);
      if (i % (stepItems * 8) === 0) yield;
    }
    this.#tokens = tokens;
    this.#spans = Int32Array.from(this.spans);
    return { words, spans: this.#spans, tokens };
  }

  /** Each word's rows, ascending: counted per word, then filled. */
  *postings(
    wordCount: number,
  ): Generator<void, { from: Int32Array; rows: Int32Array; columns: Uint8Array }> {
    const tokens = this.#tokens;
    const spans = this.#spans;
    const n = this.ids.length;
    const from = new Int32Array(wordCount + 1);
    const lastRow = new Int32Array(wordCount).fill(-1);
    for (let row = 0; row < n; row++) {
      const to = spans[(row + 1) * columnCount] ?? 0;
      for (let at = spans[row * columnCount] ?? 0; at < to; at++) {
        const word = tokens[at] ?? 0;
        if (word !== itemBreakToken && lastRow[word] !== row) {
          lastRow[word] = row;
          from[word + 1] = (from[word + 1] ?? 0) + 1;
        }
      }
      if (row % (stepItems / 4) === 0) yield;
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
          if (word === itemBreakToken) continue;
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
      if (row % (stepItems / 4) === 0) yield;
    }
    return { from, rows, columns };
  }

  readonly #linkRows: number[] = [];
  readonly #linkProfiles: number[] = [];
  readonly #profileIds = new Map<string, number>();

  /** Links (asset → profile) in the order an asset's profiles are read in. */
  addLinks(links: readonly [rowid: number, assetId: number, profileId: string][]): void {
    for (const link of links) {
      const row = this.rowOf.get(link[1]);
      if (row === undefined) continue;
      this.#linkRows.push(row);
      this.#linkProfiles.push(code(this.#profileIds, link[2]));
    }
  }

  /** Each row's profiles (a row's from `from[row]` to the next), numbered in `ids`. */
  profiles(): { from: Int32Array; of: Int32Array; ids: Map<string, number> } {
    const n = this.ids.length;
    const rows = this.#linkRows;
    const count = new Int32Array(n + 1);
    for (const row of rows) count[row + 1] = (count[row + 1] ?? 0) + 1;
    for (let row = 0; row < n; row++) count[row + 1] = (count[row + 1] ?? 0) + (count[row] ?? 0);
    const of = new Int32Array(rows.length);
    const fill = count.slice(0, n);
    rows.forEach((row, i) => {
      const place = fill[row] ?? 0;
      of[place] = this.#linkProfiles[i] ?? 0;
      fill[row] = place + 1;
    });
    return { from: count, of, ids: this.#profileIds };
  }

  /**
   * A sort order from the rows in value order, each value's rows then put in name order
   * (`nameRank`); null when the assets changed.
   */
  order(sorted: readonly SortedId[], nameRank: Int32Array | null): SortOrder | null {
    return sortOrder(sorted, this.rowOf, this.ids.length, nameRank);
  }
}

/** What reading the index from the database gives, before it becomes a `SearchIndex`. */
export interface IndexRead {
  /** The inventory generation it was read at. */
  generation: number;
  builder: IndexBuilder;
  words: { words: string[]; spans: Int32Array; tokens: Int32Array };
  postings: { from: Int32Array; rows: Int32Array; columns: Uint8Array };
  profiles: { from: Int32Array; of: Int32Array; ids: Map<string, number> };
  orders: Map<SortField, SortOrder>;
}

/**
 * Reads the assets, their words, profiles and sort orders in steps of a few milliseconds each
 * (yielding between them); null when the inventory changed meanwhile.
 */
export function* readIndex(db: Sqlite, chunk: number): Generator<void, IndexRead | null> {
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
  const words = yield* builder.numberWords();
  const postings = yield* builder.postings(words.words.length);
  // In table order, a chunk at a time: within an asset that is the order of the asset_id
  // index (the rowid), which the SQL reads an asset's profiles in.
  const readLinks = db
    .prepare(
      'SELECT rowid, asset_id, profile_id FROM asset_links WHERE rowid > ? ORDER BY rowid LIMIT ?',
    )
    .raw(true);
  for (let after = -Infinity; ;) {
    const links = readLinks.all(after, chunk * 8) as [
      rowid: number,
      assetId: number,
      profileId: string,
    ][];
    if (links.length === 0) break;
    builder.addLinks(links);
    after = links.at(-1)?.[0] ?? after;
    yield;
  }
  const profiles = builder.profiles();
  yield;
  const orders = new Map<SortField, SortOrder>();
  // By name first: the other orders put each value's rows in name order.
  let nameRank: Int32Array | null = null;
  for (const field of ['name' as const, ...sortFields.filter((f) => f !== 'name')]) {
    const sorted = yield* sortedIds(db, field, chunk * 16);
    const order = builder.order(sorted, nameRank);
    if (order === null) return null;
    orders.set(field, order);
    nameRank ??= order.place;
    yield;
  }
  if (inventoryGeneration(db) !== generation) return null;
  return { generation, builder, words, postings, profiles, orders };
}
