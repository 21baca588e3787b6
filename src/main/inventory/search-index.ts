import type { SortField, SourceSystem } from '../../shared/inventory';
import type { Sqlite } from '../db/sqlite';
import type { AssetView } from './asset-rows';
import type { Clause } from './query-parser';
import { PageBuffers } from './search-buffers';
import { WordIndex } from './search-words';
import { FilterTests, type FilterContext } from './search-filters';
import { readIndex, systems, type SqliteWords } from './search-index-build';
import {
  readIndexedPage,
  walkBlock,
  type IndexedPage,
  type PageRequest,
  type PagingState,
} from './search-index-page';
import { planQuery, type PlanningState } from './search-index-plan';
import type { SortOrder } from './search-sort-orders';

export { searchTokenizer } from './search-index-build';
export type { IndexedPage } from './search-index-page';

/**
 * The inventory's search in memory: the columns a query tests, the words of the search text
 * with their positions, every sort order, and the columns a page shows, read from SQLite in
 * steps. A query's page, count and rows come from here in a fraction of the time the SQL takes.
 * It answers exactly as the SQL does (`readPage` over `compileQuery`): the words are the search
 * index's own (ASCII text split like its tokenizer, other text split by SQLite's tokenizer
 * itself), comparisons follow SQLite's (ASCII-only case folding, NULL never passing a
 * comparison), and each sort order is read along the SQL's own index, compared by SQLite.
 */
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
    this.#planning = {
      size: ids.length,
      words: this.#words,
      filters: this.#filters,
      buffers: this.#buffers,
      views,
    };
    this.#paging = { ids, buffers: this.#buffers, block: new Int32Array(walkBlock) };
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
   * One page of a query, as `readPage` answers it: the ids in page order, the count (stopping
   * past `countLimit` when set). Null when the index cannot answer this query (the SQL can).
   */
  page(
    clauses: readonly Clause[],
    offline: readonly string[],
    request: PageRequest,
    configured: readonly SourceSystem[] = systems,
  ): IndexedPage | null {
    try {
      return this.#page(clauses, { offline, configured }, request);
    } finally {
      this.#buffers.release();
    }
  }

  readonly #buffers: PageBuffers;
  readonly #planning: PlanningState;
  readonly #paging: PagingState;

  #page(
    clauses: readonly Clause[],
    context: FilterContext,
    request: PageRequest,
  ): IndexedPage | null {
    const { sort, offset, limit, countLimit } = request;
    const plan = planQuery(this.#planning, clauses, context, offset + limit, countLimit);
    if (plan === null) return null;
    const order = this.orders.get(sort.field);
    if (order === undefined) return null;
    return readIndexedPage(this.#paging, plan, order, request);
  }
}
