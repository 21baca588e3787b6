/**
 * Seeded fault injection per system and route. A `FaultPlan` lists rules per system; every rule
 * whose route matches a request contributes (later rules override earlier fields). Decisions come
 * from `hash(seed, system, method, path, n)` where n counts requests to that method and path, so
 * a test that sends the same requests in the same order sees the same faults.
 *
 * Effects, in the order they are decided:
 * - `credentials`: the request is marked (`req.credentialFault`) and the simulator answers as its
 *   system does for expired or revoked credentials.
 * - `latencyMs` ± `jitterMs` before anything else is sent.
 * - `hang` (probability): no response at all until the client gives up or the lab closes.
 * - `tooManyRequests`: 429 with `Retry-After: retryAfterSeconds` (or that moment as an HTTP date).
 * - `error5xx`: `status5xx` (default 500) with the system's error body.
 * - `truncatedJson`, `invalidJson`, `wrongContentType`: the real response, corrupted.
 */
import { createRng, hashSeed } from '../fleet/prng';
import type { SystemKind } from '../fleet/types';
import type { LabHandler, LabRequest, LabResponse } from './http';

export type CredentialFault = 'expired' | 'revoked';

export interface FaultRule {
  /** Path prefix (string) or pattern (RegExp) on the URL path; absent matches every route. */
  route?: string | RegExp;
  /** HTTP method to match (upper case); absent matches all. */
  method?: string;
  latencyMs?: number;
  jitterMs?: number;
  /** Probabilities in 0..1 per request. */
  hang?: number;
  tooManyRequests?: number;
  retryAfterSeconds?: number;
  /** Send `Retry-After` as an HTTP date (RFC 9110 §10.2.3) instead of delta seconds. */
  retryAfterAsDate?: boolean;
  error5xx?: number;
  status5xx?: 500 | 502 | 503 | 504;
  truncatedJson?: number;
  invalidJson?: number;
  wrongContentType?: number;
  credentials?: CredentialFault;
}

export interface FaultPlan {
  seed: number;
  /** Rules for every system, applied before the system's own rules. */
  all?: FaultRule[];
  systems?: Partial<Record<SystemKind, FaultRule[]>>;
}

export type FaultKind =
  | 'none'
  | 'hang'
  | 'too-many-requests'
  | 'error-5xx'
  | 'truncated-json'
  | 'invalid-json'
  | 'wrong-content-type';

export interface FaultDecision {
  kind: FaultKind;
  delayMs: number;
  credentials: CredentialFault | null;
  status5xx: number;
  retryAfterSeconds: number;
  retryAfterAsDate: boolean;
}

export interface FaultResponses {
  /** The system's body for a 5xx (default: plain text reason). */
  error?: (status: number) => LabResponse;
  /** The system's 429 (default: plain text); `Retry-After` is added by the injector. */
  tooManyRequests?: (retryAfterSeconds: number) => LabResponse;
}

const NONE: FaultDecision = {
  kind: 'none',
  delayMs: 0,
  credentials: null,
  status5xx: 500,
  retryAfterSeconds: 1,
  retryAfterAsDate: false,
};

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method !== method) return false;
  if (rule.route === undefined) return true;
  return typeof rule.route === 'string' ? path.startsWith(rule.route) : rule.route.test(path);
}

