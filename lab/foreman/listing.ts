/** Foreman's index envelope: search, order, page and per_page exactly as reference §4 describes. */
import type { LabRequest } from '../common/http';
import { compileSearch, SearchError, type SearchFields } from './search';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Foreman API error ${status}`);
  }
}

/** Ruby's `String#to_i`: leading integer or 0. */
export function rubyToI(value: string): number {
  const m = /^\s*([+-]?\d+)/.exec(value);
  return m ? Number(m[1]) : 0;
}

/** will_paginate's page number rules: an integer ≥ 1, or a 500 like Foreman's catch-all. */
function pageNumber(raw: string | null): number {
  if (raw === null || raw === '') return 1;
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) {
    throw new ApiError(500, { error: { message: `invalid value for Integer(): "${raw}"` } });
  }
  const n = Number(raw);
  if (n < 1) throw new ApiError(500, { error: { message: `invalid page: ${n}` } });
  return n;
}

export interface ListOptions<T> {
  fields: SearchFields<T>;
  defaultField: string;
  defaultPerPage: number;
  now: number;
}

export interface Listing<T> {
  total: number;
  subtotal: number;
  page: number;
  perPage: number;
  search: string | null;
  sort: { by: string | null; order: string | null };
  results: T[];
}

/** Filters, orders and pages `items` (already scoped, in default order). */
export function listItems<T>(req: LabRequest, items: readonly T[], o: ListOptions<T>): Listing<T> {
  const search = req.query.get('search');
  let matched: readonly T[] = items;
  if (search !== null && search.trim() !== '') {
    try {
      const predicate = compileSearch(search, o.fields, o.defaultField, o.now);
      matched = items.filter((item) => predicate(item));
    } catch (error) {
      if (error instanceof SearchError) {
        throw new ApiError(400, {
          error: { message: error.message, class: 'ScopedSearch::QueryNotSupported' },
        });
      }
      throw error;
    }
  }
  const order = req.query.get('order');
  let sort: Listing<T>['sort'] = { by: null, order: null };
  if (order !== null && order.trim() !== '') {
    const [by = '', dir = 'ASC'] = order.trim().split(/\s+/);
    const field = o.fields[by];
    if (!field) {
      throw new ApiError(400, {
        error: {
          message: `the field '${by}' in the order statement is not valid field for search`,
          class: 'ScopedSearch::QueryNotSupported',
        },
      });
    }
    const desc = dir.toUpperCase() === 'DESC';
    sort = { by, order: desc ? 'DESC' : 'ASC' };
    matched = [...matched].sort((a, b) => {
      const x = field.get(a) ?? '';
      const y = field.get(b) ?? '';
      const c = x < y ? -1 : x > y ? 1 : 0;
      return desc ? -c : c;
    });
  }
  const total = items.length;
  const subtotal = search !== null && search.trim() !== '' ? matched.length : total;
  const perPageRaw = req.query.get('per_page');
  const page = pageNumber(req.query.get('page'));
  const envelopePage = req.query.has('page') ? rubyToI(req.query.get('page') ?? '') : 1;
  if (perPageRaw === 'all') {
    return {
      total,
      subtotal,
      page: envelopePage,
      perPage: total,
      search,
      sort,
      results: [...matched],
    };
  }
  const perPage = perPageRaw === null ? o.defaultPerPage : rubyToI(perPageRaw);
  const results = perPage > 0 ? matched.slice((page - 1) * perPage, page * perPage) : [];
  return { total, subtotal, page: envelopePage, perPage, search, sort, results };
}

export function envelope<T>(listing: Listing<T>, view: (item: T) => unknown): unknown {
  return {
    total: listing.total,
    subtotal: listing.subtotal,
    page: listing.page,
    per_page: listing.perPage,
    search: listing.search,
    sort: listing.sort,
    results: listing.results.map(view),
  };
}
