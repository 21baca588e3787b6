import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { encodeAck, encodeInput } from '../../shared/ssh';
import { createCore, type Core } from '../app/create-core';
import { silentLogger } from '../core/logger';
import { defaultFlow } from '../ssh/session-manager';
import { testKeys, type TestKeys } from '../ssh/test-support/fixtures';
import { startSshd, type Sshd } from '../ssh/test-support/sshd';
import { rootWithKey } from '../ssh/test-support/session-harness';
import { maxOutputFrame } from '../ssh/worker-session';
import { useTempDirs } from '../test-support/temp-dir';
import { startBrowserHost, type BrowserHost } from './browser-host';

const tempDir = useTempDirs();
let keys: TestKeys;
let sshd: Sshd;

beforeAll(async () => {
  keys = await testKeys();
  sshd = await startSshd(keys.dir, {
    hostKey: keys.hostA,
    authorizedKeys: [keys.client.publicLine],
  });
});
afterAll(async () => {
  await sshd.stop();
  await keys.remove();
});

const running: { host: BrowserHost; core: Core }[] = [];
afterEach(async () => {
  for (const { host, core } of running.splice(0)) {
    await host.close();
    await core.close();
  }
});

async function start() {
  const rendererDir = await tempDir();
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>R</title>');
  const core = await createCore({
    dataDir: await tempDir(),
    host: 'browser',
    version: '0.0.0',
    logger: silentLogger,
  });
  const host = await startBrowserHost({ core, rendererDir, logger: silentLogger });
  running.push({ host, core });
  // Accept host keys as a user clicking "accept once" would.
  core.events.subscribe((name, payload) => {
    if (name !== 'ssh:prompt') return;
    const prompt = payload as { promptId: string; kind: string };
    if (prompt.kind === 'host-key') {
      core.ssh.answer(prompt.promptId, { kind: 'host-key', answer: 'accept-once' });
    }
  });
  return { host, core, origin: `http://127.0.0.1:${host.port}` };
}

/** A session to the test sshd, opened as the ssh:open handler does. */
async function openSession(core: Core): Promise<string> {
  const id = await core.ssh.open(rootWithKey(sshd, keys.client.privatePath), {
    cols: 80,
    rows: 24,
    command: 'cat',
  });
  core.terminals.opened(id);
  return id;
}

function opened(core: Core, id: string): Promise<void> {
  if (core.ssh.info(id).status.state === 'open') return Promise.resolve();
  return new Promise((resolve) => {
    const off = core.ssh.on('status', (sid, status) => {
      if (sid === id && status.state === 'open') {
        off();
        resolve();
      }
    });
  });
}

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

