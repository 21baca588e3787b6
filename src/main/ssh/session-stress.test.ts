import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-support/temp-dir';
import { useTestKeys } from './test-support/fixtures';
import { openWatched, sessionBed, rootWithKey } from './test-support/session-harness';
import { startSshd } from './test-support/sshd';

const tempDir = useTempDirs();
const term = { cols: 80, rows: 24 };
const keys = useTestKeys();

/** A TCP server on 127.0.0.1 that treats every connection with `handle`. */
async function hostileServer(handle: (socket: net.Socket) => void): Promise<net.Server> {
  const server = net.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: net.Server): number => (server.address() as net.AddressInfo).port;

describe('SSH output under load', () => {
  it('delivers 50 MB intact while a slow consumer holds the flow below the high watermark', async () => {
    const dir = await tempDir();
    const flow = { highWatermark: 256 * 1024, lowWatermark: 64 * 1024 };
    const bed = await sessionBed(dir, { flow });
    const file = path.join(dir, 'payload.bin');
    const payload = randomBytes(50 * 1024 * 1024);
    await fs.writeFile(file, payload);
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    try {
      // `stty raw` turns off output processing so binary bytes pass the PTY unchanged.
      const watch = await openWatched(bed.manager, rootWithKey(server, keys.client.privatePath), {
        ...term,
        command: `stty raw -echo; cat ${file}`,
      });
      watch.autoAck = false;
      let received = 0;
      let acked = 0;
      let maxOutstanding = 0;
      const hash = createHash('sha256');
      bed.manager.on('data', (id, bytes) => {
        if (id !== watch.id) return;
        hash.update(bytes);
        received += bytes.byteLength;
        maxOutstanding = Math.max(maxOutstanding, received - acked);
      });
      // The consumer renders in batches, as xterm.js does between frames.
      const renderer = setInterval(() => {
        if (received > acked) bed.manager.ack(watch.id, received - acked);
        acked = received;
      }, 4);
      try {
        await watch.until(() => watch.last()?.state === 'closed', 'the end of the output', 60_000);
      } finally {
        clearInterval(renderer);
      }
      expect(watch.last()?.reason?.kind).toBe('exited');
      expect(received).toBe(payload.length);
      expect(hash.digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
      // Paused at the high watermark: never more than it plus one channel packet outstanding.
      expect(maxOutstanding).toBeGreaterThanOrEqual(flow.highWatermark);
      expect(maxOutstanding).toBeLessThanOrEqual(flow.highWatermark + 64 * 1024);
    } finally {
      await server.stop();
    }
  }, 90_000);
});

describe('hostile servers', () => {
  it('reports garbage instead of an SSH banner and a close mid-handshake clearly, and keeps working', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    const garbage = await hostileServer((socket) => {
      socket.end(
        Buffer.concat([Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), randomBytes(4096)]),
      );
    });
    const closer = await hostileServer((socket) => {
      socket.write('SSH-2.0-OpenSSH_9.2\r\n');
      socket.once('data', () => socket.destroy());
    });
    const real = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    try {
      const target = {
        host: '127.0.0.1',
        username: 'root',
        auth: { mode: 'key' as const, keyFile: keys.client.privatePath },
      };
      const bad = await openWatched(bed.manager, { ...target, port: portOf(garbage) }, term);
      await bad.state('closed');
      expect(['protocol', 'server-closed']).toContain(bad.last()?.reason?.kind);
      expect(bad.last()?.reason?.message).toContain(`127.0.0.1:${portOf(garbage)}`);

      const cut = await openWatched(bed.manager, { ...target, port: portOf(closer) }, term);
      await cut.state('closed');
      expect(cut.last()?.reason).toMatchObject({ kind: 'server-closed', retryable: true });
      expect(cut.last()?.reason?.message).toContain('before the session was set up');
      expect(bed.prompts).toEqual([]);

      const good = await openWatched(bed.manager, { ...target, port: real.port }, term);
      await good.state('open');
    } finally {
      garbage.close();
      closer.close();
      await real.stop();
    }
  });
});
