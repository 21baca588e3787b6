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
import type { SshSessionManager } from '../ssh';
import { historyBytes, TerminalStreams } from './terminal-streams';

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

/** The session manager's side of a stream: output is pushed by the test, acks are counted. */
function fakeSessions() {
  let listener: ((id: string, bytes: Uint8Array) => void) | undefined;
  const acked: number[] = [];
  const manager = {
    on: (_event: 'data', next: (id: string, bytes: Uint8Array) => void) => {
      listener = next;
      return () => {
        listener = undefined;
      };
    },
    write: () => undefined,
    ack: (_id: string, count: number) => acked.push(count),
  };
  return {
    streams: new TerminalStreams(manager as unknown as SshSessionManager, silentLogger),
    output: (id: string, text: string) => listener?.(id, new TextEncoder().encode(text)),
    ackedTotal: () => acked.reduce((sum, n) => sum + n, 0),
  };
}

function recordingSink() {
  const received: string[] = [];
  const decoder = new TextDecoder();
  return {
    sink: {
      send: (bytes: Uint8Array) => received.push(decoder.decode(bytes)),
      close: () => undefined,
    },
    text: () => received.join(''),
    messages: received,
  };
}

/**
 * Session s1's first transport was given about 1 MB of numbered lines, 100 at a time, and is
 * gone: `first` holds what it was given, `lines` the lines.
 */
function floodedThenDropped() {
  const { streams, output } = fakeSessions();
  streams.opened('s1');
  const first = recordingSink();
  const attachment = streams.attach('s1', first.sink);
  const lines = Array.from(
    { length: 20_000 },
    (_, i) => `line ${String(i).padStart(5, '0')} ${'x'.repeat(40)}\r\n`,
  );
  for (let i = 0; i < lines.length; i += 100) output('s1', lines.slice(i, i + 100).join(''));
  attachment?.detach();
  return { streams, first, lines };
}

