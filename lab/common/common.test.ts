import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import {
  FaultInjector,
  createLabTls,
  faultProfile,
  json,
  startHttpServer,
  trustingDispatcher,
} from '.';
import type { LabServer, LabTls } from '.';

let tls: LabTls;
const servers: LabServer[] = [];

beforeAll(async () => {
  tls = await createLabTls();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(
  faults: FaultInjector | null,
  mode: 'self' | 'ca' = 'self',
): Promise<LabServer> {
  const material = mode === 'ca' ? tls.caSigned : tls.selfSigned;
  const server = await startHttpServer({
    tls: material,
    faults,
    handler: (req) => json(200, { path: req.path, credentials: req.credentialFault }),
  });
  servers.push(server);
  return server;
}

describe('lab TLS and server', () => {
  it('serves HTTPS on 127.0.0.1 with a certificate a trusting dispatcher verifies', async () => {
    const server = await serve(null);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/x`, { dispatcher: trustingDispatcher(tls.selfSigned) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ path: '/x', credentials: null });
  });

  it('rejects the self-signed certificate without trust, and verifies the CA-signed one with the CA', async () => {
    const server = await serve(null, 'ca');
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
    const res = await fetch(`${server.url}/`, { dispatcher: trustingDispatcher(tls.caSigned) });
    expect(res.status).toBe(200);
    expect(tls.caSigned.trust).toBe(tls.ca.cert);
    expect(tls.selfSigned.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('close() ends hung requests', async () => {
    const server = await serve(new FaultInjector({ seed: 1, all: [{ hang: 1 }] }, 'foreman'));
    const pending = fetch(`${server.url}/`, { dispatcher: trustingDispatcher(tls.selfSigned) });
    await server.close();
    await expect(pending).rejects.toThrow();
  });
});

describe('fault injection', () => {
  it('is deterministic for a seed and route', () => {
    const plan = { seed: 42, all: [{ error5xx: 0.3, tooManyRequests: 0.2, invalidJson: 0.1 }] };
    const run = () => {
      const f = new FaultInjector(plan, 'patchmon');
      return Array.from({ length: 50 }, () => f.decide('GET', '/api/v1/api/hosts').kind);
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(2);
  });

  it('applies rules only to matching systems, routes and methods', () => {
    const plan = {
      seed: 1,
      systems: { foreman: [{ route: '/api/hosts', method: 'GET', error5xx: 1 }] },
    };
    expect(new FaultInjector(plan, 'foreman').decide('GET', '/api/hosts').kind).toBe('error-5xx');
    expect(new FaultInjector(plan, 'foreman').decide('GET', '/api/status').kind).toBe('none');
    expect(new FaultInjector(plan, 'foreman').decide('POST', '/api/hosts').kind).toBe('none');
    expect(new FaultInjector(plan, 'proxmox').decide('GET', '/api/hosts').kind).toBe('none');
  });

  it('answers 429 with Retry-After, 5xx, corrupt bodies and wrong content types', async () => {
    const d = trustingDispatcher(tls.selfSigned);
    const get = async (rule: object) => {
      const server = await serve(new FaultInjector({ seed: 3, all: [rule] }, 'proxmox'));
      return fetch(`${server.url}/r`, { dispatcher: d });
    };
    const tooMany = await get({ tooManyRequests: 1, retryAfterSeconds: 7 });
    expect(tooMany.status).toBe(429);
    expect(tooMany.headers.get('retry-after')).toBe('7');
    const asDate = await get({ tooManyRequests: 1, retryAfterSeconds: 7, retryAfterAsDate: true });
    const until = Date.parse(asDate.headers.get('retry-after') ?? '');
    expect(until - Date.now()).toBeGreaterThan(5_000);
    expect(until - Date.now()).toBeLessThanOrEqual(8_000);
    expect((await get({ error5xx: 1, status5xx: 503 })).status).toBe(503);
    await expect((await get({ truncatedJson: 1 })).json()).rejects.toThrow();
    await expect((await get({ invalidJson: 1 })).json()).rejects.toThrow();
    const wrong = await get({ wrongContentType: 1 });
    expect(wrong.headers.get('content-type')).toContain('text/html');
    const expired = await get({ credentials: 'expired' });
    expect(await expired.json()).toEqual({ path: '/r', credentials: 'expired' });
  });

  it('delays responses by latency ± jitter', async () => {
    const server = await serve(
      new FaultInjector({ seed: 1, all: [{ latencyMs: 150 }] }, 'foreman'),
    );
    const started = performance.now();
    await fetch(`${server.url}/`, { dispatcher: trustingDispatcher(tls.selfSigned) });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('has named profiles', () => {
    expect(faultProfile('hostile', 5).all?.[0]?.error5xx).toBeGreaterThan(0);
    expect(faultProfile('expired', 5).all?.[0]?.credentials).toBe('expired');
  });
});
