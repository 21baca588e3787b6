import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLabTls, type LabTls } from '../../../lab/common/tls';
import type { TlsOptions } from '../../shared/profiles';
import { tempDir } from '../db/test-helpers';
import { createHttpClient, type HttpClientOptions, type RequestEvent } from './index';
import {
  rejection as failure,
  sendJson,
  startTestServer,
  type TestHandler,
  type TestServer,
} from './test-server';

const verify: TlsOptions = { insecure: false, caFile: null, pinnedSha256: null };
const Ok = z.object({ ok: z.literal(true) });
const okHandler: TestHandler = (_req, res) => sendJson(res, 200, { ok: true });

let labTls: LabTls;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  labTls = await createLabTls();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
afterAll(async () => {
  await Promise.all(open.map((o) => o.close()));
});

async function server(handler: TestHandler, tls: 'self' | 'ca' | null = null): Promise<TestServer> {
  const material = tls === 'self' ? labTls.selfSigned : tls === 'ca' ? labTls.caSigned : null;
  const s = await startTestServer(handler, material);
  open.push(s);
  return s;
}

/** A server that accepts TCP connections and never says a word (no TLS handshake either). */
async function silentServer(): Promise<{
  silent: net.Server;
  sockets: net.Socket[];
  port: number;
}> {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  open.push({
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        silent.close(() => resolve());
      }),
  });
  return { silent, sockets, port: (silent.address() as net.AddressInfo).port };
}

async function client(url: string, options: Partial<HttpClientOptions> = {}) {
  const c = await createHttpClient({
    system: 'Test',
    baseUrl: url,
    tls: verify,
    baseDelayMs: 5,
    maxDelayMs: 20,
    ...options,
  });
  open.push(c);
  return c;
}

describe('TLS trust per profile', () => {
  it('accepts a self-signed certificate whose fingerprint is pinned', async () => {
    const s = await server(okHandler, 'self');
    const c = await client(s.url, {
      tls: { ...verify, pinnedSha256: labTls.selfSigned.fingerprint256 },
    });
    await expect(c.getJson('/x', Ok)).resolves.toEqual({ ok: true });
  });

  it('refuses a certificate that is not the pinned one, before sending anything', async () => {
    const s = await server(okHandler, 'self');
    const c = await client(s.url, {
      tls: { ...verify, pinnedSha256: labTls.caSigned.fingerprint256 },
    });
    const error = await failure(
      c.getJson('/x', Ok, { headers: { authorization: 'Basic c2VjcmV0' } }),
    );
    expect(error.reason).toBe('tls-pin-mismatch');
    expect(error.message).toContain('certificate does not match the pinned fingerprint');
    expect(error.message).toContain(labTls.selfSigned.fingerprint256);
    expect(s.count).toBe(0);
    expect(c.requestCount).toBe(1);
  });

  it('a pin also refuses a certificate the CA store would trust', async () => {
    const s = await server(okHandler, 'ca');
    const dir = tempDir();
    const caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, labTls.ca.cert);
    const c = await client(s.url, {
      tls: { ...verify, pinnedSha256: labTls.selfSigned.fingerprint256 },
    });
    expect((await failure(c.getJson('/x', Ok))).reason).toBe('tls-pin-mismatch');
  });

  it('trusts a CA bundle read from the profile’s CA file', async () => {
    const s = await server(okHandler, 'ca');
    const caFile = path.join(tempDir(), 'lab-ca.pem');
    fs.writeFileSync(caFile, labTls.ca.cert);
    const c = await client(s.url, { tls: { ...verify, caFile } });
    await expect(c.getJson('/x', Ok)).resolves.toEqual({ ok: true });
  });

  it('reports an unreadable CA file clearly', async () => {
    const missing = path.join(tempDir(), 'nope.pem');
    const error = await failure(
      createHttpClient({
        system: 'Test',
        baseUrl: 'https://127.0.0.1:1',
        tls: { ...verify, caFile: missing },
      }),
    );
    expect(error.reason).toBe('ca-file');
    expect(error.message).toContain(missing);
  });

  it('verifies by default and refuses a self-signed certificate', async () => {
    const s = await server(okHandler, 'self');
    const c = await client(s.url);
    const error = await failure(c.getJson('/x', Ok));
    expect(error.reason).toBe('tls-untrusted');
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/not trusted.*SELF_SIGNED/);
    expect(s.count).toBe(0);
    // The default store does not know the lab CA either.
    const signed = await server(okHandler, 'ca');
    const c2 = await client(signed.url);
    expect((await failure(c2.getJson('/x', Ok))).reason).toBe('tls-untrusted');
  });

  it('skips verification only when the profile is insecure', async () => {
    const s = await server(okHandler, 'self');
    const c = await client(s.url, { tls: { ...verify, insecure: true } });
    await expect(c.getJson('/x', Ok)).resolves.toEqual({ ok: true });
  });
});

