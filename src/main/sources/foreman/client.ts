import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { ProfileView } from '../../../shared/profiles';
import type { Logger } from '../../core/logger';
import { HttpClient, type HttpClientOptions } from '../../net/http-client';
import { HttpError } from '../../net/errors';
import { mapLimit } from '../../net/pool';
import type { SecretValues } from '../../profiles/profile-service';
import { FactsPage, indexPage } from './schemas';

export const foremanSystem = 'Foreman';

export type ForemanProfile = ProfileView & {
  connection: Extract<ProfileView['connection'], { kind: 'foreman' }>;
};

export function foremanProfile(profile: ProfileView): ForemanProfile {
  if (profile.connection.kind !== 'foreman') {
    throw new AppError('bad-request', `Profile "${profile.name}" is not a Foreman profile.`);
  }
  return profile as ForemanProfile;
}

/**
 * The Authorization header for a profile (reference §2.1): a personal access token is the
 * password of HTTP Basic (`login:token`), a password likewise; `bearer` sends a Foreman-issued JWT.
 */
export function authorization(profile: ForemanProfile, secrets: SecretValues): string {
  const { auth } = profile.connection;
  const missing = (field: string) =>
    new AppError(
      'bad-request',
      `Profile "${profile.name}" has no ${field} stored; edit the profile to add it.`,
    );
  switch (auth.mode) {
    case 'token': {
      const token = secrets.token ?? '';
      if (token === '') throw missing('personal access token');
      return `Basic ${Buffer.from(`${auth.username}:${token}`).toString('base64')}`;
    }
    case 'password': {
      const password = secrets.password ?? '';
      if (password === '') throw missing('password');
      return `Basic ${Buffer.from(`${auth.username}:${password}`).toString('base64')}`;
    }
    case 'bearer': {
      const token = secrets.token ?? '';
      if (token === '') throw missing('token');
      return `Bearer ${token}`;
    }
  }
}

/** The API root: the profile URL with `/api` appended unless it already ends there. */
export function apiBaseUrl(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\/api(\/v2)?$/, '');
  return `${parsed.origin}${path}/api`;
}

export interface ForemanClientOptions {
  logger?: Logger;
  /** Overrides for the HTTP client (timeouts, retries, concurrency, counters). */
  http?: Partial<Omit<HttpClientOptions, 'system' | 'baseUrl' | 'tls' | 'headers'>>;
}

/** How an index is listed: its page size, query and a report after each page. */
interface ListOptions {
  signal: AbortSignal;
  perPage: number;
  query?: Record<string, string | undefined>;
  onPage?: (event: PageEvent) => void;
}

/** Listings re-run at most this often while records keep moving between pages. */
const maxListingPasses = 3;

export interface PageEvent {
  pagesDone: number;
  pagesTotal: number;
  items: number;
}

/** Foreman API v2 over the one HTTP client. Create one per sync or test; `close()` when done. */
export class ForemanClient {
  private constructor(
    readonly http: HttpClient,
    private readonly bearer: boolean,
  ) {}

