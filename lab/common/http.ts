/**
 * The lab's HTTP(S) server helper. Simulators are written as `LabHandler`s: a function from a
 * fully read request to a response value. Keeping responses as values (not writes to a socket)
 * lets fault injection delay, replace or corrupt them in one place.
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { CredentialFault, FaultInjector } from './faults';
import type { TlsMaterial } from './tls';

export interface LabRequest {
  method: string;
  url: URL;
  /** `url.pathname`, not decoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remoteAddress: string;
  /** Set by fault injection: treat the presented credentials as expired or revoked. */
  credentialFault: CredentialFault | null;
}

export interface LabResponse {
  status: number;
  /** Reason phrase; Proxmox puts its error message here. Defaults to the standard phrase. */
  statusText?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export type LabHandler = (req: LabRequest) => LabResponse | Promise<LabResponse>;

export interface LabServer {
  /** Base URL, `https://127.0.0.1:<port>` (or `http://`). */
  url: string;
  port: number;
  server: Server;
  /** Stops listening and destroys open connections (including hung requests). */
  close(): Promise<void>;
}

export interface StartServerOptions {
  handler: LabHandler;
  /** Certificate to present; null serves plain HTTP. */
  tls: TlsMaterial | null;
  faults?: FaultInjector | null;
  /** Request bodies above this size are cut off with 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** Response for a handler that throws (default: 500 text/plain). */
  onError?: (error: unknown) => LabResponse;
}

/** A JSON response; `contentType` defaults to `application/json`. */
export function json(
  status: number,
  value: unknown,
  headers: Record<string, string | string[]> = {},
  contentType = 'application/json',
): LabResponse {
  return {
    status,
    headers: { 'content-type': contentType, ...headers },
    body: JSON.stringify(value),
  };
}

/** A text response with the given content type (default `text/plain; charset=utf-8`). */
export function text(
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
  headers: Record<string, string | string[]> = {},
): LabResponse {
  return { status, headers: { 'content-type': contentType, ...headers }, body };
}

/** Decodes a request body as JSON; `undefined` when it is not valid JSON. */
export function parseJsonBody(req: LabRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: LabResponse): void {
  if (res.destroyed) return;
  const body = response.body ?? '';
  res.statusCode = response.status;
  if (response.statusText !== undefined) res.statusMessage = response.statusText;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** Starts a server on 127.0.0.1 and a free port. */
export async function startHttpServer(options: StartServerOptions): Promise<LabServer> {
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const onError =
    options.onError ?? ((error: unknown) => text(500, `lab handler failed: ${String(error)}\n`));
  const handler = options.faults ? options.faults.wrap(options.handler) : options.handler;
  const scheme = options.tls ? 'https' : 'http';

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const run = async (): Promise<LabResponse | null> => {
      const body = await readBody(req, limit);
      if (body === null) return text(413, 'Request Entity Too Large\n');
      const url = new URL(req.url ?? '/', `${scheme}://127.0.0.1`);
      const labRequest: LabRequest = {
        method: req.method ?? 'GET',
        url,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        remoteAddress: req.socket.remoteAddress ?? '127.0.0.1',
        credentialFault: null,
      };
      return handler(labRequest);
    };
    run().then(
      (response) => {
        if (response) send(res, response);
      },
      (error: unknown) => {
        send(res, onError(error));
      },
    );
  };

  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createHttpServer(listener);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      }),
  };
}