export class FaultInjector {
  private readonly rules: FaultRule[];
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly plan: FaultPlan | null,
    private readonly system: SystemKind,
    private readonly responses: FaultResponses = {},
  ) {
    this.rules = plan ? [...(plan.all ?? []), ...(plan.systems?.[system] ?? [])] : [];
  }

  /** Decides the fault for one request (advances the per-route counter). */
  decide(method: string, path: string): FaultDecision {
    if (!this.plan || this.rules.length === 0) return NONE;
    const rule: FaultRule = {};
    for (const r of this.rules) if (matches(r, method, path)) Object.assign(rule, r);
    const key = `${method} ${path}`;
    const n = this.counters.get(key) ?? 0;
    this.counters.set(key, n + 1);
    const rng = createRng(hashSeed(this.plan.seed, this.system, key, n));
    const jitter = rule.jitterMs ?? 0;
    const delayMs = Math.max(0, (rule.latencyMs ?? 0) + (rng.next() * 2 - 1) * jitter);
    const u = rng.next();
    const buckets: [FaultKind, number | undefined][] = [
      ['hang', rule.hang],
      ['too-many-requests', rule.tooManyRequests],
      ['error-5xx', rule.error5xx],
      ['truncated-json', rule.truncatedJson],
      ['invalid-json', rule.invalidJson],
      ['wrong-content-type', rule.wrongContentType],
    ];
    let kind: FaultKind = 'none';
    let acc = 0;
    for (const [k, p] of buckets) {
      acc += p ?? 0;
      if (u < acc) {
        kind = k;
        break;
      }
    }
    return {
      kind,
      delayMs,
      credentials: rule.credentials ?? null,
      status5xx: rule.status5xx ?? 500,
      retryAfterSeconds: rule.retryAfterSeconds ?? 1,
      retryAfterAsDate: rule.retryAfterAsDate ?? false,
    };
  }

  /** Wraps a handler so every request goes through `decide`. */
  wrap(handler: LabHandler): LabHandler {
    return async (req: LabRequest) => {
      const decision = this.decide(req.method, req.path);
      req.credentialFault = decision.credentials;
      if (decision.delayMs > 0) await delay(decision.delayMs);
      switch (decision.kind) {
        case 'hang':
          return new Promise<LabResponse>(() => undefined);
        case 'too-many-requests': {
          const base =
            this.responses.tooManyRequests?.(decision.retryAfterSeconds) ??
            plain(429, 'Too Many Requests');
          // An HTTP date has whole seconds: rounded up, so the client never retries early.
          const retryAfter = decision.retryAfterAsDate
            ? new Date(
                Math.ceil((Date.now() + decision.retryAfterSeconds * 1000) / 1000) * 1000,
              ).toUTCString()
            : String(decision.retryAfterSeconds);
          return { ...base, headers: { ...base.headers, 'retry-after': retryAfter } };
        }
        case 'error-5xx':
          return (
            this.responses.error?.(decision.status5xx) ??
            plain(decision.status5xx, 'Internal Server Error')
          );
        case 'none':
          return handler(req);
        case 'truncated-json':
        case 'invalid-json':
        case 'wrong-content-type':
          return corrupt(await handler(req), decision.kind);
      }
    };
  }
}

function plain(status: number, message: string): LabResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${message}\n` };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function corrupt(
  response: LabResponse,
  kind: 'truncated-json' | 'invalid-json' | 'wrong-content-type',
): LabResponse {
  const body =
    typeof response.body === 'string' ? response.body : (response.body?.toString() ?? '');
  switch (kind) {
    case 'truncated-json':
      return { ...response, body: body.slice(0, Math.max(1, Math.floor(body.length / 2))) };
    case 'invalid-json':
      return { ...response, body: `{"data":${body.length > 0 ? body : 'null'},}` };
    case 'wrong-content-type':
      return {
        ...response,
        headers: { ...response.headers, 'content-type': 'text/html; charset=utf-8' },
      };
  }
}

/** Named fault profiles for `npm run lab -- --faults PROFILE`. */
export const faultProfileNames = [
  'none',
  'slow',
  'flaky',
  'hostile',
  'expired',
  'revoked',
] as const;
export type FaultProfileName = (typeof faultProfileNames)[number];

export function faultProfile(name: FaultProfileName, seed: number): FaultPlan {
  switch (name) {
    case 'none':
      return { seed };
    case 'slow':
      return { seed, all: [{ latencyMs: 400, jitterMs: 200 }] };
    case 'flaky':
      return {
        seed,
        all: [
          {
            latencyMs: 30,
            jitterMs: 20,
            error5xx: 0.05,
            tooManyRequests: 0.03,
            retryAfterSeconds: 1,
          },
        ],
      };
    case 'hostile':
      return {
        seed,
        all: [
          {
            latencyMs: 50,
            jitterMs: 50,
            hang: 0.02,
            tooManyRequests: 0.05,
            retryAfterSeconds: 2,
            error5xx: 0.1,
            status5xx: 503,
            truncatedJson: 0.03,
            invalidJson: 0.03,
            wrongContentType: 0.03,
          },
        ],
      };
    case 'expired':
      return { seed, all: [{ credentials: 'expired' }] };
    case 'revoked':
      return { seed, all: [{ credentials: 'revoked' }] };
  }
}

export function isFaultProfileName(value: string): value is FaultProfileName {
  return (faultProfileNames as readonly string[]).includes(value);
}
