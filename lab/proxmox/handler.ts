/**
 * One request through the simulated pveproxy: URL and formatter selection, authentication,
 * routing, permission check, node proxying, parameter validation, the handler, and the
 * response envelope. Every 401 is delayed (3 s on a real server; configurable here).
 */
import { gzipSync } from 'node:zlib';
import type { LabHandler, LabRequest, LabResponse } from '../common';
import { type AuthContext, authenticate, parseTokenHeader } from './auth';
import {
  PveError,
  authError,
  notImplemented,
  paramError,
  permissionError,
  reasonPhrase,
} from './errors';
import { readParams, validateParams } from './params';
import { type Router, WithExtras, checkProxyTarget, checkRoutePermission } from './router';
import type { SimState } from './state';

export interface HandlerOptions {
  /** Delay before every 401 (PVE: 3000 ms). */
  authFailureDelayMs: number;
  /** gzip bodies over 1 KiB when the client accepts it, as pveproxy does. */
  gzip: boolean;
}

type Format = 'json' | 'extjs';

const ANONYMOUS: AuthContext = { authid: '', userid: '', via: 'ticket' };

function baseHeaders(): Record<string, string> {
  return {
    server: 'pve-api-daemon/3.0',
    'cache-control': 'max-age=0',
    pragma: 'no-cache',
    expires: new Date().toUTCString(),
  };
}

function jsonResponse(
  req: LabRequest,
  status: number,
  statusText: string,
  value: unknown,
  gzip: boolean,
): LabResponse {
  const headers: Record<string, string> = {
    ...baseHeaders(),
    'content-type': 'application/json;charset=UTF-8',
  };
  let body: string | Buffer = JSON.stringify(value);
  const accepts = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  if (gzip && accepts && body.length > 1024) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
  }
  return { status, statusText, headers, body };
}

export function errorResponse(
  req: LabRequest,
  err: PveError,
  format: Format,
  legacy: boolean,
  gzip: boolean,
): LabResponse {
  const statusText = reasonPhrase(err.message);
  if (err.body === 'empty')
    return { status: err.status, statusText, headers: baseHeaders(), body: '' };
  if (err.body === 'text') {
    return {
      status: err.status,
      statusText,
      headers: { ...baseHeaders(), 'content-type': 'text/plain;charset=UTF-8' },
      body: legacy ? '' : err.message,
    };
  }
  if (format === 'extjs') {
    const value: Record<string, unknown> = { success: 0, message: err.message, data: null };
    if (err.errors) value.errors = err.errors;
    return jsonResponse(req, 200, 'OK', value, gzip);
  }
  const value: Record<string, unknown> = {};
  if (err.errors) value.errors = err.errors;
  value.data = null;
  if (!legacy) value.message = err.message;
  return jsonResponse(req, err.status, statusText, value, gzip);
}

function toPveError(err: unknown): PveError {
  if (err instanceof PveError) return err;
  const text = err instanceof Error ? err.message : String(err);
  return new PveError(500, `${text.split('\n', 1)[0] ?? 'internal error'}\n`);
}

export function createHandler(
  state: SimState,
  router: Router,
  options: HandlerOptions,
): LabHandler {
  const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  return async (req) => {
    let format: Format = 'json';
    let response: LabResponse;
    try {
      const m = /^\/api2\/([^/]+)(\/.*)?$/.exec(safeDecode(req.path));
      if (!m || (m[1] !== 'json' && m[1] !== 'extjs'))
        throw new PveError(501, 'no such uri', 'text');
      format = m[1];
      response = handleApi(req, m[2] ?? '/', format);
    } catch (err) {
      response = errorResponse(req, toPveError(err), format, state.flavor.legacy, options.gzip);
    }
    if (response.status === 401 && options.authFailureDelayMs > 0)
      await delay(options.authFailureDelayMs);
    return response;
  };

  function handleApi(req: LabRequest, rawPath: string, format: Format): LabResponse {
    const method = req.method.toUpperCase();
    const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
    state.tasks.settle();
    const raw = readParams(req);
    const match = router.match(method, path);
    const route = match?.route;
    const hasToken = parseTokenHeader(req.headers.authorization) !== undefined;
    if (route?.ticketOnly === true && hasToken) {
      throw permissionError(`URI '${path}' not available with API token, need proper ticket.\n`);
    }
    let auth = ANONYMOUS;
    if (route?.noAuth === true) {
      if (req.credentialFault !== null && method === 'POST') {
        throw new PveError(401, 'authentication failure\n');
      }
    } else {
      if (req.credentialFault !== null) throw authError('Authentication failed!');
      auth = authenticate(req.headers, method, state.store, state.tickets, state.nowSec());
    }
    if (!match || !route) throw notImplemented(method, path);
    const pathParams = match.pathParams;
    checkRoutePermission(route, state, auth, pathParams);
    if (route.proxy === true) checkProxyTarget(state, pathParams.node);
    for (const [k, v] of Object.entries(pathParams)) {
      if (raw.has(k)) throw paramError({ [k]: 'duplicate parameter (already defined in URI)' });
      raw.set(k, v);
    }
    const params = validateParams(raw, route.params);
    const result = route.handler({ state, auth, params, headers: req.headers });
    const data = result instanceof WithExtras ? result.data : (result ?? null);
    const extras = result instanceof WithExtras ? result.extras : {};
    const value = format === 'extjs' ? { data, ...extras, success: 1 } : { data, ...extras };
    return jsonResponse(req, 200, 'OK', value, options.gzip);
  }
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
