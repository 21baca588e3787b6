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
   * Every item of an index, page by page (reference §4). The first page tells the total; the rest
   * are fetched concurrently (bounded by the client), then any further full pages in turn, in
   * case records were added meanwhile. Items are de-duplicated by id, first seen wins.
   */
  async listAll<S extends z.ZodType<{ id: number }>>(
    path: string,
    item: S,
    options: {
      signal: AbortSignal;
      perPage: number;
      query?: Record<string, string | undefined>;
      onPage?: (event: PageEvent) => void;
    },
  ): Promise<z.output<S>[]> {
    const Page = indexPage(item);
    const { perPage } = options;
    const fetchPage = (page: number) =>
      this.get(
        path,
        Page,
        options.signal,
        { ...options.query, page, per_page: perPage },
        `${path}?page=${page}`,
      );
    const seen = new Map<number, z.output<S>>();
    let pagesDone = 0;
    const add = (results: z.output<S>[], pagesTotal: number) => {
      for (const result of results) if (!seen.has(result.id)) seen.set(result.id, result);
      pagesDone += 1;
      options.onPage?.({ pagesDone, pagesTotal, items: seen.size });
    };
    const firstPage = await fetchPage(1);
    const pagesTotal = Math.max(1, Math.ceil(firstPage.subtotal / perPage));
    add(firstPage.results, pagesTotal);
    const rest = Array.from({ length: pagesTotal - 1 }, (_, i) => i + 2);
    let last = firstPage.results.length;
    await mapLimit(rest, this.concurrency, async (page) => {
      const { results } = await fetchPage(page);
      add(results, pagesTotal);
      if (page === pagesTotal) last = results.length;
    });
    for (let page = pagesTotal + 1; last >= perPage; page++) {
      const { results } = await fetchPage(page);
      add(results, page);
      last = results.length;
    }
    return [...seen.values()];
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
      for (const values of Object.values(answer.results)) {
        for (const [name, value] of Object.entries(values)) {
          facts[name] = value;
          count += 1;
        }
      }
      if (count < perPage) break;
    }
    return facts;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