describe('retries', () => {
  it('retries a GET on 5xx with backoff and counts every attempt', async () => {
    const s = await server((_req, res, n) => {
      if (n <= 2) sendJson(res, 503, { error: 'busy' });
      else sendJson(res, 200, { ok: true });
    });
    const events: RequestEvent[] = [];
    const c = await client(s.url, { onRequest: (e) => events.push(e) });
    await expect(c.getJson('/x', Ok)).resolves.toEqual({ ok: true });
    expect(s.count).toBe(3);
    expect(events.map((e) => [e.attempt, e.status])).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
  });

  it('gives up after the last retry with a typed server error', async () => {
    const s = await server((_req, res) => sendJson(res, 500, { error: { message: 'boom' } }));
    const c = await client(s.url, { maxRetries: 2 });
    const error = await failure(c.getJson('/hosts', Ok));
    expect(error.reason).toBe('server-error');
    expect(error.message).toBe('Test GET /hosts: server error (500: boom) after 3 attempts.');
    expect(s.count).toBe(3);
  });

  it('takes a status the endpoint gives as its answer at once, and still retries others', async () => {
    const s = await server((_req, res, n) =>
      sendJson(res, n === 1 ? 503 : 500, {
        data: null,
        message: 'QEMU guest agent is not running',
      }),
    );
    const c = await client(s.url);
    const response = await c.request('/agent/network-get-interfaces', { finalStatuses: [500] });
    expect(response.status).toBe(500);
    expect(response.attempts).toBe(2);
    expect(s.count).toBe(2);
  });

  it('never retries a non-idempotent request', async () => {
    const s = await server((_req, res) => sendJson(res, 503, { error: 'busy' }));
    const c = await client(s.url);
    const response = await c.request('/x', { method: 'POST', json: { a: 1 } });
    expect(response.status).toBe(503);
    expect(s.count).toBe(1);
  });

  it('retries a dropped connection', async () => {
    const s = await server((req, res, n) => {
      if (n === 1) req.socket.destroy();
      else sendJson(res, 200, { ok: true });
    });
    const c = await client(s.url);
    await expect(c.getJson('/x', Ok)).resolves.toEqual({ ok: true });
    expect(s.count).toBe(2);
  });

  it('says a URL may want https:// when every plain-HTTP try is dropped, as a TLS port does', async () => {
    const s = await server((req) => {
      req.socket.destroy();
    });
    const c = await client(s.url);
    const error = await failure(c.getJson('/api/status', Ok));
    expect(error.message).toMatch(
      /^Test GET \/api\/status: the connection was dropped \(\w+\)\. If that port serves HTTPS, the profile's URL should start with https:\/\/\.$/,
    );
  });

  it('honours Retry-After on 429', async () => {
    const s = await server((_req, res, n) => {
      if (n === 1) {
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' });
        res.end('Too Many Requests\n');
      } else sendJson(res, 200, { ok: true });
    });
    const c = await client(s.url);
    const started = Date.now();
    await expect(c.getJson('/x', Ok)).resolves.toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(s.count).toBe(2);
  });

  it('fails at once when Retry-After is longer than the cap', async () => {
    const s = await server((_req, res) => {
      res.writeHead(429, { 'retry-after': '600', 'content-type': 'application/json' });
      res.end('{"message":"Too many requests. Try again later."}');
    });
    const c = await client(s.url, { maxRetryAfterMs: 2000 });
    const error = await failure(c.getJson('/x', Ok));
    expect(error.reason).toBe('rate-limited');
    expect(error.code).toBe('rate-limited');
    expect(error.message).toContain('wait 600 s');
    expect(s.count).toBe(1);
  });

  it('tells the wait of a Retry-After given as an HTTP date in seconds', async () => {
    const s = await server((_req, res) => {
      const later = new Date(Date.now() + 600_000).toUTCString();
      res.writeHead(429, { 'retry-after': later, 'content-type': 'application/json' });
      res.end('{"message":"Too many requests. Try again later."}');
    });
    const c = await client(s.url, { maxRetryAfterMs: 2000 });
    const error = await failure(c.getJson('/x', Ok));
    expect(error.reason).toBe('rate-limited');
    expect(error.message).toMatch(/; the server asks to wait (599|600) s\.$/);
    expect(s.count).toBe(1);
  });
});

