import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import type { z } from 'zod';
import type { TlsOptions } from '../../shared/profiles';
import { appVersion } from '../app/version';
import { silentLogger, type Logger } from '../core/logger';
import { HttpError } from './errors';
import { describeTransportError, statusError } from './failures';
import { parseJsonBody } from './json';
import { backoffDelay, parseRetryAfter, Semaphore, sleep, untilAborted } from './retry';
import { createTlsConnector } from './tls-connector';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One attempt on the wire, for counters and benchmarks. */
export interface RequestEvent {
  method: HttpMethod;
  path: string;
  /** 1 for the first try, 2 for the first retry… */
  attempt: number;
  /** Null when no response arrived. */
  status: number | null;
  ms: number;
}

export interface HttpClientOptions {
  /** The system's name in messages: "Foreman", "PatchMon". */
  system: string;
  /** `https://host:port` with an optional path prefix. */
  baseUrl: string;
  tls: TlsOptions;
  /** Sent with every request (authorization goes here; the logger never sees it). */
  headers?: Record<string, string>;
  connectTimeoutMs?: number;
  /** Time allowed for the status line and headers once the request is sent. */
  headersTimeoutMs?: number;
  /** Time allowed between two body chunks. */
  bodyTimeoutMs?: number;
  /** Requests in flight at once (also the connection pool size). */
  concurrency?: number;
  /** Retries after the first attempt, for idempotent requests only. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `Retry-After` longer than this fails at once instead of stalling the sync. */
  maxRetryAfterMs?: number;
  /** Response bodies above this size are aborted. */
  maxBodyBytes?: number;
  logger?: Logger;
  onRequest?: (event: RequestEvent) => void;
  random?: () => number;
}

export interface RequestOptions {
  method?: HttpMethod;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** A JSON body (sent with `Content-Type: application/json`). */
  json?: unknown;
  signal?: AbortSignal;
  /** Name of the endpoint in messages; defaults to the path. */
  endpoint?: string;
  maxBodyBytes?: number;
  /**
   * Statuses that are this endpoint's answer rather than a passing failure, so they are not
   * retried (Proxmox VE answers 500 "QEMU guest agent is not running" for a VM without one); or,
   * where only the message tells such an answer from a passing 500, a test of the response.
   */
  finalStatuses?: readonly number[] | ((response: Omit<HttpResponse, 'attempts'>) => boolean);
}

export interface HttpResponse {
  status: number;
  /**
   * The reason phrase of the status line. Proxmox VE puts its error text there, and before
   * libpve-http-server-perl 5.2.0 (PVE < 8.4) only there (reference/proxmox.md §2.2).
   */
  statusText?: string;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  body: Buffer;
  /** Attempts it took (1 = no retry). */
  attempts: number;
}

export const httpDefaults = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  concurrency: 6,
  maxRetries: 3,
  baseDelayMs: 300,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  maxBodyBytes: 64 * 1024 * 1024,
} as const;

type Resolved = Required<Omit<HttpClientOptions, 'headers' | 'logger' | 'onRequest' | 'random'>> &
  Pick<HttpClientOptions, 'onRequest' | 'random'> & { headers: Record<string, string> };

const retryableStatus = new Set([500, 502, 503, 504]);

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

/**
 * The one HTTP client every HTTP connector uses: undici with a per-profile dispatcher honouring
 * the profile's TLS options (see `createTlsConnector`), timeouts, bounded concurrency, retries with
 * backoff and jitter for idempotent requests (5xx, timeouts, dropped connections), `Retry-After`
 * on 429/503, response-size caps and zod-validated JSON. Create one per sync or test; `close()`
 * when done.
 */
export class HttpClient {
  private readonly gate: Semaphore;
  private readonly logger: Logger;
  private sent = 0;
  /** Answers validated as JSON so far. */
  private answered = 0;
  /** `https://host:port` and the path prefix of `baseUrl`; null when it does not parse. */
  private readonly base: { origin: string; prefix: string } | null;

  private constructor(
    private readonly options: Resolved,
    private readonly dispatcher: Dispatcher & { destroy(): Promise<void> },
    logger: Logger,
  ) {
    this.gate = new Semaphore(options.concurrency);
    this.logger = logger;
    this.base = splitBaseUrl(options.baseUrl);
  }

