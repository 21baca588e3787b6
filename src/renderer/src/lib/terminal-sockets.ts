/**
 * A terminal's WebSocket to the browser host, opened in a worker where the page can run one
 * (`terminal-sockets.worker.ts`: the page's main thread then only writes output into xterm.js),
 * or on the main thread otherwise. Both behave as a plain WebSocket would to `socketChannel`.
 */

export type ToSocketWorker =
  | { op: 'open'; id: number; url: string }
  | { op: 'send'; id: number; frame: Uint8Array }
  | { op: 'close'; id: number; code: number };

export type FromSocketWorker =
  | { op: 'open'; id: number }
  | { op: 'data'; id: number; bytes: Uint8Array }
  | { op: 'close'; id: number; code: number };

export interface SocketEvents {
  opened(): void;
  data(bytes: Uint8Array): void;
  /** The socket closed (by either side, or never opened), with its close code. */
  closed(code: number): void;
}

export interface TerminalSocket {
  /** Sent only while the socket is open; dropped otherwise. */
  send(frame: Uint8Array): void;
  close(code: number): void;
}

/** A WebSocket that closes without a close frame reports this code. */
const abnormalClosure = 1006;

function directSocket(url: string, events: SocketEvents): TerminalSocket {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    events.opened();
  };
  ws.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data instanceof ArrayBuffer) events.data(new Uint8Array(event.data));
  };
  ws.onclose = (event) => {
    events.closed(event.code);
  };
  return {
    send: (frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    close: (code) => {
      ws.close(code);
    },
  };
}

/** The page's one socket worker: undefined until first wanted, null where none can run. */
let worker: Worker | null | undefined;
const workerSockets = new Map<number, SocketEvents>();
let nextId = 1;

/** A worker that fails is not used again; its sockets close, and reopen on the main thread. */
function retireWorker(): void {
  worker?.terminate();
  worker = null;
  const orphans = [...workerSockets.values()];
  workerSockets.clear();
  for (const events of orphans) events.closed(abnormalClosure);
}

function socketWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./terminal-sockets.worker.ts', import.meta.url), {
      type: 'module',
      name: 'terminal-sockets',
    });
  } catch {
    worker = null;
    return null;
  }
  worker.onmessage = ({ data }: MessageEvent<FromSocketWorker>) => {
    const events = workerSockets.get(data.id);
    if (events === undefined) return;
    if (data.op === 'open') events.opened();
    else if (data.op === 'data') events.data(data.bytes);
    else {
      workerSockets.delete(data.id);
      events.closed(data.code);
    }
  };
  worker.onerror = retireWorker;
  worker.onmessageerror = retireWorker;
  return worker;
}

function workerSocket(host: Worker, url: string, events: SocketEvents): TerminalSocket {
  const id = nextId;
  nextId += 1;
  workerSockets.set(id, events);
  const post = (message: ToSocketWorker): void => {
    host.postMessage(message);
  };
  post({ op: 'open', id, url });
  return {
    send: (frame) => {
      if (workerSockets.has(id)) post({ op: 'send', id, frame });
    },
    close: (code) => {
      if (workerSockets.has(id)) post({ op: 'close', id, code });
    },
  };
}

/** Whether sockets opened now are read (and their output joined) by the worker. */
export function socketsJoined(): boolean {
  return socketWorker() !== null;
}

export function openTerminalSocket(url: string, events: SocketEvents): TerminalSocket {
  const host = socketWorker();
  return host === null ? directSocket(url, events) : workerSocket(host, url, events);
}
