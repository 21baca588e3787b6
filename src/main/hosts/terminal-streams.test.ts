import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { encodeAck, encodeInput } from '../../shared/ssh';
import { silentLogger } from '../core/logger';
import { useTestKeys } from '../ssh/test-support/fixtures';
import { sessionBed, rootWithKey } from '../ssh/test-support/session-harness';
import { startSshd } from '../ssh/test-support/sshd';
import { useTempDirs } from '../test-support/temp-dir';
import { TerminalStreams } from './terminal-streams';

const tempDir = useTempDirs();
const keys = useTestKeys();

describe('a terminal stream over a MessagePort (as Electron carries it)', () => {
  it('carries input to the session and 8 MB of its output back intact and in order, acknowledged after rendering', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir, {
      flow: { highWatermark: 384 * 1024, lowWatermark: 256 * 1024 },
    });
    const streams = new TerminalStreams(bed.manager, silentLogger);
    const file = path.join(dir, 'payload.bin');
    const payload = randomBytes(8 * 1024 * 1024);
    await fs.writeFile(file, payload);
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    const { port1, port2 } = new MessageChannel();
    try {
      // `read` waits for one line of input first, so the input path is proven before output.
      const id = await bed.manager.open(rootWithKey(server, keys.client.privatePath), {
        cols: 80,
        rows: 24,
        command: `stty raw -echo; read go; cat ${file}`,
      });
      streams.opened(id);
      // The host's end, as src/main/electron/terminal-ports.ts wires it.
      const attachment = streams.attach(id, {
        send: (bytes) => {
          port1.postMessage(
            bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
              ? bytes
              : bytes.slice(),
          );
        },
        close: () => {
          port1.close();
        },
      });
      expect(attachment).not.toBeNull();
      let malformed = 0;
      port1.on('message', (data: unknown) => {
        if (!(data instanceof Uint8Array) || attachment?.receive(data) !== true) malformed += 1;
      });

      // The renderer's end: keeps what arrives and acknowledges in batches after "painting".
      const chunks: Buffer[] = [];
      let received = 0;
      let painted = 0;
      let messages = 0;
      port2.on('message', (data: Uint8Array) => {
        messages += 1;
        chunks.push(Buffer.from(data));
        received += data.byteLength;
        setTimeout(() => {
          painted += data.byteLength;
          port2.postMessage(encodeAck(data.byteLength));
        }, 2);
      });
      const status = (state: string): Promise<void> =>
        new Promise((resolve) => {
          const off = bed.manager.on('status', (sid, next) => {
            if (sid === id && next.state === state) {
              off();
              resolve();
            }
          });
        });
      const closed = status('closed');
      await status('open');
      port2.postMessage(encodeInput(new TextEncoder().encode('go\n')));
      await closed;
      // The last frames may still be on their way through the port.
      while (painted < received || received < payload.length) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      // The input may be echoed before `stty -echo` runs; the file follows, whole and in order.
      const output = Buffer.concat(chunks);
      expect(output.byteLength - payload.length).toBeLessThanOrEqual(8);
      const tail = output.subarray(output.byteLength - payload.length);
      expect(createHash('sha256').update(tail).digest('hex')).toBe(
        createHash('sha256').update(payload).digest('hex'),
      );
      expect(malformed).toBe(0);
      // Output travels in frames joined in the SSH worker (up to 64 KiB), not packet by packet.
      expect(messages).toBeLessThan(payload.length / (4 * 1024));
    } finally {
      port1.close();
      port2.close();
      streams.dispose();
      await server.stop();
    }
  }, 90_000);
});