  static async open(
    profile: ForemanProfile,
    secrets: SecretValues,
    options: ForemanClientOptions = {},
  ): Promise<ForemanClient> {
    const header = authorization(profile, secrets);
    const http = await HttpClient.create({
      ...options.http,
      system: foremanSystem,
      baseUrl: apiBaseUrl(profile.connection.url),
      tls: profile.connection.tls,
      headers: { authorization: header },
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    return new ForemanClient(http, profile.connection.auth.mode === 'bearer');
  }

  get concurrency(): number {
    return this.http.concurrency;
  }

  async get<S extends z.ZodType>(
    path: string,
    schema: S,
    signal: AbortSignal,
    query?: Record<string, string | number | undefined>,
    endpoint?: string,
  ): Promise<z.output<S>> {
    try {
      return await this.http.getJson(path, schema, {
        signal,
        ...(query === undefined ? {} : { query }),
        ...(endpoint === undefined ? {} : { endpoint }),
      });
    } catch (error) {
      // Foreman core takes personal access tokens only as Basic (reference §2.1).
      if (this.bearer && error instanceof HttpError && error.reason === 'unauthorized') {
        throw new HttpError(
          'unauthorized',
          `${error.message} Foreman accepts a personal access token only as HTTP Basic login:token — switch the profile's auth to "token"; Bearer is for Foreman-issued JWTs.`,
          error.details,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * Every item of an index, page by page (reference §4). The first page tells the count and the
   * page size Foreman applies (its echoed `per_page`, whatever was asked); the rest are fetched
   * concurrently (bounded by the client), then any further full pages in turn, in case records
   * were added meanwhile. Items are de-duplicated by id, first seen wins.
   *
   * Offset pages shift when records are deleted or added during the listing: a record can slide
   * onto a page already fetched and be missed, and a host missing from a sync would vanish from
   * the inventory. A pass whose pages disagree on the count, or that found fewer records than
   * the count says, is run again and the passes merged (a record deleted meanwhile is dropped by
   * the next sync; one missed would be lost now).
   */
  async listAll<S extends z.ZodType<{ id: number }>>(
    path: string,
    item: S,
    options: ListOptions,
  ): Promise<z.output<S>[]> {
    const seen = new Map<number, z.output<S>>();
    for (let pass = 1; ; pass++) {
      const { consistent, count } = await this.listPass(path, item, options, seen);
      if (consistent) break;
      if (pass < maxListingPasses) continue;
      // Still short after every pass: the pages do not add up (a server or proxy that ignores
      // `page`). Failing keeps the previous inventory; a partial list would drop hosts from it.
      if (seen.size < count) {
        throw new HttpError(
          'invalid-data',
          `${foremanSystem} GET ${path}: the index says ${count} records, but its pages held only ${seen.size} different ones; the previous data is kept.`,
          { system: foremanSystem, endpoint: `GET ${path}`, field: 'subtotal' },
        );
      }
      break;
    }
    return [...seen.values()];
  }

  /** One pass over every page into `seen`; consistent when the pages agree with each other. */
  private async listPass<S extends z.ZodType<{ id: number }>>(
    path: string,
    item: S,
    options: ListOptions,
    seen: Map<number, z.output<S>>,
  ): Promise<{ consistent: boolean; count: number }> {
    const Page = indexPage(item);
    const fetchPage = (page: number) =>
      this.get(
        path,
        Page,
        options.signal,
        { ...options.query, page, per_page: options.perPage },
        `${path}?page=${page}`,
      );
    const ids = new Set<number>();
    let pagesDone = 0;
    /** Adds a page's items; the number of ids this pass had not met before. */
    const add = (results: z.output<S>[], pagesTotal: number): number => {
      let fresh = 0;
      for (const result of results) {
        if (!ids.has(result.id)) fresh += 1;
        ids.add(result.id);
        if (!seen.has(result.id)) seen.set(result.id, result);
      }
      pagesDone += 1;
      options.onPage?.({ pagesDone, pagesTotal, items: seen.size });
      return fresh;
    };
    const firstPage = await fetchPage(1);
    const count = firstPage.subtotal;
    /** Every count the pages reported; more than one means records came or went meanwhile. */
    const counts = new Set([count]);
    const check = (subtotal: number) => counts.add(subtotal);
    // A server that pages by another size than asked (a proxy, a plugin) is read by its own.
    const size = firstPage.per_page > 0 ? firstPage.per_page : options.perPage;
    const pagesTotal = Math.max(1, Math.ceil(count / size));
    add(firstPage.results, pagesTotal);
    const rest = Array.from({ length: pagesTotal - 1 }, (_, i) => i + 2);
    let last = firstPage.results.length;
    await mapLimit(rest, this.concurrency, async (page) => {
      const { results, subtotal } = await fetchPage(page);
      check(subtotal);
      add(results, pagesTotal);
      if (page === pagesTotal) last = results.length;
    });
    // Full pages beyond the count: records were added meanwhile. A page that brings nothing new
    // (a server that ignores `page` repeats the first one) ends the walk.
    for (let page = pagesTotal + 1; last >= size; page++) {
      const { results, subtotal } = await fetchPage(page);
      check(subtotal);
      if (add(results, page) === 0) break;
      last = results.length;
    }
    return { consistent: counts.size === 1 && ids.size >= count, count };
  }

  /**
   * A host's facts, all pages (reference §6.6: paginated per fact value; `per_page=all` would
   * return nothing). Results are keyed by host name; all keys are merged.
   */
  async facts(
    hostId: number,
    signal: AbortSignal,
    perPage: number,
  ): Promise<Record<string, string | null>> {
    const path = `/hosts/${hostId}/facts`;
    const facts: Record<string, string | null> = {};
    // A bound against a server that repeats a page forever: 200 × per_page facts is plenty.
    for (let page = 1; page <= 200; page++) {
      const answer = await this.get(path, FactsPage, signal, { page, per_page: perPage });
      let count = 0;
      let fresh = 0;
      for (const values of Object.values(answer.results)) {
        for (const [name, value] of Object.entries(values)) {
          if (!Object.hasOwn(facts, name)) fresh += 1;
          facts[name] = value;
          count += 1;
        }
      }
      // Foreman pages by the size it echoes, which may be smaller than the one asked for; a page
      // with nothing new is a server repeating itself.
      const size = answer.per_page !== undefined && answer.per_page > 0 ? answer.per_page : perPage;
      if (count < size || fresh === 0) break;
    }
    return facts;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
