/** A tiny HTTP(S) server on 127.0.0.1 for the client's tests: counts requests and in-flight peaks. */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { HttpError } from './errors';

export type TestHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  n: number,
) => void | Promise<void>;

export interface TestServer {
  url: string;
  /** Requests that reached the handler. */
  readonly count: number;
  /** Most requests in the handler at once. */
  readonly peak: number;
  close(): Promise<void>;
}

export async function startTestServer(
  handler: TestHandler,
  tls: { cert: string; key: string } | null = null,
): Promise<TestServer> {
  let count = 0;
  let active = 0;
  let peak = 0;
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    count += 1;
    active += 1;
    peak = Math.max(peak, active);
    res.on('close', () => {
      active -= 1;
    });
    void Promise.resolve(handler(req, res, count)).catch(() => res.destroy());
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  server.on('secureConnection', track);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    get peak() {
      return peak;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The `HttpError` a promise rejects with; throws when it resolves or rejects with anything else. */
export function rejection(promise: Promise<unknown>): Promise<HttpError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      if (error instanceof HttpError) return error;
      throw error;
    },
  );
}
