/** Turns transport errors and error statuses into `HttpError`s a person can act on. */
import { STATUS_CODES } from 'node:http';
import { redactText } from '../core/redact';
import { HttpError, type HttpFailure } from './errors';
import type { HttpResponse } from './http-client';
import { parseRetryAfter } from './retry';
import { PinMismatchError } from './tls-connector';

interface Where {
  system: string;
  endpoint: string;
  status?: number;
}

const untrustedCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** Dropped connections worth another try; refused or unresolvable ones are not. */
const resetCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

function chain(error: unknown): unknown[] {
  const out: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && out.length < 6) {
    out.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

function codeOf(error: unknown): string {
  for (const link of chain(error)) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_CONNECT' && code !== 'UND_ERR') return code;
  }
  return '';
}

export function describeTransportError(
  error: unknown,
  where: Where,
  timeouts: { connectTimeoutMs: number; headersTimeoutMs: number; bodyTimeoutMs: number },
  /** `https:`: a connect timeout may be a TLS handshake that never finished. */
  context: { attempts?: number; tls?: boolean } = {},
): { error: HttpError; retryable: boolean } {
  if (error instanceof HttpError) return { error, retryable: false };
  const prefix = `${where.system} ${where.endpoint}`;
  const make = (reason: HttpFailure, message: string, retryable: boolean) => ({
    error: new HttpError(reason, message, where, { cause: error }),
    retryable,
  });
  const pin = chain(error).find((e) => e instanceof PinMismatchError);
  if (pin) {
    return make(
      'tls-pin-mismatch',
      `${where.system}: the certificate does not match the pinned fingerprint (pinned ${pin.expected}, presented ${pin.actual}). Nothing was sent. If the certificate was renewed on purpose, pin the new one in the profile.`,
      false,
    );
  }
  const code = codeOf(error);
  const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);
  // Said of the last try, which is the one that throws: the wait was that many times as long.
  const tries =
    context.attempts !== undefined && context.attempts > 1
      ? `${String(context.attempts)} attempts; `
      : '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    // The connect timeout covers the TLS handshake too: a port that accepts connections and
    // never answers the handshake (a plain service, a stuck proxy) ends here as well.
    const why = context.tls
      ? 'host down or filtered, or a TLS handshake that never finished?'
      : 'host down or filtered?';
    return make(
      'connect-timeout',
      `${prefix}: no connection within ${seconds(timeouts.connectTimeoutMs)} (${tries}${why}).`,
      true,
    );
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return make(
      'headers-timeout',
      `${prefix}: no answer within ${seconds(timeouts.headersTimeoutMs)}.`,
      true,
    );
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return make(
      'body-timeout',
      `${prefix}: the answer stalled for more than ${seconds(timeouts.bodyTimeoutMs)}.`,
      true,
    );
  }
  if (untrustedCodes.has(code)) {
    return make(
      'tls-untrusted',
      `${where.system}: the server's TLS certificate is not trusted (${code}). Add its CA file to the profile, or pin its fingerprint if you recognise the certificate.`,
      false,
    );
  }
  if (resetCodes.has(code)) {
    // A plain-HTTP request to a port that serves HTTPS is dropped without an answer.
    const scheme =
      context.tls === false
        ? " If that port serves HTTPS, the profile's URL should start with https://."
        : '';
    return make('network', `${prefix}: the connection was dropped (${code}).${scheme}`, true);
  }
  // One line: OpenSSL's messages end in a line break, and some hold several.
  const detail = ((error as Error).message || code || 'unknown error').replace(/\s+/g, ' ').trim();
  if (code === 'ECONNREFUSED') {
    return make('network', `${prefix}: connection refused — is ${where.system} running?`, false);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return make('network', `${prefix}: the host name does not resolve (${code}).`, false);
  }
  if (/SSL|TLS|wrong version number/i.test(`${code} ${detail}`)) {
    return make(
      'network',
      `${prefix}: TLS failed (${redactText(detail)}) — is this an HTTPS port?`,
      false,
    );
  }
  return make('network', `${prefix}: ${redactText(detail)}${code ? ` (${code})` : ''}.`, false);
}

/**
 * The server's own error text: from the body (Foreman, PatchMon and RouterOS REST shapes), else
 * from a reason phrase that says more than the standard one for its status (Proxmox VE).
 */
export function serverMessage(
  response: Pick<HttpResponse, 'body' | 'contentType'> &
    Partial<Pick<HttpResponse, 'status' | 'statusText'>>,
): string {
  const text = response.body.subarray(0, 64 * 1024).toString('utf8');
  let message = '';
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null) {
      const {
        error,
        message: top,
        detail,
      } = value as { error?: unknown; message?: unknown; detail?: unknown };
      const nested = (typeof error === 'object' && error !== null ? error : {}) as {
        message?: unknown;
        details?: unknown;
      };
      message = [error, nested.message, nested.details, top, detail]
        .filter((part): part is string => typeof part === 'string')
        .join(': ');
    }
  } catch {
    if (!/html/i.test(response.contentType) && !/^\s*</.test(text)) {
      message = text.split('\n')[0] ?? '';
    }
  }
  message = message.trim();
  if (message === '') message = distinctReason(response);
  return redactText(message.length > 300 ? `${message.slice(0, 300)}…` : message);
}

/** A reason phrase other than the standard one for its status, trimmed; '' otherwise. */
function distinctReason(response: Partial<Pick<HttpResponse, 'status' | 'statusText'>>): string {
  const phrase = response.statusText?.trim() ?? '';
  if (phrase === '' || response.status === undefined) return '';
  const standard = STATUS_CODES[response.status] ?? '';
  return phrase.toLowerCase() === standard.toLowerCase() ? '' : phrase;
}

/** An error for a non-2xx final status. */
export function statusError(response: HttpResponse, where: Where): HttpError {
  const { status } = response;
  const said = serverMessage(response);
  const paren = said === '' ? `(${status})` : `(${status}: ${said})`;
  const prefix = `${where.system} ${where.endpoint}`;
  const tries = response.attempts > 1 ? ` after ${response.attempts} attempts` : '';
  const make = (reason: HttpFailure, message: string) =>
    new HttpError(reason, message, { ...where, status });
  if (status === 401) {
    return make(
      'unauthorized',
      `${where.system} refused the credentials ${paren}. Check the profile's token or password; it may have expired or been revoked.`,
    );
  }
  if (status === 403) return make('forbidden', `${prefix}: access denied ${paren}.`);
  if (status === 404) return make('not-found', `${prefix}: not found ${paren}.`);
  if (status === 429) {
    const header = response.headers['retry-after'];
    // Delta seconds or an HTTP date (RFC 9110 §10.2.3); either way the person reads seconds.
    const waitMs = parseRetryAfter(Array.isArray(header) ? header[0] : header);
    return make(
      'rate-limited',
      `${prefix}: rate limited ${paren}${tries}${waitMs === null ? '' : `; the server asks to wait ${Math.ceil(waitMs / 1000)} s`}.`,
    );
  }
  if (status >= 500) return make('server-error', `${prefix}: server error ${paren}${tries}.`);
  if (status >= 300 && status < 400) {
    const location = response.headers.location;
    return make(
      'http-status',
      `${prefix}: redirected${location === undefined ? '' : ` to ${String(location)}`} ${paren} — check the profile's URL.`,
    );
  }
  return make('http-status', `${prefix}: unexpected answer ${paren}.`);
}