  static async create(options: HttpClientOptions): Promise<HttpClient> {
    const setting = (key: keyof typeof httpDefaults): number => options[key] ?? httpDefaults[key];
    const resolved: Resolved = {
      system: options.system,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      tls: options.tls,
      headers: {
        'user-agent': `Rackside/${appVersion}`,
        accept: 'application/json',
        ...options.headers,
      },
      connectTimeoutMs: setting('connectTimeoutMs'),
      headersTimeoutMs: setting('headersTimeoutMs'),
      bodyTimeoutMs: setting('bodyTimeoutMs'),
      concurrency: setting('concurrency'),
      maxRetries: setting('maxRetries'),
      baseDelayMs: setting('baseDelayMs'),
      maxDelayMs: setting('maxDelayMs'),
      maxRetryAfterMs: setting('maxRetryAfterMs'),
      maxBodyBytes: setting('maxBodyBytes'),
      onRequest: options.onRequest,
      random: options.random,
    };
    const connect = await createTlsConnector({
      tls: options.tls,
      connectTimeoutMs: resolved.connectTimeoutMs,
      system: options.system,
    });
    const agent = new Agent({
      connect,
      connections: resolved.concurrency,
      headersTimeout: resolved.headersTimeoutMs,
      bodyTimeout: resolved.bodyTimeoutMs,
    });
    return new HttpClient(
      resolved,
      agent,
      (options.logger ?? silentLogger).child(options.system.toLowerCase()),
    );
  }

  /** Attempts sent so far (retries included). */
  get requestCount(): number {
    return this.sent;
  }

  /** Requests allowed in flight at once. */
  get concurrency(): number {
    return this.options.concurrency;
  }

  get system(): string {
    return this.options.system;
  }

  /**
   * Sends a request and returns the final response, whatever its status; retries idempotent
   * requests on 5xx, 429, timeouts and dropped connections first. Transport failures (TLS, DNS,
   * refused, timeouts after the last retry, oversized bodies, cancellation) throw `HttpError`.
   */
  async request(path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const method = options.method ?? 'GET';
    const endpoint = options.endpoint ?? path;
    const idempotent = method === 'GET' || method === 'HEAD';
    const maxRetries = idempotent ? this.options.maxRetries : 0;
    const url = this.url(path, options.query);
    const where = { system: this.options.system, endpoint: `${method} ${endpoint}` };
    for (let attempt = 0; ; attempt++) {
      this.throwIfAborted(options.signal, where);
      let response: Omit<HttpResponse, 'attempts'>;
      try {
        response = await this.gate.run(() => this.once(url, path, method, attempt, options));
      } catch (error) {
        if (options.signal?.aborted) throw this.cancelled(where, error);
        const failure = describeTransportError(error, where, this.options, {
          attempts: attempt + 1,
          tls: this.options.baseUrl.startsWith('https:'),
        });
        if (attempt >= maxRetries || !failure.retryable) throw failure.error;
        const wait = backoffDelay(attempt, this.backoff());
        this.logger.warn('retrying after a transport failure', {
          ...where,
          attempt: attempt + 1,
          reason: failure.error.reason,
          waitMs: wait,
        });
        await this.pause(wait, options.signal, where);
        continue;
      }
      const retryAfter = parseRetryAfter(headerValue(response.headers['retry-after']));
      const answer = options.finalStatuses;
      const retryable =
        (response.status === 429 || retryableStatus.has(response.status)) &&
        (typeof answer === 'function'
          ? !answer(response)
          : answer?.includes(response.status) !== true);
      const final =
        !retryable ||
        attempt >= maxRetries ||
        (retryAfter !== null && retryAfter > this.options.maxRetryAfterMs);
      if (final) return { ...response, attempts: attempt + 1 };
      const wait = retryAfter ?? backoffDelay(attempt, this.backoff());
      this.logger.warn('retrying after an error status', {
        ...where,
        attempt: attempt + 1,
        status: response.status,
        waitMs: wait,
      });
      await this.pause(wait, options.signal, where);
    }
  }

  /**
   * GET (by default) a JSON document and validate it: the typed value, or an `HttpError` naming
   * the system, endpoint and — for bad data — the path of the first bad field. A 2xx answer that is
   * an HTML page means the URL points at a web UI, not the API.
   */
  async getJson<S extends z.ZodType>(
    path: string,
    schema: S,
    options: RequestOptions = {},
  ): Promise<z.output<S>> {
    const response = await this.request(path, options);
    const endpoint = `${options.method ?? 'GET'} ${options.endpoint ?? path}`;
    const where = { system: this.options.system, endpoint, status: response.status };
    if (response.status < 200 || response.status > 299) {
      throw statusError(response, where);
    }
    return this.parseJson(response, schema, where);
  }

  /**
   * A 2xx answer validated as JSON (`parseJsonBody`). Counted: once the API has answered, a web
   * page instead is said to be a failure of that request, not a URL that points elsewhere.
   */
  parseJson<S extends z.ZodType>(
    response: Pick<HttpResponse, 'contentType' | 'body'>,
    schema: S,
    where: { system: string; endpoint: string; status?: number },
  ): z.output<S> {
    const value = parseJsonBody(response, schema, { ...where, answeredBefore: this.answered > 0 });
    this.answered += 1;
    return value;
  }

  async close(): Promise<void> {
    await this.dispatcher.destroy();
  }

