/**
 * Terminal streams read off the page's main thread. Under a flood the main thread is what limits
 * a terminal: xterm.js parses and paints there, and reading a message of output costs it too
 * (about half a millisecond per WebSocket message in Chromium). So this worker reads each
 * terminal's WebSocket (browser host) or MessagePort (Electron), joins what arrives close
 * together (`createOutputPacer`, the page's own pace) and hands each joined piece over without
 * copying. Frames to the host (input, acknowledgements) pass through unchanged.
 */
import { createOutputPacer, type OutputPacer } from '../features/terminals/output-pacer';
import type { FromReader, ToReader } from './terminal-reader';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToReader>) => void) | null;
  postMessage(message: FromReader, transfer?: Transferable[]): void;
}

interface Stream {
  send(frame: Uint8Array): void;
  close(code: number): void;
}

const scope = self as unknown as WorkerScope;
const streams = new Map<number, Stream>();

/** Output of stream `id`, joined and handed to the page. */
function joiner(id: number): OutputPacer {
  return createOutputPacer(
    (bytes, done) => {
      // A joined piece owns its buffer; a single message's bytes are the whole of theirs.
      const whole =
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
          ? bytes
          : bytes.slice();
      scope.postMessage({ op: 'data', id, bytes: whole }, [whole.buffer]);
      done();
    },
    () => undefined,
  );
}

function openSocket(id: number, url: string): void {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const output = joiner(id);
  streams.set(id, {
    send: (frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    close: (code) => {
      ws.close(code);
    },
  });
  ws.onopen = () => {
    scope.postMessage({ op: 'open', id });
  };
  ws.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data instanceof ArrayBuffer) output.push(new Uint8Array(event.data));
  };
  ws.onclose = (event) => {
    // What arrived before the close is handed over first.
    output.drain();
    output.dispose();
    streams.delete(id);
    scope.postMessage({ op: 'close', id, code: event.code });
  };
}

function adoptPort(id: number, port: MessagePort): void {
  const output = joiner(id);
  streams.set(id, {
    send: (frame) => {
      port.postMessage(frame);
    },
    close: (code) => {
      output.dispose();
      port.close();
      streams.delete(id);
      scope.postMessage({ op: 'close', id, code });
    },
  });
  port.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data instanceof Uint8Array) output.push(event.data);
  };
}

scope.onmessage = ({ data }) => {
  if (data.op === 'open') openSocket(data.id, data.url);
  else if (data.op === 'port') adoptPort(data.id, data.port);
  else if (data.op === 'send') streams.get(data.id)?.send(data.frame);
  else streams.get(data.id)?.close(data.code);
};

// The page hands ports over only to a worker that has started: a port cannot be taken back.
scope.postMessage({ op: 'ready' });
