import type { z } from 'zod';
import type { ProfileView } from '../../../shared/profiles';
import { sourceUrlPort } from '../../../shared/profiles';
import type { Logger } from '../../core/logger';
import {
  HttpClient,
  type HttpClientOptions,
  type HttpResponse,
  type RequestOptions,
} from '../../net/http-client';
import { statusError, serverMessage } from '../../net/failures';
import type { SecretValues } from '../../profiles/profile-service';
import { ticketAuth, tokenAuth, type OtpProvider, type PveAuth } from './auth';
import { envelope } from './schemas';

export const proxmoxSystem = 'Proxmox VE';

export type ProxmoxProfile = ProfileView & {
  connection: Extract<ProfileView['connection'], { kind: 'proxmox' }>;
};

export function isProxmoxProfile(profile: ProfileView): profile is ProxmoxProfile {
  return profile.connection.kind === 'proxmox';
}

/**
 * `https://pve:8006` → `https://pve:8006/api2/json`; an https URL that names no port means 8006,
 * as in the browser UI, and one that names a port (`https://pve:443` behind a proxy) keeps it.
 */
export function apiBaseUrl(url: string): string {
  const parsed = new URL(url);
  parsed.port = String(sourceUrlPort('proxmox', url));
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\/api2\/json$/, '');
  return `${parsed.origin}${path}/api2/json`;
}

export interface ProxmoxClientOptions {
  logger?: Logger;
  otp?: OtpProvider;
  now?: () => number;
  /** Overrides for the HTTP client (timeouts, retries, concurrency), mainly for tests. */
  http?: Partial<Omit<HttpClientOptions, 'system' | 'baseUrl' | 'tls'>>;
}

/** An answer whose status the caller wants to interpret itself (403, 500, 595…). */
export type Outcome<T> =
  { ok: true; value: T } | { ok: false; status: number; message: string; response: HttpResponse };

/**
 * The Proxmox VE API over the one HTTP client: base URL, token or ticket auth, the `data`
 * envelope, zod validation of every answer. Create one per sync or test; `close()` when done.
 */
export class ProxmoxClient {
  private constructor(
    readonly http: HttpClient,
    readonly auth: PveAuth,
  ) {}

  static async open(
    profile: ProxmoxProfile,
    secrets: SecretValues,
    options: ProxmoxClientOptions = {},
  ): Promise<ProxmoxClient> {
    const http = await HttpClient.create({
      ...options.http,
      system: proxmoxSystem,
      baseUrl: apiBaseUrl(profile.connection.url),
      tls: profile.connection.tls,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    try {
      const auth =
        profile.connection.auth.mode === 'token'
          ? tokenAuth(profile, secrets)
          : ticketAuth(profile, secrets, http, {
              otp: options.otp,
              ...(options.now === undefined ? {} : { now: options.now }),
            });
      return new ProxmoxClient(http, auth);
    } catch (error) {
      await http.close();
      throw error;
    }
  }

  /** GET a `{data}` document; any non-2xx status is a typed error. */
  async get<S extends z.ZodType>(
    path: string,
    schema: S,
    signal: AbortSignal,
    endpoint = path,
  ): Promise<z.output<S>> {
    const outcome = await this.attempt(path, schema, signal, endpoint);
    if (outcome.ok) return outcome.value;
    throw statusError(outcome.response, {
      system: proxmoxSystem,
      endpoint: `GET ${endpoint}`,
      status: outcome.status,
    });
  }

  /**
   * GET a `{data}` document, returning error statuses for the caller to interpret (a 403 that
   * means "missing privilege", a 500 that means "agent not running"). Auth failures, transport
   * failures and bad data still throw.
   */
  async attempt<S extends z.ZodType>(
    path: string,
    schema: S,
    signal: AbortSignal,
    endpoint = path,
    finalStatuses?: RequestOptions['finalStatuses'],
  ): Promise<Outcome<z.output<S>>> {
    let response = await this.send(path, signal, endpoint, finalStatuses);
    if (response.status === 401 && (await this.auth.recover(signal))) {
      response = await this.send(path, signal, endpoint, finalStatuses);
    }
    const where = { system: proxmoxSystem, endpoint: `GET ${endpoint}`, status: response.status };
    if (response.status === 401) throw statusError(response, where);
    if (response.status < 200 || response.status > 299) {
      return {
        ok: false,
        status: response.status,
        message: serverMessage(response).replace(/\s+$/, ''),
        response,
      };
    }
    const { data } = this.http.parseJson(response, envelope(schema), where);
    return { ok: true, value: data as z.output<S> };
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async send(
    path: string,
    signal: AbortSignal,
    endpoint: string,
    finalStatuses?: RequestOptions['finalStatuses'],
  ): Promise<HttpResponse> {
    const headers = await this.auth.headers('GET', signal);
    return this.http.request(path, {
      headers,
      signal,
      endpoint,
      ...(finalStatuses === undefined ? {} : { finalStatuses }),
    });
  }
}

/** Path segment encoding: node names are plain, but never trust a server-supplied value. */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}
