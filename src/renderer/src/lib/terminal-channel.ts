import {
  encodeAck,
  encodeInput,
  inputTakenOf,
  maxTerminalInputBytes,
  refusedFrameCodes,
  receivedParam,
  replayParam,
  sessionParam,
  terminalFrame,
  terminalPath,
} from '../../../shared/ssh';
import { tokenParam } from '../../../shared/wire';
import {
  openTerminalSocket,
  readerFailed,
  readTerminalPort,
  streamsJoined,
  type TerminalStream,
} from './terminal-reader';

/** Typed input that was not sent to the session, and will not be. */
export interface InputNotSent {
  /**
   * `refused`: the host refused a frame, and takes nothing after it on that stream (what was
   * typed would run with a piece missing) — `refused-port`: the same under Electron, whose port
   * is then closed and a new one opened; `closed`: the stream closed for good; `reader-failed`:
   * the page's reader worker failed with this input given to it and not yet taken (reported just
   * before `onLost`; it is not sent again, as it might have gone out after all).
   */
  cause: 'refused' | 'refused-port' | 'closed' | 'reader-failed';
  /** How many bytes of input; null when the host did not say how much it took. */
  bytes: number | null;
}

/**
 * One session's terminal bytes, outside the request/response contract: a MessagePort under
 * Electron, a binary WebSocket to the browser host otherwise. Components cannot tell which.
 * Output must be acknowledged with `ack` once painted, or the session pauses (flow control).
 */
export interface TerminalChannel {
  onData(listener: (bytes: Uint8Array) => void): () => void;
  /** Keystrokes or pasted text. */
  send(data: string | Uint8Array): void;
  /** `count` bytes of output were painted. */
  ack(count: number): void;
  close(): void;
  /**
   * The stream stopped with output lost: the page's reader worker failed while reading it (under
   * Electron it had also taken the port, which cannot be taken back). The session itself lives
   * on; the terminal shows it again through a new stream that replays its latest output. A socket
   * that merely drops reopens itself and does not report this.
   */
  onLost(listener: () => void): () => void;
  /**
   * Input was not sent. A stream that drops is opened again and what was typed meanwhile goes
   * out then, in order and once; what cannot go out is reported here instead.
   */
  onInputNotSent(listener: (notice: InputNotSent) => void): () => void;
  /**
   * Output arrives already joined at the paint pace (read by the page's reader worker), so the
   * terminal writes it as it comes instead of holding it for the next paint interval.
   */
  readonly joined: boolean;
}

const encoder = new TextEncoder();

const isInput = (frame: Uint8Array): boolean => frame[0] === terminalFrame.input;
const inputBytes = (frames: readonly Uint8Array[]): number =>
  frames.reduce((sum, frame) => sum + (isInput(frame) ? frame.byteLength - 1 : 0), 0);

/**
 * A failed reader worker took the stream with it: the input among `frames` (given to it and not
 * taken, or kept for it) is reported, then the tab hears the stream is lost.
 */
function readerLost(
  notSent: (notice: InputNotSent) => void,
  lostListeners: ReadonlySet<() => void>,
  frames: readonly Uint8Array[],
): void {
  notSent({ cause: 'reader-failed', bytes: inputBytes(frames) });
  for (const listener of [...lostListeners]) listener();
}

/**
 * Acknowledgements across the streams of one channel. The host settles the output a stream it lost
 * had not had acknowledged; painting the rest of that output must not be acknowledged again on the
 * next stream, or the session would run ahead of what is painted. Output is painted in the order
 * it arrived, so the first acknowledgements after a stream ends are for its output.
 */
function ackLedger(): {
  received(count: number): void;
  /** The current stream ended. */
  ended(): void;
  /** How much of `count` painted bytes to acknowledge on the current stream. */
  painted(count: number): number;
} {
  let received = 0;
  let acked = 0;
  /** Output of ended streams still to be painted. */
  let settled = 0;
  return {
    received: (count) => {
      received += count;
    },
    ended: () => {
      settled += Math.max(0, received - acked);
      received = 0;
      acked = 0;
    },
    painted: (count) => {
      const old = Math.min(count, settled);
      settled -= old;
      acked += count - old;
      return count - old;
    },
  };
}

/** Sends bytes as input frames no larger than the host accepts. */
function sendInput(post: (frame: Uint8Array) => void, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  for (let offset = 0; offset < bytes.byteLength; offset += maxTerminalInputBytes) {
    post(encodeInput(bytes.subarray(offset, offset + maxTerminalInputBytes)));
  }
}

// ---------------------------------------------------------------------------------------------
// Electron: ports arrive from the preload through window.postMessage, keyed by session id.

const arrivedPorts = new Map<string, MessagePort>();
const portWaiters = new Map<string, (port: MessagePort) => void>();
let listening = false;

