import { vi } from 'vitest';
import { WebSocketServer, type WebSocket as HostSocket } from 'ws';
import {
  decodeClientFrame,
  refusedFrameReason,
  sessionParam,
  terminalPath,
} from '../../../shared/ssh';
import type { FromReader, ToReader } from '../lib/terminal-reader';

interface HostSession {
  /** Input the session took, in order. */
  typed: string;
  /** Input frames that arrived, taken or not, in order. */
  arrived: string[];
  /** Sockets opened for the session, in order. */
  sockets: HostSocket[];
  /** Stops (and later resumes) reading the current socket. */
  hold: { pause(): void; resume(): void } | null;
}

/**
 * The terminal stream of a browser host, on a real WebSocket server on 127.0.0.1: it takes input
 * as the host does, and the test decides when it closes a socket, refuses a frame, or no longer
 * knows a session (a socket for it is then refused with 404, as the host refuses it).
 */
export interface TestTerminalHost {
  port: number;
  /** A session the host knows. */
  open(sessionId: string): void;
  /** The session is gone, as after the host started again. */
  forget(sessionId: string): void;
  typed(sessionId: string): string;
  arrived(sessionId: string): string[];
  sockets(sessionId: string): number;
  /**
   * Closes the session's current socket; with `hold`, the host reads nothing more from it until
   * `release`, so the page stays in the closing handshake.
   */
  close(sessionId: string, code: number, options?: { hold?: boolean }): void;
  release(sessionId: string): void;
  /** The next input frame that contains `text` is refused with `code`, as the host refuses one. */
  refuse(text: string, code: 1003 | 1007): void;
  stop(): Promise<void>;
}

export async function startTerminalHost(): Promise<TestTerminalHost> {
  const sessions = new Map<string, HostSession>();
  const known = new Set<string>();
  let refusal: { text: string; code: 1003 | 1007 } | null = null;
  const sessionOf = (url: string | undefined): string =>
    new URL(url ?? '/', 'http://host').searchParams.get(sessionParam) ?? '';

  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: terminalPath,
    verifyClient: (info, done) => {
      done(known.has(sessionOf(info.req.url)), 404, 'Not Found');
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws, req) => {
    const id = sessionOf(req.url);
    const session = sessions.get(id);
    if (session === undefined) return;
    session.sockets.push(ws);
    session.hold = req.socket;
    let taken = 0;
    let refused = false;
    ws.on('message', (data: Buffer) => {
      if (refused) return;
      const frame = decodeClientFrame(new Uint8Array(data));
      if (frame?.kind !== 'input') return;
      const text = new TextDecoder().decode(frame.bytes);
      session.arrived.push(text);
      if (refusal !== null && text.includes(refusal.text)) {
        refused = true;
        const what = refusal.code === 1003 ? 'binary frames only' : 'malformed frame';
        ws.close(refusal.code, refusedFrameReason(what, taken));
        refusal = null;
        return;
      }
      taken += frame.bytes.byteLength;
      session.typed += text;
    });
  });

  const session = (id: string): HostSession => {
    const found = sessions.get(id);
    if (found === undefined) throw new Error(`no session ${id}`);
    return found;
  };
  return {
    port: (wss.address() as { port: number }).port,
    open: (id) => {
      known.add(id);
      sessions.set(id, { typed: '', arrived: [], sockets: [], hold: null });
    },
    forget: (id) => {
      known.delete(id);
    },
    typed: (id) => session(id).typed,
    arrived: (id) => session(id).arrived,
    sockets: (id) => session(id).sockets.length,
    close: (id, code, options = {}) => {
      const found = session(id);
      found.sockets.at(-1)?.close(code, code === 1001 ? 'going away' : '');
      if (options.hold === true) found.hold?.pause();
    },
    release: (id) => {
      session(id).hold?.resume();
    },
    refuse: (text, code) => {
      refusal = { text, code };
    },
    stop: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => {
        wss.close(() => {
          resolve();
        });
      });
    },
  };
}