/** Collects a socket's output; `until` resolves once the text so far matches. */
function output(socket: WebSocket, options: { ack: boolean }) {
  let received = Buffer.alloc(0);
  let waiters: (() => void)[] = [];
  socket.on('message', (data: Buffer) => {
    received = Buffer.concat([received, data]);
    if (options.ack) socket.send(encodeAck(data.byteLength));
    for (const wake of waiters.splice(0)) wake();
  });
  const until = async (done: (text: Buffer) => boolean): Promise<void> => {
    while (!done(received)) {
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return {
    until,
    bytes: () => received.byteLength,
    text: () => received.toString('utf8'),
    reset: () => {
      waiters = [];
    },
  };
}

describe('the browser host terminal stream', () => {
  it('is refused without the token, from another origin, and for an unknown session', async () => {
    const { host, core, origin } = await start();
    const id = await openSession(core);
    const base = `ws://127.0.0.1:${host.port}/term`;
    expect((await connect(`${base}?session=${id}`, origin)).status).toBe(401);
    expect((await connect(`${base}?token=wrong&session=${id}`, origin)).status).toBe(401);
    expect(
      (await connect(`${base}?token=${host.token}&session=${id}`, 'http://evil.example')).status,
    ).toBe(403);
    expect((await connect(`${base}?token=${host.token}&session=${id}`)).status).toBe(403);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await connect(`${base}?token=${host.token}&session=${unknown}`, origin)).status).toBe(
      404,
    );
    expect((await connect(`${base}?token=${host.token}`, origin)).status).toBe(404);
    const ok = await connect(`${base}?token=${host.token}&session=${id}`, origin);
    expect(ok.status).toBe(101);
    ok.socket?.close();
  });

  it('carries keystrokes to the session and its output back as binary frames', async () => {
    const { host, core, origin } = await start();
    const id = await openSession(core);
    const { socket } = await connect(
      `ws://127.0.0.1:${host.port}/term?token=${host.token}&session=${id}`,
      origin,
    );
    if (socket === undefined) throw new Error('no socket');
    const out = output(socket, { ack: true });
    await opened(core, id);
    socket.send(encodeInput(Buffer.from('hello from the stream\r')));
    await out.until((text) => text.toString('utf8').includes('hello from the stream'));
    socket.close();
  });

  it('closes the socket on a text frame or a malformed frame, leaving the session open', async () => {
    const { host, core, origin } = await start();
    const id = await openSession(core);
    const url = `ws://127.0.0.1:${host.port}/term?token=${host.token}&session=${id}`;
    for (const bad of ['text', Buffer.from([9, 1, 2]), Buffer.from([1, 0])]) {
      const { socket } = await connect(url, origin);
      if (socket === undefined) throw new Error('no socket');
      const closed = new Promise<number>((resolve) => socket.once('close', resolve));
      socket.send(bad);
      expect([1003, 1007]).toContain(await closed);
    }
    expect(core.ssh.info(id).status.state).not.toBe('closed');
  });

  it('takes nothing typed after a frame it refused, and says how much input it took before', async () => {
    const { host, core, origin } = await start();
    const id = await openSession(core);
    await opened(core, id);
    let shell = '';
    core.ssh.on('data', (sid, bytes) => {
      if (sid === id) shell += Buffer.from(bytes).toString('utf8');
    });
    const url = `ws://127.0.0.1:${host.port}/term?token=${host.token}&session=${id}`;
    const { socket } = await connect(url, origin);
    if (socket === undefined) throw new Error('no socket');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    // Sent together, as a paste's frames are: the middle one is refused.
    socket.send(encodeInput(Buffer.from('one-1\r')));
    socket.send(Buffer.from([9, 1, 2]));
    socket.send(encodeInput(Buffer.from('two-2\r')));
    expect(await closed).toEqual({ code: 1007, reason: 'malformed frame; input taken: 6' });

    const again = await connect(url, origin);
    if (again.socket === undefined) throw new Error('no socket');
    again.socket.send(encodeInput(Buffer.from('three-3\r')));
    await vi.waitFor(() => {
      expect(shell).toContain('three-3');
    });
    // What was typed after the refused frame never reached the session.
    expect(shell).toContain('one-1');
    expect(shell).not.toContain('two-2');
    again.socket.close();
  });

  it('sends a socket opened again the output the one that dropped never delivered to the page', async () => {
    const { host, core, origin } = await start();
    const id = await openSession(core);
    const url = `ws://127.0.0.1:${host.port}/term?token=${host.token}&session=${id}`;
    const { socket } = await connect(url, origin);
    if (socket === undefined) throw new Error('no socket');
    const out = output(socket, { ack: false });
    await opened(core, id);
    socket.send(encodeInput(Buffer.from('first-line\r')));
    await out.until((text) => text.toString('utf8').split('first-line').length === 3);
    // The page had taken in only what came before the shell's answer when the socket dropped.
    const all = out.text();
    const kept = all.lastIndexOf('first-line');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.terminate();
    await closed;
    await vi.waitFor(() => {
      expect(core.terminals.attached(id)).toBe(false);
    });

    // Read from the start: what is sent again comes right after the upgrade.
    const again = new WebSocket(`${url}&received=${String(kept)}`, { origin });
    const resent = output(again, { ack: true });
    await new Promise((resolve) => again.once('open', resolve));
    again.send(encodeInput(Buffer.from('next\r')));
    await resent.until((text) => text.toString('utf8').split('next').length === 3);
    // The shell's answer first, once, then what came after.
    expect(resent.text()).toBe(`${all.slice(kept)}next\r\nnext\r\n`);
    again.close();
  });

  it('holds a flood at the high watermark until the renderer acknowledges what it painted', async () => {
    const { host, core, origin } = await start();
    const id = await core.ssh.open(rootWithKey(sshd, keys.client.privatePath), {
      cols: 80,
      rows: 24,
      command: 'head -c 8000000 /dev/zero',
    });
    core.terminals.opened(id);
    const { socket } = await connect(
      `ws://127.0.0.1:${host.port}/term?token=${host.token}&session=${id}`,
      origin,
    );
    if (socket === undefined) throw new Error('no socket');
    const out = output(socket, { ack: false });
    await out.until((text) => text.byteLength >= 256 * 1024);
    // Without acknowledgements the session pauses at the high watermark (plus the frame and
    // SSH packet that crossed it).
    const heldAt = await new Promise<number>((resolve) => {
      setTimeout(() => {
        resolve(out.bytes());
      }, 400);
    });
    expect(heldAt).toBeGreaterThanOrEqual(defaultFlow.highWatermark);
    expect(heldAt).toBeLessThan(defaultFlow.highWatermark + maxOutputFrame + 32 * 1024);
    socket.send(encodeAck(heldAt));
    socket.on('message', (data: Buffer) => socket.send(encodeAck(data.byteLength)));
    await out.until((text) => text.byteLength >= 2 * defaultFlow.highWatermark);
    socket.close();
  });
});
