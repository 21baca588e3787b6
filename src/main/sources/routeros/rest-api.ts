import { z } from 'zod';
import type { TlsOptions } from '../../../shared/profiles';
import { HttpError } from '../../net/errors';
import { statusError } from '../../net/failures';
import { HttpClient, type HttpClientOptions, type HttpResponse } from '../../net/http-client';
import { formatPath } from '../../net/json';
import type { RouterOsApi } from './api';
import { decodeText, type RouterOsCharset } from './text';

export interface RestApiOptions {
  host: string;
  port: number;
  tls: TlsOptions;
  username: string;
  password: string;
  charset?: RouterOsCharset;
  http?: Partial<Omit<HttpClientOptions, 'system' | 'baseUrl' | 'tls' | 'headers'>>;
}

/**
 * RouterOS can put raw control bytes inside JSON strings (reference/routeros.md §2.4); they are
 * escaped here, inside strings only, before parsing — as the Terraform provider does.
 */
export function escapeControlBytes(text: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      else if (code < 0x20) {
        out += `\\u${code.toString(16).padStart(4, '0')}`;
        continue;
      }
    } else if (char === '"') inString = true;
    out += char;
  }
  return out;
}

const RestRecord = z.record(z.string(), z.string());
const RestList = z.array(RestRecord);

/**
 * A REST body as records. Bytes that are not UTF-8 are decoded with the profile's charset (the
 * router stores bytes, §1.10); a singleton menu answers with an object on current v7 and with a
 * one-element array on 7.1-era devices — both are accepted.
 */
export function parseRestBody(
  response: Pick<HttpResponse, 'body' | 'contentType'>,
  endpoint: string,
  charset: RouterOsCharset,
): Record<string, string>[] {
  const where = { system: 'RouterOS', endpoint };
  if (
    /html/i.test(response.contentType) ||
    /^\s*</.test(response.body.subarray(0, 64).toString())
  ) {
    throw new HttpError(
      'not-api',
      `RouterOS ${endpoint}: not the RouterOS REST API — it answered with a web page. Check the host and port (REST needs RouterOS 7.1+ and the www-ssl service).`,
      where,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(escapeControlBytes(decodeText(response.body, charset)));
  } catch (error) {
    throw new HttpError(
      'invalid-json',
      `RouterOS ${endpoint}: the answer is not valid JSON (${(error as Error).message}); it may be truncated or corrupted.`,
      where,
      { cause: error },
    );
  }
  // The shape picks the schema (not a union trying both), so the bad value's own path is named.
  const parsed = Array.isArray(value) ? RestList.safeParse(value) : RestRecord.safeParse(value);
  if (!parsed.success) {
    const field = formatPath(parsed.error.issues[0]?.path ?? []);
    throw new HttpError(
      'invalid-data',
      `RouterOS ${endpoint}: unexpected data at ${field}: every value should be a string.`,
      { ...where, field },
    );
  }
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}

/** The v7 REST API (HTTPS, Basic auth) as a `RouterOsApi`, through the one HTTP client. */
export async function openRestApi(options: RestApiOptions): Promise<RouterOsApi> {
  const credentials = Buffer.from(`${options.username}:${options.password}`).toString('base64');
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const http = await HttpClient.create({
    ...options.http,
    system: 'RouterOS',
    baseUrl: `https://${host}:${options.port}/rest`,
    tls: options.tls,
    headers: { authorization: `Basic ${credentials}` },
  });
  const charset = options.charset ?? 'auto';
  return {
    transport: 'REST',
    print: async (menu, signal) => {
      const response = await http.request(menu, { signal, endpoint: `/rest${menu}` });
      const endpoint = `GET /rest${menu}`;
      if (response.status < 200 || response.status > 299) {
        throw statusError(response, { system: 'RouterOS', endpoint, status: response.status });
      }
      return parseRestBody(response, endpoint, charset);
    },
    close: () => http.close(),
  };
}
