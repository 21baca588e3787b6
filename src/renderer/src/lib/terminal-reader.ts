import { terminalFrame } from '../../../shared/ssh';
import {
  portStream,
  socketStream,
  type StreamEvents,
  type TerminalStream,
} from './terminal-stream';

export type { StreamEvents, TerminalStream } from './terminal-stream';

/**
 * Where a terminal's stream is read: in the page's reader worker where the page can run one
 * (`terminal-reader.worker.ts`: the main thread then only writes output into xterm.js), or on the
 * main thread otherwise. Either way the channel sees the same events.
 */

export type ToReader =
  | { op: 'open'; id: number; url: string }
  | { op: 'port'; id: number; port: MessagePort }
  | { op: 'send'; id: number; frame: Uint8Array }
  | { op: 'close'; id: number; code: number }
  /** The page heard `ended`: the worker answers with `close`, after every `send` before this. */
  | { op: 'forget'; id: number };

export type FromReader =
  | { op: 'ready' }
  | { op: 'open'; id: number }
  | { op: 'data'; id: number; bytes: Uint8Array }
  /** The worker took an input frame the page sent: it went out, or comes back with `close`. */
  | { op: 'sent'; id: number }
  /** The stream closed; frames the page sends it meanwhile are kept until it asks to `forget`. */
  | { op: 'ended'; id: number }
  | { op: 'close'; id: number; code: number; reason: string; unsent: Uint8Array[] };

/**
 * The close code a stream reports when the reader worker reading it failed: output the worker had
 * received and not handed over is gone with it. Its `unsent` are the input frames the worker had
 * not said it took: sent to it as it failed, they most likely never went out. (A private code: it
 * never goes on the wire.)
 */
export const readerFailed = 4500;

interface Reader {
  worker: Worker;
  ready: boolean;
  /** Ports waiting for the worker to start (or fail, and be read here after all). */
  waiting: (() => void)[];
}

/** The page's one reader: undefined until first wanted, null where none can run. */
let reader: Reader | null | undefined;
const streams = new Map<number, StreamEvents>();
/**
 * Streams the worker said had ended, with what the page sent them since (the worker had them sent
 * before it heard of the end; it hands them back with `close`).
 */
const ending = new Map<number, Uint8Array[]>();
/** Input frames sent to the worker that it has not said it took, per stream, oldest first. */
const untaken = new Map<number, Uint8Array[]>();
let nextId = 1;

/**
 * A worker that fails is not used again: its streams report `readerFailed`, and streams opened
 * from then on are read on the main thread.
 */
function retireReader(): void {
  const failed = reader;
  reader = null;
  if (!failed) return;
  failed.worker.terminate();
  const orphans = [...streams.entries()];
  streams.clear();
  ending.clear();
  for (const [id, events] of orphans) events.closed(readerFailed, '', untaken.get(id) ?? []);
  untaken.clear();
  for (const go of failed.waiting.splice(0)) go();
}

function startReader(): Reader | null {
  if (reader !== undefined) return reader;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./terminal-reader.worker.ts', import.meta.url), {
      type: 'module',
      name: 'terminal-reader',
    });
  } catch {
    reader = null;
    return null;
  }
  const started: Reader = { worker, ready: false, waiting: [] };
  reader = started;
  worker.onmessage = ({ data }: MessageEvent<FromReader>) => {
    if (data.op === 'ready') {
      started.ready = true;
      for (const go of started.waiting.splice(0)) go();
      return;
    }
    const events = streams.get(data.id);
    if (events === undefined) return;
    if (data.op === 'open') events.opened();
    else if (data.op === 'data') events.data(data.bytes);
    else if (data.op === 'sent') untaken.get(data.id)?.shift();
    else if (data.op === 'ended') {
      // Frames sent from now on wait here; the worker answers `forget` after those sent before.
      ending.set(data.id, []);
      worker.postMessage({ op: 'forget', id: data.id } satisfies ToReader);
    } else {
      const late = ending.get(data.id) ?? [];
      streams.delete(data.id);
      ending.delete(data.id);
      untaken.delete(data.id);
      events.closed(data.code, data.reason, [...data.unsent, ...late]);
    }
  };
  worker.onerror = retireReader;
  worker.onmessageerror = retireReader;
  return started;
}

/** A stream read by the worker, known by `id` there. */
function workerStream(worker: Worker, id: number): TerminalStream {
  return {
    send: (frame) => {
      const late = ending.get(id);
      if (late !== undefined) late.push(frame);
      else if (streams.has(id)) {
        if (frame[0] === terminalFrame.input) {
          const waiting = untaken.get(id);
          if (waiting === undefined) untaken.set(id, [frame]);
          else waiting.push(frame);
        }
        worker.postMessage({ op: 'send', id, frame } satisfies ToReader);
      }
    },
    close: (code) => {
      // The worker reports the close back, and `id` is forgotten then.
      if (streams.has(id) && !ending.has(id)) {
        worker.postMessage({ op: 'close', id, code } satisfies ToReader);
      }
    },
  };
}

/** Whether streams opened now are read (and their output joined) by the worker. */
export function streamsJoined(): boolean {
  return startReader() !== null;
}

export function openTerminalSocket(url: string, events: StreamEvents): TerminalStream {
  const started = startReader();
  if (started === null) return socketStream(url, events);
  const id = nextId;
  nextId += 1;
  streams.set(id, events);
  started.worker.postMessage({ op: 'open', id, url } satisfies ToReader);
  return workerStream(started.worker, id);
}

/**
 * Reads an Electron terminal port. It is handed to the worker once the worker has started —
 * a port given away cannot be taken back — and read here where no worker starts. What the host
 * sends meanwhile waits in the port.
 */
export function readTerminalPort(port: MessagePort, events: StreamEvents): TerminalStream {
  const id = nextId;
  nextId += 1;
  let stream: TerminalStream | undefined;
  const held: Uint8Array[] = [];
  let closedEarly = false;
  const settle = (): void => {
    const started = reader;
    if (started?.ready === true) {
      streams.set(id, events);
      started.worker.postMessage({ op: 'port', id, port } satisfies ToReader, [port]);
      stream = workerStream(started.worker, id);
    } else {
      stream = portStream(port, events);
    }
    for (const frame of held.splice(0)) stream.send(frame);
    if (closedEarly) stream.close(1000);
  };
  const started = startReader();
  if (started === null || started.ready) settle();
  else started.waiting.push(settle);
  return {
    send: (frame) => {
      if (stream) stream.send(frame);
      else held.push(frame);
    },
    close: (code) => {
      if (stream) stream.close(code);
      else closedEarly = true;
    },
  };
}
