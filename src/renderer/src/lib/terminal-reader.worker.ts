/**
 * Terminal streams read off the page's main thread. Under a flood the main thread is what limits
 * a terminal: xterm.js parses and paints there, and reading a message of output costs it too
 * (about half a millisecond per WebSocket message in Chromium). So this worker reads each
 * terminal's WebSocket (browser host) or MessagePort (Electron), joins what arrives close
 * together (`createOutputPacer`, the page's own pace) and hands each joined piece over without
 * copying. Frames to the host (input, acknowledgements) pass through unchanged; those that could
 * not go out (the socket was closing) go back to the page with the close, so none is lost.
 */
import { terminalFrame } from '../../../shared/ssh';
import { createOutputPacer, type OutputPacer } from '../features/terminals/output-pacer';
import type { FromReader, ToReader } from './terminal-reader';
import {
  portStream,
  socketStream,
  type StreamEvents,
  type TerminalStream,
} from './terminal-stream';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToReader>) => void) | null;
  postMessage(message: FromReader, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const streams = new Map<number, TerminalStream>();

interface Ended {
  code: number;
  reason: string;
  /** Frames that never went out, the page's later ones after those its socket kept. */
  unsent: Uint8Array[];
}

/** Streams that closed, until the page asks to `forget` them (it may be sending still). */
const ended = new Map<number, Ended>();

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

/** Reads stream `id`, reporting to the page what it needs to know. */
function read(id: number, open: (events: StreamEvents) => TerminalStream): void {
  const output = joiner(id);
  streams.set(
    id,
    open({
      opened: () => {
        scope.postMessage({ op: 'open', id });
      },
      data: (bytes) => {
        output.push(bytes);
      },
      closed: (code, reason, unsent) => {
        // What arrived before the close is handed over first.
        output.drain();
        output.dispose();
        streams.delete(id);
        ended.set(id, { code, reason, unsent });
        scope.postMessage({ op: 'ended', id });
      },
    }),
  );
}

scope.onmessage = ({ data }) => {
  if (data.op === 'open') {
    const { url } = data;
    read(data.id, (events) => socketStream(url, events));
  } else if (data.op === 'port') {
    const { port } = data;
    read(data.id, (events) => portStream(port, events));
  } else if (data.op === 'send') {
    const stream = streams.get(data.id);
    if (stream !== undefined) stream.send(data.frame);
    else ended.get(data.id)?.unsent.push(data.frame);
    // Input the page would have to report as not sent should this worker fail.
    if (data.frame[0] === terminalFrame.input) scope.postMessage({ op: 'sent', id: data.id });
  } else if (data.op === 'close') streams.get(data.id)?.close(data.code);
  else {
    const end = ended.get(data.id);
    ended.delete(data.id);
    if (end !== undefined) scope.postMessage({ op: 'close', id: data.id, ...end });
  }
};

// The page hands ports over only to a worker that has started: a port cannot be taken back.
scope.postMessage({ op: 'ready' });