describe("a session's stream shown again in a new window", () => {
  it("replays the session's latest output to a window attached after a reload, then carries on", () => {
    const { streams, output, ackedTotal } = fakeSessions();
    streams.opened('s1');
    const before = recordingSink();
    const first = streams.attach('s1', before.sink, { replay: true });
    output('s1', '$ uname -a\r\nLinux web-01\r\n');
    output('s1', '$ ');
    // The reloaded window never painted the prompt: its bytes are acknowledged for it.
    first?.receive(encodeAck(25));
    first?.detach();
    expect(ackedTotal()).toBe(28);
    expect(streams.attached('s1')).toBe(false);

    const after = recordingSink();
    const second = streams.attach('s1', after.sink, { replay: true });
    expect(streams.attached('s1')).toBe(true);
    expect(after.text()).toBe('$ uname -a\r\nLinux web-01\r\n$ ');
    output('s1', 'ls\r\n');
    expect(after.messages.at(-1)).toBe('ls\r\n');
    // Painting the replay releases nothing more; painting the new output releases it.
    second?.receive(encodeAck(28));
    expect(ackedTotal()).toBe(28);
    second?.receive(encodeAck(4));
    expect(ackedTotal()).toBe(32);
  });

  it('sends a socket the same window opens again only what it has not seen', () => {
    const { streams, output } = fakeSessions();
    streams.opened('s1');
    const first = recordingSink();
    streams.attach('s1', first.sink)?.detach();
    output('s1', 'while away\r\n');
    const again = recordingSink();
    streams.attach('s1', again.sink);
    output('s1', 'back\r\n');
    expect(first.text()).toBe('');
    expect(again.text()).toBe('while away\r\nback\r\n');
  });

  it('sends a socket opened again after a drop the output the dropped one never delivered, once and in order', () => {
    const { streams, output, ackedTotal } = fakeSessions();
    streams.opened('s1');
    const first = recordingSink();
    const attachment = streams.attach('s1', first.sink);
    output('s1', '$ make\r\n');
    output('s1', 'cc -c main.c\r\n');
    output('s1', 'cc -o app main.o\r\n');
    // The socket drops: the page received the first 22 bytes; the rest went down with it.
    attachment?.receive(encodeAck(8));
    attachment?.detach();
    output('s1', 'done\r\n');
    const again = recordingSink();
    const second = streams.attach('s1', again.sink, { received: 22 });
    output('s1', '$ ');
    expect(again.text()).toBe('cc -o app main.o\r\ndone\r\n$ ');
    // What the dropped socket was given is settled; painting what is sent again adds nothing.
    expect(ackedTotal()).toBe(40);
    second?.receive(encodeAck(18));
    expect(ackedTotal()).toBe(40);
    second?.receive(encodeAck(8));
    expect(ackedTotal()).toBe(48);

    // Dropped again with everything received: nothing is sent twice.
    second?.detach();
    const third = recordingSink();
    streams.attach('s1', third.sink, { received: again.text().length });
    output('s1', 'ls\r\n');
    expect(third.text()).toBe('ls\r\n');
  });

  it('says how much output was skipped when more went down with a socket than is kept', () => {
    const { streams, first, lines } = floodedThenDropped();
    const sent = first.text().length;
    const again = recordingSink();
    streams.attach('s1', again.sink, { received: 1000 });
    const text = again.text();
    expect(
      text.startsWith(
        `\r\n\x1b[2m[${String(sent - 1000 - historyBytes)} bytes of output skipped: sent as this terminal's stream dropped, and no longer kept]\x1b[0m\r\nline `,
      ),
    ).toBe(true);
    expect(text.endsWith(lines.at(-1) ?? '-')).toBe(true);
    expect(text.length).toBeLessThan(historyBytes + 200);
  });

  it('keeps only the latest output, and replays it from the first whole line', () => {
    const { streams, first, lines } = floodedThenDropped();
    const after = recordingSink();
    streams.attach('s1', after.sink, { replay: true });
    const replayed = after.text();
    expect(replayed.length).toBeLessThanOrEqual(historyBytes);
    expect(replayed.length).toBeGreaterThan(historyBytes - 64 * 1024);
    expect(replayed.startsWith('line ')).toBe(true);
    expect(replayed.endsWith(lines.at(-1) ?? '-')).toBe(true);
    expect(first.text().endsWith(replayed)).toBe(true);
  });

  it('sets again the modes a program set before the kept output: its screen, keys, region, colours', () => {
    const { streams, output } = fakeSessions();
    streams.opened('s1');
    const first = recordingSink();
    const attachment = streams.attach('s1', first.sink);
    // A shell, then a full-screen program that keeps redrawing for longer than is kept, in the
    // colours and scroll region it set once at its start.
    output('s1', '$ top\r\n\x1b[?1049h\x1b[?1h\x1b=\x1b[?25l\x1b[2;40r\x1b[1;37;44m');
    const frame = `\x1b[H${'load average: 0.42 '.repeat(4)}\r\n`.repeat(40);
    for (let i = 0; i * frame.length < 2 * historyBytes; i++) output('s1', frame);
    attachment?.detach();
    const after = recordingSink();
    streams.attach('s1', after.sink, { replay: true });
    const replayed = after.text();
    expect(replayed.startsWith('\x1b[?1049h\x1b[?1h\x1b[?25l\x1b=\x1b[2;40r\x1b[1;37;44m')).toBe(
      true,
    );
    expect(replayed.endsWith(frame)).toBe(true);
    expect(replayed).not.toContain('$ top');
  });

  it('asks hosts that push streams for a new one, for a session it knows', () => {
    const { streams } = fakeSessions();
    const pushed: string[] = [];
    streams.onOpened((id) => pushed.push(id));
    streams.opened('s1');
    expect(streams.reopen('s1')).toBe(true);
    expect(streams.reopen('gone')).toBe(false);
    expect(pushed).toEqual(['s1', 's1']);
  });
});
