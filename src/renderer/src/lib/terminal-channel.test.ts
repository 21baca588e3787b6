import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeAck, encodeInput } from '../../../shared/ssh';
import { deliverPort } from '../test-support/terminal-host';
import type * as ChannelModule from './terminal-channel';
import type * as ReaderModule from './terminal-reader';
import type { FromReader, ToReader } from './terminal-reader';

/** The page's reader worker, as the channel sees it: messages in, messages out. */
class FakeWorker {
  static instances: FakeWorker[] = [];
  static refuse = false;
  onmessage: ((event: MessageEvent<FromReader>) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessageerror: ((event: Event) => void) | null = null;
  posted: ToReader[] = [];
  transferred: unknown[] = [];
  terminated = false;
  constructor() {
    if (FakeWorker.refuse) throw new Error('workers are not allowed here');
    FakeWorker.instances.push(this);
  }
  postMessage(message: ToReader, transfer: unknown[] = []): void {
    this.posted.push(message);
    this.transferred.push(...transfer);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(message: FromReader): void {
    this.onmessage?.({ data: message } as MessageEvent<FromReader>);
  }
}

/** A WebSocket on the page's main thread. */
class FakeSocket {
  static readonly OPEN = 1;
  static instances: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  sent: Uint8Array[] = [];
  closedWith: number | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(frame: Uint8Array): void {
    this.sent.push(frame);
  }
  close(code: number): void {
    this.closedWith = code;
  }
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
/** What a socket hands its `message` listeners (ASCII text, in this realm's ArrayBuffer). */
const message = (ascii: string): ArrayBuffer => {
  const buffer = new ArrayBuffer(ascii.length);
  new Uint8Array(buffer).set(Array.from(ascii, (c) => c.charCodeAt(0)));
  return buffer;
};
const lastWorker = (): FakeWorker => {
  const worker = FakeWorker.instances.at(-1);
  if (worker === undefined) throw new Error('no worker was started');
  return worker;
};

/** An Electron terminal port, as the page receives it from the preload. */
class FakePort {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  posted: Uint8Array[] = [];
  closed = false;
  postMessage(frame: Uint8Array): void {
    this.posted.push(frame);
  }
  close(): void {
    this.closed = true;
  }
}

async function readerModule(): Promise<typeof ReaderModule> {
  vi.resetModules();
  return import('./terminal-reader');
}

async function channelModule(): Promise<typeof ChannelModule> {
  // The page's one worker is module state: every test starts with a fresh page.
  vi.resetModules();
  return import('./terminal-channel');
}

beforeEach(() => {
  FakeWorker.instances = [];
  FakeWorker.refuse = false;
  FakeSocket.instances = [];
  vi.stubGlobal('Worker', FakeWorker);
  vi.stubGlobal('WebSocket', FakeSocket);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('terminal channels of the browser host', () => {
  it('carry output read by the reader worker to the terminal, and typing and acks back', async () => {
    const { openTerminalChannel } = await channelModule();
    const channel = openTerminalChannel('s-1');
    const received: string[] = [];
    channel.onData((bytes) => received.push(text(bytes)));
    expect(channel.joined).toBe(true);

    const worker = lastWorker();
    const opening = worker.posted[0];
    expect(opening).toMatchObject({ op: 'open' });
    if (opening?.op !== 'open') throw new Error('no socket opened');
    expect(opening.url).toContain('session=s-1');
    expect(opening.url).not.toContain('replay=');
    // Typed before the socket opened: kept, then sent first once it is open.
    channel.send('ls\r');
    expect(worker.posted).toHaveLength(1);
    worker.answer({ op: 'open', id: opening.id });
    worker.answer({ op: 'data', id: opening.id, bytes: new TextEncoder().encode('total 0\r\n') });
    channel.ack(9);
    expect(received).toEqual(['total 0\r\n']);
    expect(worker.posted.slice(1)).toEqual([
      { op: 'send', id: opening.id, frame: encodeInput(new TextEncoder().encode('ls\r')) },
      { op: 'send', id: opening.id, frame: encodeAck(9) },
    ]);

    // A closed tab closes its socket; output still in flight for it goes nowhere.
    channel.close();
    expect(worker.posted.at(-1)).toEqual({ op: 'close', id: opening.id, code: 1000 });
    // The worker says the socket closed; the page has it hand back what it could not send.
    worker.answer({ op: 'ended', id: opening.id });
    expect(worker.posted.at(-1)).toEqual({ op: 'forget', id: opening.id });
    worker.answer({ op: 'close', id: opening.id, code: 1000, reason: '', unsent: [] });
    worker.answer({ op: 'data', id: opening.id, bytes: new TextEncoder().encode('late') });
    expect(received).toEqual(['total 0\r\n']);
  });

  it('report the stream lost when the worker fails, and the tab’s next channel reads on the main thread', async () => {
    vi.useFakeTimers();
    const { openTerminalChannel } = await channelModule();
    const channel = openTerminalChannel('s-2');
    const lost = vi.fn();
    channel.onLost(lost);
    const received: string[] = [];
    channel.onData((bytes) => received.push(text(bytes)));
    const worker = lastWorker();
    const opening = worker.posted[0];
    if (opening?.op !== 'open') throw new Error('no socket opened');
    worker.answer({ op: 'open', id: opening.id });
    worker.answer({ op: 'data', id: opening.id, bytes: new TextEncoder().encode('$ yes\r\n') });

    // The worker fails: what it held is gone, so the socket is not simply reopened (the screen
    // would miss that output); the tab hears the stream is lost.
    worker.onerror?.(new Event('error'));
    expect(worker.terminated).toBe(true);
    expect(lost).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.instances).toHaveLength(0);

    // The tab opens the session again asking for its latest output, now on the main thread.
    const again = openTerminalChannel('s-2', { replay: true });
    expect(again.joined).toBe(false);
    const replayed: string[] = [];
    again.onData((bytes) => replayed.push(text(bytes)));
    const socket = FakeSocket.instances[0];
    if (socket === undefined) throw new Error('no socket on the main thread');
    expect(socket.url).toContain('session=s-2');
    expect(socket.url).toContain('replay=1');
    socket.open();
    socket.onmessage?.({ data: message('$ yes\r\ny\r\n') });
    again.send('x');
    expect(replayed).toEqual(['$ yes\r\ny\r\n']);
    expect(received).toEqual(['$ yes\r\n']);
    expect(socket.sent).toEqual([encodeInput(new TextEncoder().encode('x'))]);
    // No second worker is tried for later terminals.
    openTerminalChannel('s-3');
    expect(FakeWorker.instances).toHaveLength(1);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('use the main thread at once where the page cannot start a worker', async () => {
    FakeWorker.refuse = true;
    const { openTerminalChannel } = await channelModule();
    const channel = openTerminalChannel('s-4');
    const received: string[] = [];
    channel.onData((bytes) => received.push(text(bytes)));
    expect(channel.joined).toBe(false);
    const socket = FakeSocket.instances[0];
    if (socket === undefined) throw new Error('no socket on the main thread');
    socket.open();
    socket.onmessage?.({ data: message('hello') });
    expect(received).toEqual(['hello']);
  });

  it('tell the host, opening a socket again after a drop, how much output the dropped one delivered, and acknowledge there only its own', async () => {
    vi.useFakeTimers();
    const { openTerminalChannel } = await channelModule();
    const channel = openTerminalChannel('s-7');
    const received: string[] = [];
    channel.onData((bytes) => received.push(text(bytes)));
    const worker = lastWorker();
    /** The `n`th socket the worker was asked to open (from 0). */
    const socket = (n: number): { id: number; url: string } => {
      const opening = worker.posted.filter((m) => m.op === 'open')[n];
      if (opening?.op !== 'open') throw new Error(`no socket ${String(n)}`);
      return opening;
    };
    /** Socket `id` drops, and the channel waits `wait` ms to open another. */
    const drop = async (id: number, wait: number): Promise<void> => {
      worker.answer({ op: 'ended', id });
      worker.answer({ op: 'close', id, code: 1006, reason: '', unsent: [] });
      await vi.advanceTimersByTimeAsync(wait);
    };
    const first = socket(0);
    worker.answer({ op: 'open', id: first.id });
    worker.answer({ op: 'data', id: first.id, bytes: new TextEncoder().encode('$ make\r\n') });
    await drop(first.id, 500);
    expect(socket(1).url).toContain('received=8');
    // The host sends what went down with the first socket; a drop before it opens asks again.
    await drop(socket(1).id, 1000);
    const third = socket(2);
    expect(third.url).toContain('received=8');
    worker.answer({ op: 'open', id: third.id });
    worker.answer({ op: 'data', id: third.id, bytes: new TextEncoder().encode('cc\r\n') });
    expect(received).toEqual(['$ make\r\n', 'cc\r\n']);

    // The host settled the first socket's output when it dropped: painting it is not
    // acknowledged again on the third; painting the third's own output is.
    channel.ack(8);
    channel.ack(4);
    expect(worker.posted.filter((m) => m.op === 'send')).toEqual([
      { op: 'send', id: third.id, frame: encodeAck(4) },
    ]);
  });

  it('do not reopen a socket for a tab closed while it waited to reconnect', async () => {
    vi.useFakeTimers();
    const { openTerminalChannel } = await channelModule();
    const channel = openTerminalChannel('s-5');
    const worker = lastWorker();
    const opening = worker.posted[0];
    if (opening?.op !== 'open') throw new Error('no socket opened');
    worker.answer({ op: 'open', id: opening.id });
    // The connection drops (not closed on purpose): a reconnect is scheduled.
    worker.answer({ op: 'ended', id: opening.id });
    worker.answer({ op: 'close', id: opening.id, code: 1006, reason: '', unsent: [] });
    channel.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(worker.posted.filter((m) => m.op === 'open')).toHaveLength(1);
  });
});

describe('terminal ports under Electron', () => {
  const events = (): {
    received: string[];
    opened: () => void;
    data: (b: Uint8Array) => void;
    closed: () => void;
  } => {
    const received: string[] = [];
    return {
      received,
      opened: () => undefined,
      data: (bytes) => received.push(text(bytes)),
      closed: () => undefined,
    };
  };

  it('are handed to the reader worker once it has started, typing meanwhile kept in order', async () => {
    const { readTerminalPort } = await readerModule();
    const port = new FakePort();
    const seen = events();
    const stream = readTerminalPort(port as unknown as MessagePort, seen);
    stream.send(encodeInput(new TextEncoder().encode('a')));
    // A port given away cannot be taken back: nothing moves before the worker says it runs.
    const worker = lastWorker();
    expect(worker.posted).toEqual([]);
    worker.answer({ op: 'ready' });
    const handed = worker.posted[0];
    if (handed?.op !== 'port') throw new Error('the port was not handed over');
    expect(worker.transferred).toEqual([port]);
    expect(port.onmessage).toBeNull();
    stream.send(encodeInput(new TextEncoder().encode('b')));
    expect(worker.posted.slice(1)).toEqual([
      { op: 'send', id: handed.id, frame: encodeInput(new TextEncoder().encode('a')) },
      { op: 'send', id: handed.id, frame: encodeInput(new TextEncoder().encode('b')) },
    ]);
    worker.answer({ op: 'data', id: handed.id, bytes: new TextEncoder().encode('ab') });
    expect(seen.received).toEqual(['ab']);
    stream.close(1000);
    expect(worker.posted.at(-1)).toEqual({ op: 'close', id: handed.id, code: 1000 });
  });

  it('report the stream lost when the reader worker fails after taking the port, and only then', async () => {
    vi.stubGlobal('rackside', {});
    const { openTerminalChannel } = await channelModule();
    const channel = openTerminalChannel('s-6');
    const lost = vi.fn();
    channel.onLost(lost);
    const received: string[] = [];
    channel.onData((bytes) => received.push(text(bytes)));
    const port = new FakePort();
    deliverPort('s-6', port);
    const worker = lastWorker();
    worker.answer({ op: 'ready' });
    const handed = worker.posted[0];
    if (handed?.op !== 'port') throw new Error('the port was not handed over');
    worker.answer({ op: 'data', id: handed.id, bytes: new TextEncoder().encode('$ ') });
    expect(received).toEqual(['$ ']);
    expect(lost).not.toHaveBeenCalled();

    // The worker dies holding the port: its output can no longer arrive, and the tab hears so.
    worker.onerror?.(new Event('error'));
    expect(worker.terminated).toBe(true);
    expect(lost).toHaveBeenCalledTimes(1);
    // Typing meanwhile goes nowhere rather than failing.
    channel.send('x');
    expect(worker.posted.filter((m) => m.op === 'send')).toEqual([]);

    // The stream the host pushes again is read on the main thread.
    const again = openTerminalChannel('s-6');
    const replayed: string[] = [];
    again.onData((bytes) => replayed.push(text(bytes)));
    const next = new FakePort();
    deliverPort('s-6', next);
    expect(next.onmessage).not.toBeNull();
    next.onmessage?.({ data: Uint8Array.from('$ ls\r\n', (c) => c.charCodeAt(0)) });
    expect(replayed).toEqual(['$ ls\r\n']);
    expect(FakeWorker.instances).toHaveLength(1);

    // A tab closed on purpose is never reported lost.
    const closing = vi.fn();
    again.onLost(closing);
    again.close();
    expect(next.closed).toBe(true);
    expect(closing).not.toHaveBeenCalled();
  });

  it('are read on the main thread when the worker fails to start', async () => {
    const { readTerminalPort } = await readerModule();
    const port = new FakePort();
    const seen = events();
    const stream = readTerminalPort(port as unknown as MessagePort, seen);
    stream.send(encodeAck(7));
    const worker = lastWorker();
    worker.onerror?.(new Event('error'));
    expect(worker.posted).toEqual([]);
    expect(port.posted).toEqual([encodeAck(7)]);
    port.onmessage?.({ data: new Uint8Array([104, 105]) });
    expect(seen.received).toEqual(['hi']);
    // Ports of later terminals are read here at once.
    const later = new FakePort();
    readTerminalPort(later as unknown as MessagePort, events());
    expect(later.onmessage).not.toBeNull();
    expect(FakeWorker.instances).toHaveLength(1);
  });
});
