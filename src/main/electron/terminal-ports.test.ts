import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { encodeAck, encodeInput } from '../../shared/ssh';
import type { Core } from '../app/create-core';
import { silentLogger } from '../core/logger';
import { TerminalStreams } from '../hosts/terminal-streams';
import type { SshSessionManager } from '../ssh';
import { bindTerminalPorts } from './terminal-ports';

/** Electron's MessagePortMain over Node's MessagePort: messages come as `{ data }`. */
class FakePortMain extends EventEmitter {
  constructor(readonly port: MessagePort) {
    super();
    port.on('message', (data: unknown) => this.emit('message', { data }));
    port.on('close', () => this.emit('close'));
  }
  postMessage(data: unknown): void {
    this.port.postMessage(data);
  }
  start(): void {
    this.port.start();
  }
  close(): void {
    this.port.close();
  }
}

vi.mock('electron', () => ({
  MessageChannelMain: class {
    readonly port1: FakePortMain;
    readonly port2: MessagePort;
    constructor() {
      const channel = new MessageChannel();
      this.port1 = new FakePortMain(channel.port1);
      this.port2 = channel.port2;
    }
  },
}));

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/**
 * The ports Electron's main process pushes to a window showing our origin, over a session
 * manager whose output the test makes and whose input and acknowledgements it records.
 */
function portsBed() {
  let output: ((id: string, bytes: Uint8Array) => void) | undefined;
  const acked: number[] = [];
  const written: string[] = [];
  const manager = {
    on: (_event: 'data', listener: (id: string, bytes: Uint8Array) => void) => {
      output = listener;
      return () => undefined;
    },
    write: (_id: string, bytes: Uint8Array) => written.push(text(bytes)),
    ack: (_id: string, count: number) => acked.push(count),
  };
  const terminals = new TerminalStreams(manager as unknown as SshSessionManager, silentLogger);
  const pushed: { id: string; port: MessagePort }[] = [];
  const window = {
    isDestroyed: () => false,
    webContents: {
      mainFrame: { url: 'app://rackside/index.html' },
      postMessage: (_channel: string, data: { id: string }, ports: MessagePort[]) => {
        const port = ports[0];
        if (port !== undefined) pushed.push({ id: data.id, port });
      },
    },
  };
  const unbind = bindTerminalPorts({ terminals } as unknown as Core, {
    window: () => window as never,
    allowedOrigins: ['app://rackside'],
    logger: silentLogger,
  });
  return {
    terminals,
    pushed,
    acked,
    written,
    output: (id: string, bytes: Uint8Array) => output?.(id, bytes),
    /** The `n`th port pushed (from 0). */
    port: (n: number): MessagePort => {
      const port = pushed[n]?.port;
      if (port === undefined) throw new Error(`no port ${String(n)}`);
      return port;
    },
    close: () => {
      unbind();
      terminals.dispose();
    },
  };
}

const received = (port: MessagePort): Promise<string> =>
  new Promise((resolve) => port.once('message', (data: Uint8Array) => resolve(text(data))));

describe('terminal streams over MessagePorts (Electron)', () => {
  it("pushes a port for a new session, and to a reloaded window one that replays the session's output", async () => {
    const { terminals, pushed, acked, output, port, close } = portsBed();
    try {
      terminals.opened('s1');
      expect(pushed.map((p) => p.id)).toEqual(['s1']);
      const first = port(0);
      const arrived = received(first);
      output('s1', Buffer.from('$ hostname\r\nweb-01\r\n$ '));
      expect(await arrived).toBe('$ hostname\r\nweb-01\r\n$ ');

      // The window reloads and asks for the stream again (ssh:attach).
      expect(terminals.reopen('s1')).toBe(true);
      const second = port(1);
      expect(await received(second)).toBe('$ hostname\r\nweb-01\r\n$ ');
      // The old window's unpainted output was acknowledged for it; painting the replay adds
      // nothing, painting new output releases it.
      expect(acked).toEqual([22]);
      second.postMessage(encodeAck(22));
      const next = received(second);
      output('s1', Buffer.from('uptime\r\n'));
      expect(await next).toBe('uptime\r\n');
      second.postMessage(encodeAck(8));
      await vi.waitFor(() => {
        expect(acked).toEqual([22, 8]);
      });
    } finally {
      close();
    }
  });

  it('tells the page how much input it took before a malformed frame, takes nothing after it, and pushes a new port', async () => {
    const { terminals, pushed, written, output, port, close } = portsBed();
    const input = (typed: string): Uint8Array => encodeInput(Buffer.from(typed));
    try {
      terminals.opened('s1');
      const first = port(0);
      const messages: unknown[] = [];
      first.on('message', (data: unknown) => messages.push(data));
      first.postMessage(input('ls;'));
      first.postMessage(Uint8Array.of(9, 9));
      first.postMessage(input('rm -rf /tmp/x'));
      await vi.waitFor(() => {
        expect(messages).toContainEqual({
          close: 1007,
          reason: 'malformed frame; input taken: 3',
        });
      });
      // The page gets a new port at once: what it types there is taken, and output flows there.
      expect(pushed).toHaveLength(2);
      const second = port(1);
      const arrived = received(second);
      output('s1', Buffer.from('$ '));
      expect(await arrived).toBe('$ ');
      second.postMessage(input('pwd;'));
      await vi.waitFor(() => {
        expect(written).toEqual(['ls;', 'pwd;']);
      });
    } finally {
      close();
    }
  });
});