  private url(path: string, query: RequestOptions['query']): string {
    if (query === undefined) return `${this.options.baseUrl}${path}`;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.append(key, String(value));
    }
    const search = params.toString();
    return `${this.options.baseUrl}${path}${search === '' ? '' : `?${search}`}`;
  }

  private backoff() {
    return {
      baseDelayMs: this.options.baseDelayMs,
      maxDelayMs: this.options.maxDelayMs,
      ...(this.options.random === undefined ? {} : { random: this.options.random }),
    };
  }

  private async once(
    url: string,
    path: string,
    method: HttpMethod,
    attempt: number,
    options: RequestOptions,
  ): Promise<Omit<HttpResponse, 'attempts'>> {
    this.sent += 1;
    const started = performance.now();
    let status: number | null = null;
    try {
      const headers: Record<string, string> = { ...this.options.headers, ...options.headers };
      let body: string | undefined;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['content-type'] = 'application/json';
      }
      const target = this.base === null ? null : requestTarget(this.base, url);
      // Straight to the dispatcher when the target needs no URL parsing (a sync sends tens of
      // thousands of requests); `request` parses the URL text and then does the same.
      // undici applies a cancel to a request only once it has a connection: a connect that
      // hangs (a host that accepts and never answers the TLS handshake) would keep a cancelled
      // sync waiting for the connect timeout.
      const response = await untilAborted(
        target === null
          ? undiciRequest(url, {
              method,
              headers,
              body,
              dispatcher: this.dispatcher,
              signal: options.signal,
            })
          : this.dispatcher.request({
              origin: target.origin,
              path: target.path,
              method,
              headers,
              body,
              signal: options.signal,
            }),
        options.signal,
        // A response that arrives after the cancel: its body discarded, freeing the connection.
        (late) => {
          late.body.on('error', () => undefined);
          late.body.destroy();
        },
      );
      status = response.statusCode;
      const limit = options.maxBodyBytes ?? this.options.maxBodyBytes;
      const chunks = await readCapped(response.body, limit, response.headers['content-length']);
      if (chunks === null) {
        throw new HttpError(
          'too-large',
          `${this.options.system} ${method} ${options.endpoint ?? path}: the answer is larger than ${formatBytes(limit)}; refusing to read it.`,
          {
            system: this.options.system,
            endpoint: `${method} ${options.endpoint ?? path}`,
            status: response.statusCode,
          },
        );
      }
      return {
        status: response.statusCode,
        statusText: response.statusText,
        headers: response.headers,
        contentType: headerValue(response.headers['content-type']) ?? '',
        body: chunks,
      };
    } finally {
      const ms = Math.round(performance.now() - started);
      this.logger.debug('request', { method, path, attempt: attempt + 1, status, ms });
      this.options.onRequest?.({ method, path, attempt: attempt + 1, status, ms });
    }
  }

  private async pause(
    ms: number,
    signal: AbortSignal | undefined,
    where: { system: string; endpoint: string },
  ): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw this.cancelled(where, error);
    }
  }

  private throwIfAborted(
    signal: AbortSignal | undefined,
    where: { system: string; endpoint: string },
  ): void {
    if (signal?.aborted) throw this.cancelled(where, signal.reason);
  }

  private cancelled(where: { system: string; endpoint: string }, cause: unknown): HttpError {
    return new HttpError('cancelled', `${where.system} ${where.endpoint}: cancelled.`, where, {
      cause,
    });
  }
}

function splitBaseUrl(baseUrl: string): { origin: string; prefix: string } | null {
  try {
    const url = new URL(baseUrl);
    if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      return null;
    }
    return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
  } catch {
    return null;
  }
}

/** Characters URL parsing leaves alone in a path and query of an `https:` URL. */
const plainTarget = /^[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*$/;

/**
 * Origin and path of `url` (built as base URL + path + query) when URL parsing would leave the
 * path as it is (plain characters, no dot segments); null otherwise.
 */
function requestTarget(
  base: { origin: string; prefix: string },
  url: string,
): { origin: string; path: string } | null {
  const start = url.startsWith(base.origin) ? base.origin.length : -1;
  if (start < 0) return null;
  const path = url.slice(start);
  if (!path.startsWith(`${base.prefix}/`) || !plainTarget.test(path) || /\/(\.|%2e)/i.test(path)) {
    return null;
  }
  return { origin: base.origin, path };
}

/**
 * Reads a body up to `limit` bytes; null (and the stream destroyed) past it. Plain `data` events
 * rather than an async iterator: a sync reads tens of thousands of small bodies.
 */
function readCapped(
  body: Dispatcher.ResponseData['body'],
  limit: number,
  contentLength: string | string[] | undefined,
): Promise<Buffer | null> {
  const declared = Number(headerValue(contentLength) ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    // Destroying an unread body emits an abort error; nobody else listens for it.
    body.on('error', () => undefined);
    body.destroy();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', reject);
      body.on('error', () => undefined);
      body.destroy();
      resolve(null);
    };
    const onEnd = (): void => {
      const [only] = chunks;
      resolve(chunks.length === 1 && only !== undefined ? only : Buffer.concat(chunks, size));
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', reject);
  });
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}
