import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { maxImportBytes } from '../../shared/contract';
import { maxCallFrameBytes } from '../../shared/wire';
import { createCore } from '../app/create-core';
import { silentLogger } from '../core/logger';
import { useTempDirs } from '../test-support/temp-dir';
import { startBrowserHost, type BrowserHost } from './browser-host';

const tempDir = useTempDirs();
const hosts: BrowserHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

/** A profile manifest as people write it (indented), with `notes` characters of notes each. */
function manifest(count: number, notes: number): string {
  return JSON.stringify(
    {
      rackside: 'profile-manifest',
      version: 1,
      profiles: Array.from({ length: count }, (_, i) => ({
        name: `foreman-${String(i).padStart(4, '0')}`,
        notes: 'n'.repeat(notes),
        connection: {
          kind: 'foreman',
          url: `https://foreman-${String(i)}.example`,
          auth: { mode: 'token', username: 'admin' },
        },
      })),
    },
    null,
    2,
  );
}

async function start() {
  const rendererDir = await tempDir();
  await fs.writeFile(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><title>Rackside</title>',
  );
  await fs.mkdir(path.join(rendererDir, 'assets'));
  await fs.writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  const dataDir = await tempDir();
  await fs.writeFile(path.join(dataDir, 'secret.txt'), 'do not serve');
  const core = await createCore({
    dataDir,
    host: 'browser',
    version: '0.0.0',
    logger: silentLogger,
  });
  const host = await startBrowserHost({ core, rendererDir, logger: silentLogger });
  hosts.push(host);
  return { host, origin: `http://127.0.0.1:${host.port}` };
}

/** Opens a WebSocket and resolves with the HTTP status of a refused upgrade, or the socket. */
function connect(url: string, origin?: string): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    socket.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      socket.terminate();
    });
    socket.on('open', () => {
      resolve({ status: 101, socket });
    });
    socket.on('error', () => undefined);
  });
}

/** Resolves with the call's result frame, or `{ closed: code }` if the host ends the socket. */
function call(socket: WebSocket, id: number, channel: string, payload: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const frame = JSON.parse((data as Buffer).toString('utf8')) as { type: string; id?: number };
      if (frame.type === 'result' && frame.id === id) {
        socket.off('message', onMessage);
        socket.off('close', onClose);
        resolve(frame);
      }
    };
    const onClose = (code: number): void => {
      socket.off('message', onMessage);
      resolve({ closed: code });
    };
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.send(JSON.stringify({ type: 'call', id, channel, payload }));
  });
}

describe('the browser host', () => {
  it('prints a loopback URL with a token and serves the app only with that token', async () => {
    const { host, origin } = await start();
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);

    const ok = await fetch(host.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(ok.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await ok.text()).toContain('<title>Rackside</title>');

    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${origin}/assets/app.js`)).status).toBe(401);
    const cookie = ok.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(cookie).toMatch(/^rackside_session=/);
    expect((await fetch(`${origin}/assets/app.js`, { headers: { cookie } })).status).toBe(200);
  });

  it('never serves files outside the renderer build', async () => {
    const { host, origin } = await start();
    const token = `token=${host.token}`;
    for (const probe of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%00',
    ]) {
      const response = await fetch(`${origin}${probe}?${token}`);
      expect(response.status, probe).toBe(404);
    }
    expect((await fetch(`${origin}/?${token}`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses WebSockets without the token (401) or from another origin (403)', async () => {
    const { host, origin } = await start();
    const rpc = `ws://127.0.0.1:${host.port}/rpc`;
    expect((await connect(rpc, origin)).status).toBe(401);
    expect((await connect(`${rpc}?token=nope`, origin)).status).toBe(401);
    expect((await connect(`${rpc}?token=${host.token}`, 'http://evil.example')).status).toBe(403);
    expect((await connect(`${rpc}?token=${host.token}`, 'http://localhost:1')).status).toBe(403);
    expect((await connect(`${rpc}?token=${host.token}`)).status).toBe(403);
    const accepted = await connect(`${rpc}?token=${host.token}`, origin);
    expect(accepted.status).toBe(101);
    accepted.socket?.close();
  });

  it('runs contract calls and pushes events to every connected window', async () => {
    const { host, origin } = await start();
    const rpc = `ws://127.0.0.1:${host.port}/rpc?token=${host.token}`;
    const first = (await connect(rpc, origin)).socket!;
    const second = (await connect(rpc, origin)).socket!;
    const pushed = new Promise((resolve) => {
      second.on('message', (data) => {
        const frame = JSON.parse((data as Buffer).toString('utf8')) as { type: string };
        if (frame.type === 'event') resolve(frame);
      });
    });
    expect(await call(first, 1, 'app:info', {})).toMatchObject({
      type: 'result',
      id: 1,
      result: { ok: true, data: { host: 'browser' } },
    });
    expect(await call(first, 2, 'settings:set', { theme: 'light' })).toMatchObject({
      result: { ok: true, data: { theme: 'light' } },
    });
    expect(await pushed).toEqual({
      type: 'event',
      name: 'settings:changed',
      payload: { theme: 'light', lockTimeoutMinutes: 15, savedSearches: [], defaultSshUser: '' },
    });
    expect(await call(first, 3, 'vault:dump', {})).toMatchObject({
      result: { ok: false, error: { code: 'unknown-channel' } },
    });
    first.close();
    second.close();
  });

  it('closes a socket that sends a malformed frame, and keeps serving others', async () => {
    const { host, origin } = await start();
    const rpc = `ws://127.0.0.1:${host.port}/rpc?token=${host.token}`;
    const bad = (await connect(rpc, origin)).socket!;
    const closed = new Promise<number>((resolve) => bad.on('close', (code) => resolve(code)));
    bad.send('{"type":"call","id":"one"');
    expect(await closed).toBe(1007);
    const good = (await connect(rpc, origin)).socket!;
    expect(await call(good, 1, 'settings:get', {})).toMatchObject({ result: { ok: true } });
    good.close();
  });

  it('imports a profile file up to the import limit, and keeps the socket for other calls', async () => {
    const { host, origin } = await start();
    const rpc = `ws://127.0.0.1:${host.port}/rpc?token=${host.token}`;
    const socket = (await connect(rpc, origin)).socket!;
    const closed = vi.fn();
    socket.on('close', closed);

    // 5000 profiles (the most a manifest holds) with notes: just under 4 MiB.
    const content = manifest(5000, 580);
    expect(content.length).toBeGreaterThan(maxImportBytes - 64 * 1024);
    expect(content.length).toBeLessThanOrEqual(maxImportBytes);
    const imported = await call(socket, 1, 'profiles:import', { content, passphrase: null });
    expect(imported).toMatchObject({ result: { ok: true } });
    expect(
      (imported as { result: { data: { created: string[] } } }).result.data.created,
    ).toHaveLength(5000);

    // Requests over their command's limits, within the frame the host reads, are answered.
    expect(
      await call(socket, 2, 'profiles:import', { content: 'x'.repeat(maxImportBytes + 1) }),
    ).toMatchObject({ result: { ok: false, error: { code: 'bad-request' } } });
    expect(
      await call(socket, 3, 'settings:set', { theme: 'x'.repeat(maxCallFrameBytes - 1024) }),
    ).toMatchObject({ result: { ok: false, error: { code: 'payload-too-large' } } });
    expect(await call(socket, 4, 'settings:get', {})).toMatchObject({ result: { ok: true } });
    expect(closed).not.toHaveBeenCalled();
    socket.close();
  });
});
