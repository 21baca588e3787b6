/**
 * The browser host's terminal sockets, received off the page's main thread. Under a flood the
 * main thread is what limits a terminal: xterm.js parses and paints there. Reading a WebSocket's
 * messages costs it about half a millisecond each, so this worker owns the sockets, joins what
 * arrives close together (`createOutputPacer`, the page's own pace) and hands each joined piece
 * over without copying. Frames to the host (input, acknowledgements) pass through unchanged.
 */
import { createOutputPacer, type OutputPacer } from '../features/terminals/output-pacer';
import type { FromSocketWorker, ToSocketWorker } from './terminal-sockets';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToSocketWorker>) => void) | null;
  postMessage(message: FromSocketWorker, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const sockets = new Map<number, { ws: WebSocket; pacer: OutputPacer }>();

function open(id: number, url: string): void {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const pacer = createOutputPacer(
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
  sockets.set(id, { ws, pacer });
  ws.onopen = () => {
    scope.postMessage({ op: 'open', id });
  };
  ws.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data instanceof ArrayBuffer) pacer.push(new Uint8Array(event.data));
  };
  ws.onclose = (event) => {
    // What arrived before the close is handed over first.
    pacer.drain();
    pacer.dispose();
    sockets.delete(id);
    scope.postMessage({ op: 'close', id, code: event.code });
  };
}

scope.onmessage = ({ data }) => {
  if (data.op === 'open') {
    open(data.id, data.url);
    return;
  }
  const socket = sockets.get(data.id);
  if (socket === undefined) return;
  if (data.op === 'send') {
    if (socket.ws.readyState === WebSocket.OPEN) socket.ws.send(data.frame);
  } else {
    socket.ws.close(data.code);
  }
};
