import type { WebSocket } from 'ws';
import type { Logger } from '../core/logger';
import type { TerminalStreams } from './terminal-streams';

/**
 * The browser host's terminal stream: one binary WebSocket per session. Output goes out as binary
 * messages; input and acknowledgements come back as binary frames (src/shared/ssh.ts). Text or
 * malformed frames close the socket — the session itself stays, and a new socket may attach.
 */
export function attachTerminalSocket(
  ws: WebSocket,
  streams: TerminalStreams,
  sessionId: string,
  logger: Logger,
  options: { replay?: boolean } = {},
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
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      ws.close(1003, 'binary frames only');
      return;
    }
    if (!attachment.receive(toBytes(data))) ws.close(1007, 'malformed frame');
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