/**
 * The terminal ports of Electron's main process, on real MessageChannels handed to the page as
 * the preload hands them: it takes input as the host does, and the test decides when it refuses a
 * frame (it then says so on the port, closes it and pushes a new one, as the host does).
 */
export interface TestPortHost {
  /** A session the host knows: its first port is pushed to the page. */
  open(sessionId: string): void;
  typed(sessionId: string): string;
  arrived(sessionId: string): string[];
  ports(sessionId: string): number;
  /** Output of the session (ASCII), on its current port. */
  output(sessionId: string, text: string): void;
  /** The next input frame that contains `text` is refused as malformed. */
  refuse(text: string): void;
  stop(): void;
}

/** The preload handing the page session `id`'s port, as it hands Electron's ipc port message. */
export function deliverPort(id: string, port: unknown): void {
  const event = new Event('message');
  Object.defineProperties(event, {
    source: { value: window },
    data: { value: { rackside: 'port', purpose: 'terminal', id } },
    ports: { value: [port] },
  });
  window.dispatchEvent(event);
}

/** Real timers, whatever a test fakes: messages between the page and its worker or the host take them. */
const later = globalThis.setTimeout.bind(globalThis);

/**
 * One end of a MessageChannel in the page's realm (Node's own would hand the page its typed
 * arrays from another realm). Messages arrive one task each; those sent before either end closed
 * still arrive at an end that is open, as Chromium's do.
 */
class PagePort {
  peer: PagePort | null = null;
  private receiving = true;
  private listener: ((event: MessageEvent) => void) | null = null;
  /** What arrived before anyone listened: a port holds its messages until it is started. */
  private readonly queue: unknown[] = [];
  set onmessage(listener: ((event: MessageEvent) => void) | null) {
    this.listener = listener;
    for (const data of this.queue.splice(0)) this.deliver(data);
  }
  postMessage(data: unknown): void {
    const peer = this.peer;
    if (!this.receiving || peer === null) return;
    later(() => {
      peer.deliver(data);
    });
  }
  close(): void {
    this.receiving = false;
    if (this.peer !== null) this.peer.peer = null;
    this.peer = null;
  }
  private deliver(data: unknown): void {
    if (!this.receiving) return;
    if (this.listener === null) this.queue.push(data);
    else this.listener({ data } as MessageEvent);
  }
}

function pagePorts(): { port1: PagePort; port2: PagePort } {
  const port1 = new PagePort();
  const port2 = new PagePort();
  port1.peer = port2;
  port2.peer = port1;
  return { port1, port2 };
}

export function startPortHost(): TestPortHost {
  // Each test is a fresh page: the port listeners its page adds end with it.
  const pageListeners: EventListenerOrEventListenerObject[] = [];
  const addListener = window.addEventListener.bind(window);
  const listening = vi
    .spyOn(window, 'addEventListener')
    .mockImplementation((type: string, listener, options) => {
      if (type === 'message') pageListeners.push(listener);
      addListener(type, listener, options);
    });
  const sessions = new Map<string, { typed: string; arrived: string[]; ports: PagePort[] }>();
  let refusal: string | null = null;
  const session = (id: string) => {
    const found = sessions.get(id);
    if (found === undefined) throw new Error(`no session ${id}`);
    return found;
  };
  const push = (id: string): void => {
    const found = session(id);
    const { port1, port2 } = pagePorts();
    let taken = 0;
    let refused = false;
    port1.onmessage = (event: MessageEvent<Uint8Array>) => {
      if (refused) return;
      const frame = decodeClientFrame(event.data);
      if (frame?.kind !== 'input') return;
      const text = new TextDecoder().decode(frame.bytes);
      found.arrived.push(text);
      if (refusal !== null && text.includes(refusal)) {
        refused = true;
        refusal = null;
        port1.postMessage({ close: 1007, reason: refusedFrameReason('malformed frame', taken) });
        port1.close();
        push(id);
        return;
      }
      taken += frame.bytes.byteLength;
      found.typed += text;
    };
    found.ports.push(port1);
    deliverPort(id, port2);
  };
  return {
    open: (id) => {
      sessions.set(id, { typed: '', arrived: [], ports: [] });
      push(id);
    },
    typed: (id) => session(id).typed,
    arrived: (id) => session(id).arrived,
    ports: (id) => session(id).ports.length,
    output: (id, text) => {
      // ASCII, in the page's own Uint8Array (TextEncoder's comes from another realm here).
      session(id)
        .ports.at(-1)
        ?.postMessage(Uint8Array.from(text, (c) => c.charCodeAt(0)));
    },
    refuse: (text) => {
      refusal = text;
    },
    stop: () => {
      for (const found of sessions.values()) for (const port of found.ports) port.close();
      sessions.clear();
      listening.mockRestore();
      for (const listener of pageListeners.splice(0)) {
        window.removeEventListener('message', listener);
      }
    },
  };
}

