import {
  quickCountLimit,
  type AssetRow,
  type InventoryPage,
  type InventoryQuery,
} from '../../../../shared/inventory';
import type { AppErrorShape } from '../../../../shared/errors';
import type { Result } from '../../../../shared/result';

export type Sort = InventoryQuery['sort'];
export type PageFetcher = (request: {
  query: string;
  sort: Sort;
  offset: number;
  limit: number;
  countLimit?: number;
}) => Promise<Result<InventoryPage>>;

export const pageSize = 200;
/** The first answer to a new query is one screen of rows: what the user waits for on a keystroke. */
export const firstPageSize = 100;
/** Pages kept around the viewport; older ones are dropped so memory stays flat at any size. */
const maxPages = 40;

/**
 * The rows of one query and sort, fetched page by page as the table scrolls: only the visible
 * window (plus a page either side) ever crosses the contract. Subscribers hear when a page lands.
 */
export class RowCache {
  readonly #pages = new Map<number, AssetRow[]>();
  readonly #pending = new Set<number>();
  readonly #listeners = new Set<() => void>();
  #version = 0;
  /** Page 0 holds only the first answer's rows so far. */
  #partialFirst = false;
  #lastError: AppErrorShape | undefined;
  #total: number;
  #totalExact: boolean;
  #counting: Promise<void> | undefined;

  constructor(
    readonly query: string,
    readonly sort: Sort,
    total: number,
    first: InventoryPage | undefined,
    private readonly fetcher: PageFetcher,
  ) {
    this.#total = total;
    this.#totalExact = first?.totalExact ?? true;
    if (first) {
      this.#pages.set(0, first.rows);
      this.#partialFirst = first.rows.length < Math.min(pageSize, total);
    }
  }

  /**
   * Runs the query's first page; the cache exists only when the query is valid. The count stops
   * at `quickCountLimit` so a broad query answers as fast as a narrow one; `countExactly` reads
   * the full count afterwards.
   */
  static async open(
    fetcher: PageFetcher,
    query: string,
    sort: Sort,
  ): Promise<Result<{ cache: RowCache; page: InventoryPage }>> {
    const result = await fetcher({
      query,
      sort,
      offset: 0,
      limit: firstPageSize,
      countLimit: quickCountLimit,
    });
    if (!result.ok) return result;
    const cache = new RowCache(query, sort, result.data.total, result.data, fetcher);
    return { ok: true, data: { cache, page: result.data } };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  readonly version = (): number => this.#version;

  /** Matches so far: the full count, or the count up to the first answer's limit. */
  get total(): number {
    return this.#total;
  }

  /** False while `total` is only a lower bound ("1 000+"). */
  get totalExact(): boolean {
    return this.#totalExact;
  }

  /**
   * Reads the full count of a query whose first answer stopped counting at the limit (once:
   * callers share the request on its way).
   */
  countExactly(): Promise<void> {
    if (this.#totalExact) return Promise.resolve();
    this.#counting ??= this.#count();
    return this.#counting;
  }

  async #count(): Promise<void> {
    const result = await this.fetcher({
      query: this.query,
      sort: this.sort,
      offset: 0,
      limit: 1,
    });
    this.#counting = undefined;
    if (!result.ok) {
      this.#lastError = result.error;
      return;
    }
    this.#total = result.data.total;
    this.#totalExact = true;
    this.#partialFirst = (this.#pages.get(0)?.length ?? 0) < Math.min(pageSize, this.#total);
    this.#version++;
    for (const listener of this.#listeners) listener();
  }

  get lastError(): AppErrorShape | undefined {
    return this.#lastError;
  }

  row(index: number): AssetRow | undefined {
    return this.#pages.get(Math.floor(index / pageSize))?.[index % pageSize];
  }

  /** Rows already loaded, in order (for "select all loaded"). */
  loadedRows(): AssetRow[] {
    return [...this.#pages.entries()].sort(([a], [b]) => a - b).flatMap(([, rows]) => rows);
  }

  /**
   * Makes sure the rows from `start` to `end` (inclusive) are loaded or on their way, and the
   * full count once they come near the end of a count that stopped at the limit.
   */
  ensure(start: number, end: number): void {
    if (this.total === 0) return;
    // Scrolling towards the end of a count that stopped at the limit: the rest is needed now.
    if (!this.#totalExact && end >= this.total - pageSize) void this.countExactly();
    const first = Math.max(0, Math.floor(start / pageSize));
    const last = Math.min(Math.floor((this.total - 1) / pageSize), Math.floor(end / pageSize));
    for (let page = first; page <= last; page++) {
      const short = page === 0 && this.#partialFirst && end >= (this.#pages.get(0)?.length ?? 0);
      const loaded = this.#pages.has(page) && !short;
      if (loaded || this.#pending.has(page)) continue;
      this.#pending.add(page);
      void this.#load(page, first);
    }
  }

  async #load(page: number, near: number): Promise<void> {
    const result = await this.fetcher({
      query: this.query,
      sort: this.sort,
      offset: page * pageSize,
      limit: pageSize,
    });
    this.#pending.delete(page);
    if (!result.ok) {
      this.#lastError = result.error;
    } else {
      if (page === 0) this.#partialFirst = false;
      this.#pages.set(page, result.data.rows);
      this.#evictFar(near);
    }
    this.#version++;
    for (const listener of this.#listeners) listener();
  }

  #evictFar(near: number): void {
    if (this.#pages.size <= maxPages) return;
    const far = [...this.#pages.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const page of far.slice(0, this.#pages.size - maxPages)) this.#pages.delete(page);
  }
}
