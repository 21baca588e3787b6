/**
 * A terminal's stream from the host, read where it is opened — in the page's reader worker or,
 * where none runs, on the page's main thread: a binary WebSocket (browser host) or a
 * MessagePort (Electron). Both report through the same events.
 */
import { TerminalPortClose } from '../../../shared/ssh';

export interface StreamEvents {
  /** A socket opened (ports are open from the start). */
  opened(): void;
  data(bytes: Uint8Array): void;
  /**
   * The stream closed (by either side, or a socket never opened), with its close code and reason,
   * and the frames given to `send` that never went out: those sent while the socket was already
   * closing, in order.
   */
  closed(code: number, reason: string, unsent: Uint8Array[]): void;
}

export interface TerminalStream {
  /** Sent while the stream is open; kept for `closed` once it is closing. */
  send(frame: Uint8Array): void;
  close(code: number): void;
}

export function socketStream(url: string, events: StreamEvents): TerminalStream {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const unsent: Uint8Array[] = [];
  ws.onopen = () => {
    events.opened();
  };
  ws.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data instanceof ArrayBuffer) events.data(new Uint8Array(event.data));
  };
  ws.onclose = (event) => {
    events.closed(event.code, event.reason, unsent.splice(0));
  };
  return {
    send: (frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      else unsent.push(frame);
    },
    close: (code) => {
      ws.close(code);
    },
  };
}

/**
 * A port says nothing when its other end goes: closing it here is reported like a socket's, and
 * so is the host's notice that it closes the port (`TerminalPortClose`, a refused frame).
 */
export function portStream(port: MessagePort, events: StreamEvents): TerminalStream {
  let open = true;
  const close = (code: number, reason: string): void => {
    if (!open) return;
    open = false;
    port.close();
    events.closed(code, reason, []);
  };
  port.onmessage = (event: MessageEvent<unknown>) => {
    if (!open) return;
    if (event.data instanceof Uint8Array) {
      events.data(event.data);
      return;
    }
    const notice = TerminalPortClose.safeParse(event.data);
    if (notice.success) close(notice.data.close, notice.data.reason);
  };
  return {
    send: (frame) => {
      if (open) port.postMessage(frame);
    },
    close: (code) => {
      close(code, '');
    },
  };
}