/** The page's WebSockets, in the order they were opened. */
export const pageSockets: WebSocket[] = [];

/**
 * The page's terminal sockets go to `host` (the page's own address is the test's), and each is
 * kept in `pageSockets`.
 */
export function pointPageAt(host: TestTerminalHost): void {
  const PageSocket = globalThis.WebSocket;
  pageSockets.length = 0;
  vi.stubGlobal(
    'WebSocket',
    class extends PageSocket {
      constructor(url: string | URL) {
        super(String(url).replace(/^ws:\/\/[^/]+/, `ws://127.0.0.1:${String(host.port)}`));
        pageSockets.push(this);
      }
    },
  );
}

/** Ends the reader worker of the test that ran before: nothing it still does reaches the page. */
let stopWorker = (): void => undefined;
/** The page hears its reader worker failed. */
let workerFailed = (): void => undefined;

/**
 * The page's terminal reader worker, run in this realm: `terminal-reader.worker.ts` itself,
 * with messages passed each way as a worker's are, one task each. `stopReaderWorker` ends it.
 */
export async function installReaderWorker(): Promise<void> {
  let page: ((event: MessageEvent<FromReader>) => void) | null = null;
  let stopped = false;
  const early: FromReader[] = [];
  const scope = {
    onmessage: null as ((event: MessageEvent<ToReader>) => void) | null,
    postMessage: (message: FromReader) => {
      later(() => {
        if (stopped) return;
        if (page === null) early.push(message);
        else page({ data: message } as MessageEvent<FromReader>);
      });
    },
  };
  stopWorker = () => {
    stopped = true;
    scope.onmessage = null;
  };
  const pageSelf = globalThis.self;
  vi.stubGlobal('self', scope);
  await import('../lib/terminal-reader.worker');
  vi.stubGlobal('self', pageSelf);
  vi.stubGlobal(
    'Worker',
    class {
      onerror: (() => void) | null = null;
      onmessageerror: (() => void) | null = null;
      constructor() {
        workerFailed = () => {
          this.onerror?.();
        };
      }
      set onmessage(listener: (event: MessageEvent<FromReader>) => void) {
        page = listener;
        for (const message of early.splice(0)) {
          later(() => {
            listener({ data: message } as MessageEvent<FromReader>);
          });
        }
      }
      postMessage(message: ToReader): void {
        later(() => {
          if (!stopped) scope.onmessage?.({ data: message } as MessageEvent<ToReader>);
        });
      }
      terminate(): void {
        stopWorker();
      }
    },
  );
}

export function stopReaderWorker(): void {
  stopWorker();
}

/** The reader worker fails: it stops (`stopReaderWorker`, if it has not) and the page hears so. */
export function failReaderWorker(): void {
  stopWorker();
  workerFailed();
}
