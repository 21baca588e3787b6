/**
 * A terminal's stream from the host, read where it is opened — in the page's reader worker or,
 * where none runs, on the page's main thread: a binary WebSocket (browser host) or a
 * MessagePort (Electron). Both report through the same events.
 */

export interface StreamEvents {
  /** A socket opened (ports are open from the start). */
  opened(): void;
  data(bytes: Uint8Array): void;
  /** The stream closed (by either side, or a socket never opened), with its close code. */
  closed(code: number): void;
}

export interface TerminalStream {
  /** Sent only while the stream is open; dropped otherwise. */
  send(frame: Uint8Array): void;
  close(code: number): void;
}

export function socketStream(url: string, events: StreamEvents): TerminalStream {
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

/** A port says nothing when its other end goes; closing it here is reported like a socket's. */
export function portStream(port: MessagePort, events: StreamEvents): TerminalStream {
  let open = true;
  port.onmessage = (event: MessageEvent<unknown>) => {
    if (open && event.data instanceof Uint8Array) events.data(event.data);
  };
  return {
    send: (frame) => {
      if (open) port.postMessage(frame);
    },
    close: (code) => {
      if (!open) return;
      open = false;
      port.close();
      events.closed(code);
    },
  };
}
