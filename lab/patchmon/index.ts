/**
 * The PatchMon v2 simulator (reference/patchmon.md): admin JWT login with TFA, the scoped
 * integration API, auto-enrollment tokens and enrollment, host groups, gethomepage, the install
 * script, the SPA fallback, and v1-only behaviours behind `version: 'v1'`.
 */
import type { Fleet } from '../fleet';
import { FaultInjector, type FaultPlan } from '../common/faults';
import { json, startHttpServer } from '../common/http';
import type { TlsMaterial } from '../common/tls';
import { PatchmonAuth } from './auth';
import { PatchmonState, type PatchmonCredentials } from './model';
import { createRouter } from './router';

export type { PatchmonCredentials } from './model';
export { totp } from './crypto';

export interface PatchmonOptions {
  fleet: Fleet;
  tls: TlsMaterial | null;
  faults?: FaultPlan | null;
  /** `v1` switches on the Node-era `/enroll/bulk` and the 400 `errors` array (default v2). */
  version?: 'v1' | 'v2';
  /** Per-IP request limits (defaults: auth 500 / 10 min, general 5000 / 15 min); false disables. */
  rateLimits?: { auth: number; general: number } | false;
  /** Redis down: auth routes answer 503 (fail closed). */
  redisDown?: boolean;
  clock?: () => number;
}

export interface PatchmonLab {
  url: string;
  credentials: PatchmonCredentials;
  state: PatchmonState;
  close(): Promise<void>;
}

export async function startPatchmon(options: PatchmonOptions): Promise<PatchmonLab> {
  const clock = options.clock ?? Date.now;
  const state = new PatchmonState(options.fleet, clock);
  const v1 = options.version === 'v1';
  const auth = new PatchmonAuth(state, { v1 });
  let baseUrl = '';
  const handler = createRouter(state, auth, {
    v1,
    rateLimits: options.rateLimits ?? { auth: 500, general: 5000 },
    redisDown: options.redisDown ?? false,
    baseUrl: () => baseUrl,
  });
  const faults = new FaultInjector(options.faults ?? null, 'patchmon', {
    error: (status) =>
      status === 504
        ? {
            status,
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            body: 'Gateway Timeout\n',
          }
        : json(status, { error: 'Internal server error' }),
    tooManyRequests: () => json(429, { message: 'Too many requests. Try again later.' }),
  });
  const server = await startHttpServer({
    tls: options.tls,
    faults,
    handler,
    onError: () => json(500, { error: 'Internal server error' }),
  });
  baseUrl = server.url;
  return { url: server.url, credentials: state.credentials, state, close: () => server.close() };
}