describe('limits and timeouts', () => {
  it('aborts a body larger than the cap (declared or streamed)', async () => {
    const big = JSON.stringify({ ok: true, pad: 'x'.repeat(4096) });
    const declared = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': big.length });
      res.end(big);
    });
    const c = await client(declared.url, { maxBodyBytes: 1024 });
    const error = await failure(c.getJson('/x', Ok));
    expect(error.reason).toBe('too-large');
    expect(error.code).toBe('payload-too-large');
    expect(error.message).toContain('larger than 1 KiB');
    const streamed = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 8; i++) res.write('x'.repeat(512));
      res.end();
    });
    const c2 = await client(streamed.url, { maxBodyBytes: 1024 });
    expect((await failure(c2.getJson('/x', Ok))).reason).toBe('too-large');
    expect(streamed.count).toBe(1);
  });

  it('times out a server that never answers, retrying a bounded number of times', async () => {
    const s = await server(() => undefined);
    const c = await client(s.url, { headersTimeoutMs: 150, maxRetries: 1 });
    const error = await failure(c.getJson('/hang', Ok));
    expect(error.reason).toBe('headers-timeout');
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('Test GET /hang: no answer within 150 ms.');
    expect(s.count).toBe(2);
  });

  it('times out a body that stalls', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":');
    });
    const c = await client(s.url, { bodyTimeoutMs: 150, maxRetries: 0 });
    expect((await failure(c.getJson('/x', Ok))).reason).toBe('body-timeout');
  });

  it('cancels through an AbortSignal, also while waiting to retry', async () => {
    const hang = await server(() => undefined);
    const c = await client(hang.url);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(c.getJson('/x', Ok, { signal: controller.signal }));
    expect(error.reason).toBe('cancelled');
    expect(error.code).toBe('cancelled');

    const busy = await server((_req, res) => sendJson(res, 503, {}));
    const slow = await client(busy.url, { baseDelayMs: 10_000, maxDelayMs: 10_000 });
    const second = new AbortController();
    setTimeout(() => second.abort(), 50);
    const started = Date.now();
    expect((await failure(slow.getJson('/x', Ok, { signal: second.signal }))).reason).toBe(
      'cancelled',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('cancels while the connection is still being made, not after the connect timeout', async () => {
    const { silent, port } = await silentServer();
    const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    // Far longer than the test may take: only the cancel can end this request.
    const c = await client(`https://127.0.0.1:${String(port)}`, { connectTimeoutMs: 600_000 });
    const controller = new AbortController();
    const answer = failure(c.getJson('/x', Ok, { signal: controller.signal }));
    await connected;
    controller.abort();
    const error = await answer;
    expect(error.reason).toBe('cancelled');
    expect(error.message).toBe('Test GET /x: cancelled.');
  });

  it('says a TLS handshake may be what never finished, and how many attempts it waited', async () => {
    const { sockets, port } = await silentServer();
    const c = await client(`https://127.0.0.1:${String(port)}`, {
      connectTimeoutMs: 200,
      maxRetries: 1,
    });
    const error = await failure(c.getJson('/x', Ok));
    expect(error.reason).toBe('connect-timeout');
    expect(error.message).toBe(
      'Test GET /x: no connection within 200 ms (2 attempts; host down or filtered, or a TLS handshake that never finished?).',
    );
    expect(sockets.length).toBe(2);
  });

  it('reports HTTPS to a plain HTTP port on one line', async () => {
    const s = await server(okHandler);
    const c = await client(s.url.replace(/^http:/, 'https:'));
    const error = await failure(c.getJson('/x', Ok));
    expect(error.message).toMatch(/^Test GET \/x: TLS failed \(.+\) — is this an HTTPS port\?$/);
    expect(error.message).not.toMatch(/\n/);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const s = await server((_req, res) => {
      setTimeout(() => sendJson(res, 200, { ok: true }), 30);
    });
    const c = await client(s.url, { concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => c.getJson(`/x${i}`, Ok)));
    expect(s.count).toBe(8);
    expect(s.peak).toBe(2);
  });
});

describe('JSON answers', () => {
  it('treats an HTML page where JSON is expected as "not an API endpoint"', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body><div id="root"></div></body></html>');
    });
    const c = await client(s.url);
    const error = await failure(c.getJson('/api/hosts', Ok));
    expect(error.reason).toBe('not-api');
    expect(error.message).toContain('not a Test API endpoint');
    expect(s.count).toBe(1);
  });

  it('says a web page after answers from the API is a failed request, not a wrong URL', async () => {
    const s = await server((req, res) => {
      if (req.url === '/api/hosts/15') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>502 Bad Gateway</body></html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const c = await client(s.url);
    await c.getJson('/api/hosts/14', Ok);
    const error = await failure(c.getJson('/api/hosts/15', Ok));
    expect(error.reason).toBe('not-api');
    expect(error.message).toBe(
      "Test GET /api/hosts/15: answered with a web page (text/html) instead of JSON, though the API answered the requests before it: the server, or a proxy in front of it, failed on this one. Sync again; if it fails here again, look at the server's logs.",
    );
  });

  it('reports invalid and truncated JSON', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"results":[{"id":1},');
    });
    const c = await client(s.url);
    const error = await failure(c.getJson('/x', Ok));
    expect(error.reason).toBe('invalid-json');
    expect(error.message).toMatch(/^Test GET \/x: the answer is not valid JSON/);
  });

  it('names the path of a field with the wrong type', async () => {
    const s = await server((_req, res) =>
      sendJson(res, 200, {
        results: [
          { id: 1, name: 'a' },
          { id: 'two', name: 'b' },
        ],
      }),
    );
    const c = await client(s.url);
    const Schema = z.object({ results: z.array(z.object({ id: z.number(), name: z.string() })) });
    const error = await failure(c.getJson('/api/hosts', Schema, { endpoint: '/api/hosts' }));
    expect(error.reason).toBe('invalid-data');
    expect(error.details.field).toBe('results[1].id');
    expect(error.message).toContain('Test GET /api/hosts: unexpected data at results[1].id');
  });

  it('maps 401 to a credential error carrying the server’s message', async () => {
    const s = await server((_req, res) =>
      sendJson(res, 401, { error: { message: 'Unable to authenticate user admin' } }),
    );
    const c = await client(s.url);
    const error = await failure(c.getJson('/x', Ok));
    expect(error.reason).toBe('unauthorized');
    expect(error.message).toContain(
      'refused the credentials (401: Unable to authenticate user admin)',
    );
    expect(s.count).toBe(1);
  });

  it('reads the error text from the reason phrase when the body has none (Proxmox VE before 8.4)', async () => {
    const s = await server((_req, res) => {
      res.writeHead(403, 'Permission check failed (/vms/101, VM.Audit)', {
        'content-type': 'application/json;charset=UTF-8',
      });
      res.end('{"data":null}');
    });
    const c = await client(s.url);
    const error = await failure(c.getJson('/nodes/pve1/lxc/101/config', Ok));
    expect(error.reason).toBe('forbidden');
    expect(error.message).toBe(
      'Test GET /nodes/pve1/lxc/101/config: access denied (403: Permission check failed (/vms/101, VM.Audit)).',
    );
  });

  it('does not repeat a standard reason phrase as the server’s message', async () => {
    const s = await server((_req, res) => {
      res.writeHead(404, 'Not Found');
      res.end();
    });
    const c = await client(s.url);
    const error = await failure(c.getJson('/x', Ok));
    expect(error.message).toBe('Test GET /x: not found (404).');
  });

  it('keeps the detail of a RouterOS REST error body', async () => {
    const s = await server((_req, res) =>
      sendJson(res, 400, { error: 400, message: 'Bad Request', detail: 'no such command prefix' }),
    );
    const c = await client(s.url);
    const error = await failure(c.getJson('/x', Ok));
    expect(error.message).toContain('(400: Bad Request: no such command prefix)');
  });

  it('never puts the authorization header into errors', async () => {
    const s = await server((req, res) =>
      sendJson(res, 403, { error: String(req.headers.authorization) }),
    );
    const c = await client(s.url, { headers: { authorization: 'Basic dXNlcjpzM2NyZXQ=' } });
    const error = await failure(c.getJson('/x', Ok));
    expect(error.message).not.toContain('dXNlcjpzM2NyZXQ=');
  });
});

describe('request targets', () => {
  it('sends the path prefix, path and query as built, and encodes what needs encoding', async () => {
    const seen: string[] = [];
    const s = await server((req, res) => {
      seen.push(req.url ?? '');
      sendJson(res, 200, { ok: true });
    });
    const c = await client(`${s.url}/api2/json/`);
    await c.getJson('/nodes/pve1/qemu/101/config', Ok, { query: { page: 2, search: 'a b' } });
    await c.getJson('/hosts/web 01', Ok);
    await c.getJson('/hosts/ä/../facts', Ok);
    expect(seen).toEqual([
      '/api2/json/nodes/pve1/qemu/101/config?page=2&search=a+b',
      '/api2/json/hosts/web%2001',
      '/api2/json/hosts/facts',
    ]);
  });
});
