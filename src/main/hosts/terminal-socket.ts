import type { WebSocket } from 'ws';
import { refusedFrameReason, terminalFrame } from '../../shared/ssh';
import type { Logger } from '../core/logger';
import type { TerminalStreams } from './terminal-streams';

/**
 * The browser host's terminal stream: one binary WebSocket per session. Output goes out as binary
 * messages; input and acknowledgements come back as binary frames (src/shared/ssh.ts). Text or
 * malformed frames close the socket — the session itself stays, and a new socket may attach.
 * Nothing that arrives on the socket after a refused frame is taken (what was typed would run with
 * a piece missing); the close reason says how much input was taken before it.
 */
export function attachTerminalSocket(
  ws: WebSocket,
  streams: TerminalStreams,
  sessionId: string,
  logger: Logger,
  options: { replay?: boolean; received?: number } = {},
): void {
  const attachment = streams.attach(
    sessionId,
    {
      send: (bytes) => {
        if (ws.readyState === ws.OPEN) ws.send(bytes, { binary: true });
      },
      close: (reason) => {
        ws.close(1000, reason);
      },
    },
    options,
  );
  if (attachment === null) {
    ws.close(4404, 'unknown session');
    return;
  }
  let inputTaken = 0;
  let refused = false;
  const refuse = (code: number, what: string): void => {
    refused = true;
    ws.close(code, refusedFrameReason(what, inputTaken));
    // Output from now on waits for the next socket: this one would drop it while it closes.
    attachment.detach();
  };
  ws.on('message', (data, isBinary) => {
    // Frames the client sent before it heard of the refusal still arrive while the socket closes.
    if (refused) return;
    if (!isBinary) {
      refuse(1003, 'binary frames only');
      return;
    }
    const frame = toBytes(data);
    if (!attachment.receive(frame)) {
      refuse(1007, 'malformed frame');
      return;
    }
    if (frame[0] === terminalFrame.input) inputTaken += frame.byteLength - 1;
  });
  ws.on('close', () => {
    attachment.detach();
  });
  ws.on('error', (error) => {
    logger.warn('terminal socket error', { error });
  });
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