function listenForPorts(): void {
  if (listening) return;
  listening = true;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (event.source !== window || event.ports.length !== 1) return;
    const data = event.data as { rackside?: unknown; purpose?: unknown; id?: unknown } | null;
    if (data?.rackside !== 'port' || data.purpose !== 'terminal' || typeof data.id !== 'string') {
      return;
    }
    const port = event.ports[0];
    if (port === undefined) return;
    const waiter = portWaiters.get(data.id);
    if (waiter) {
      portWaiters.delete(data.id);
      waiter(port);
    } else {
      arrivedPorts.get(data.id)?.close();
      arrivedPorts.set(data.id, port);
    }
  });
}

function portChannel(sessionId: string): TerminalChannel {
  const listeners = new Set<(bytes: Uint8Array) => void>();
  const lostListeners = new Set<() => void>();
  const notSentListeners = new Set<(notice: InputNotSent) => void>();
  /** Input typed while no port is open, sent first by the next one. */
  const outbox: Uint8Array[] = [];
  let stream: TerminalStream | undefined;
  /** Bytes of input given to the current port: what the host says it took is counted from them. */
  let inputOnPort = 0;
  const acks = ackLedger();
  let closed = false;
  const notSent = (notice: InputNotSent): void => {
    if (notice.bytes === 0) return;
    for (const listener of [...notSentListeners]) listener(notice);
  };
  const post = (frame: Uint8Array): void => {
    if (stream === undefined) {
      outbox.push(frame);
      return;
    }
    if (isInput(frame)) inputOnPort += frame.byteLength - 1;
    stream.send(frame);
  };
  const adopt = (received: MessagePort): void => {
    if (closed) {
      received.close();
      return;
    }
    const opened = readTerminalPort(received, {
      opened: () => undefined,
      data: (bytes) => {
        acks.received(bytes.byteLength);
        for (const listener of listeners) listener(bytes);
      },
      // Closed by `close` below, by the host refusing a frame, or by a reader worker that failed
      // after taking the port.
      closed: (code, reason, unsent) => {
        // A port's close comes before the next port is taken up (`awaitPort` below).
        stream = undefined;
        acks.ended();
        if (!closed && code === readerFailed) {
          closed = true;
          readerLost(notSent, lostListeners, [...unsent, ...outbox.splice(0)]);
        } else if (!closed && refusedFrameCodes.includes(code)) {
          // As on a socket: nothing from the refused frame on was taken, nor is it sent again.
          const taken = inputTakenOf(reason);
          notSent({ cause: 'refused-port', bytes: taken === null ? null : inputOnPort - taken });
          inputOnPort = 0;
          // The host pushes the next port along with its notice.
          awaitPort();
        }
      },
    });
    stream = opened;
    inputOnPort = 0;
    for (const frame of outbox.splice(0)) post(frame);
  };
  const awaitPort = (): void => {
    const early = arrivedPorts.get(sessionId);
    if (early) {
      arrivedPorts.delete(sessionId);
      adopt(early);
    } else {
      portWaiters.set(sessionId, adopt);
    }
  };
  awaitPort();
  return {
    onData: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onLost: (listener) => {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
    onInputNotSent: (listener) => {
      notSentListeners.add(listener);
      return () => notSentListeners.delete(listener);
    },
    send: (data) => {
      sendInput(post, data);
    },
    ack: (count) => {
      // Output of a refused port was settled by the host when it closed that port.
      const unsettled = acks.painted(count);
      if (unsettled > 0) stream?.send(encodeAck(unsettled));
    },
    close: () => {
      closed = true;
      portWaiters.delete(sessionId);
      stream?.close(1000);
    },
    joined: streamsJoined(),
  };
}

// ---------------------------------------------------------------------------------------------
// Browser host: a binary WebSocket per session, reopened after a drop while the session lives.

const tokenKey = 'rackside.token';
const maxReopen = 5;

function socketChannel(sessionId: string, replay: boolean): TerminalChannel {
  const token =
    new URLSearchParams(window.location.search).get(tokenParam) ??
    window.sessionStorage.getItem(tokenKey) ??
    '';
  const url =
    `ws://${window.location.host}${terminalPath}?${tokenParam}=${encodeURIComponent(token)}` +
    `&${sessionParam}=${encodeURIComponent(sessionId)}`;
  // Only the first socket that opens asks for the session's latest output; one opened again
  // after a drop would show it twice.
  let replayWanted = replay;
  /**
   * Output received on the last socket that was open: the host sends the next one first what it
   * gave that socket beyond this, lost as it dropped.
   */
  let receivedBefore: number | null = null;
  const acks = ackLedger();
  const listeners = new Set<(bytes: Uint8Array) => void>();
  const lostListeners = new Set<() => void>();
  const notSentListeners = new Set<(notice: InputNotSent) => void>();
  /** Input typed while no socket is open, sent first by the next one. */
  const outbox: Uint8Array[] = [];
  /** The latest socket, and the same one while it is open. */
  let current: TerminalStream | undefined;
  let socket: TerminalStream | undefined;
  /** Bytes of input given to the open socket: what the host says it took is counted from them. */
  let inputOnSocket = 0;
  let closed = false;
  /** The host ended the stream, or it could not be opened again: input is no longer sent. */
  let ended = false;
  let reopened = 0;

  const notSent = (notice: InputNotSent): void => {
    if (notice.bytes === 0) return;
    for (const listener of [...notSentListeners]) listener(notice);
  };
  const toSocket = (open: TerminalStream, frame: Uint8Array): void => {
    if (isInput(frame)) inputOnSocket += frame.byteLength - 1;
    open.send(frame);
  };

  const connect = (): void => {
    if (closed) return;
    const query = replayWanted
      ? `&${replayParam}=1`
      : receivedBefore === null
        ? ''
        : `&${receivedParam}=${String(receivedBefore)}`;
    let received = 0;
    const opening = openTerminalSocket(url + query, {
      opened: () => {
        socket = opening;
        reopened = 0;
        replayWanted = false;
        inputOnSocket = 0;
        for (const frame of outbox.splice(0)) toSocket(opening, frame);
      },
      data: (bytes) => {
        received += bytes.byteLength;
        acks.received(bytes.byteLength);
        for (const listener of listeners) listener(bytes);
      },
      closed: (code, reason, unsent) => {
        const wasOpen = socket === opening;
        if (wasOpen) {
          socket = undefined;
          receivedBefore = received;
          acks.ended();
        }
        if (closed) return;
        // What the failed reader held is gone: reopened as it was, the screen would miss it.
        if (code === readerFailed) {
          closed = true;
          readerLost(notSent, lostListeners, [...unsent, ...outbox.splice(0)]);
          return;
        }
        if (wasOpen && refusedFrameCodes.includes(code)) {
          // The host took nothing from the refused frame on. Sent again, that frame would be
          // refused again; the rest, sent alone, would run what was typed with a piece missing.
          const taken = inputTakenOf(reason);
          notSent({ cause: 'refused', bytes: taken === null ? null : inputOnSocket - taken });
        } else {
          // Not sent because the socket was closing: first for the next socket, as typed.
          outbox.unshift(...unsent.filter(isInput));
        }
        inputOnSocket = 0;
        // 1000: the host closed the stream on purpose (session gone, replaced); else try again.
        if (code === 1000 || code === 4404 || reopened >= maxReopen) {
          ended = true;
          notSent({ cause: 'closed', bytes: inputBytes(outbox.splice(0)) });
          return;
        }
        reopened += 1;
        setTimeout(connect, 250 * 2 ** reopened);
      },
    });
    current = opening;
  };
  connect();

  const post = (frame: Uint8Array): void => {
    if (socket) toSocket(socket, frame);
    else outbox.push(frame);
  };
  return {
    onData: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onLost: (listener) => {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
    onInputNotSent: (listener) => {
      notSentListeners.add(listener);
      return () => notSentListeners.delete(listener);
    },
    send: (data) => {
      if (ended) {
        const bytes = typeof data === 'string' ? encoder.encode(data).byteLength : data.byteLength;
        notSent({ cause: 'closed', bytes });
        return;
      }
      sendInput(post, data);
    },
    ack: (count) => {
      // Acks for a dropped socket are settled by the host when it notices the drop.
      const unsettled = acks.painted(count);
      if (unsettled > 0) socket?.send(encodeAck(unsettled));
    },
    close: () => {
      closed = true;
      current?.close(1000);
    },
    // Sockets reopened after a drop are read where the first was: a failed worker ends the
    // channel instead (`onLost`), and the tab's next channel is read on the main thread.
    joined: streamsJoined(),
  };
}

/**
 * Opens the byte stream of a session that `ssh:open` (or `ssh:lxc-console`) just started, or,
 * with `replay`, of one an earlier window showed: its latest output comes first. (Under
 * Electron `ssh:attach` pushes that port, already replaying.)
 */
export function openTerminalChannel(
  sessionId: string,
  options: { replay?: boolean } = {},
): TerminalChannel {
  if (window.rackside) {
    listenForPorts();
    return portChannel(sessionId);
  }
  return socketChannel(sessionId, options.replay === true);
}

/** Under Electron only one window exists: sessions it does not show belong to no one. */
export function singleWindowHost(): boolean {
  return window.rackside !== undefined;
}

/** Under Electron, start listening for ports before the first session is opened. */
export function prepareTerminalChannels(): void {
  if (window.rackside) listenForPorts();
}
