import http from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  maxTerminalInputBytes,
  receivedOf,
  receivedParam,
  replayParam,
  sessionParam,
  terminalPath,
} from '../../shared/ssh';
import {
  CallFrame,
  maxCallFrameBytes,
  rpcPath,
  tokenParam,
  type ServerFrame,
} from '../../shared/wire';
import type { Core } from '../app/create-core';
import type { Logger } from '../core/logger';
import { contentSecurityPolicy, readStaticFile } from '../core/static-files';
import { attachTerminalSocket } from './terminal-socket';

export interface BrowserHostOptions {
  core: Core;
  rendererDir: string;
  logger: Logger;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one is generated otherwise. */
  token?: string;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const sessionCookie = 'rackside_session';
const securityHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/**
 * Serves the built renderer and the contract over a WebSocket on 127.0.0.1 only. Every HTTP
 * request needs the one-time token (in the URL, then as a same-site cookie); every WebSocket needs
 * the token and an Origin equal to this server's own — anything else gets 401 or 403.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { core, rendererDir, logger } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const matches = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  let origin = '';
  const server = http.createServer((req, res) => {
    void serveHttp(req, res);
  });

  const serveHttp = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...securityHeaders }).end();
      return;
    }
    const fromQuery = url.searchParams.get(tokenParam);
    const fromCookie = readCookie(req.headers.cookie, sessionCookie);
    if (!matches(fromQuery) && !matches(fromCookie)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders });
      res.end('Rackside: this address needs the token printed when the server started.\n');
      return;
    }
    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders });
      res.end('Not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Length': file.body.length,
      'Set-Cookie': `${sessionCookie}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      ...securityHeaders,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };

  // Room for the largest request the contract takes (a profile file to import); each command's
  // own limit is the router's to enforce, with an answer rather than a dropped socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxCallFrameBytes });
  // Terminal bytes: one binary socket per session, same token and Origin checks as /rpc.
  const terminalWss = new WebSocketServer({
    noServer: true,
    maxPayload: maxTerminalInputBytes + 16,
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== rpcPath && url.pathname !== terminalPath) {
      return refuse(socket, 404, 'Not Found');
    }
    if (!matches(url.searchParams.get(tokenParam))) return refuse(socket, 401, 'Unauthorized');
    if (req.headers.origin !== origin) return refuse(socket, 403, 'Forbidden');
    if (url.pathname === terminalPath) {
      const sessionId = url.searchParams.get(sessionParam) ?? '';
      if (!core.terminals.has(sessionId)) return refuse(socket, 404, 'Not Found');
      terminalWss.handleUpgrade(req, socket, head, (ws) => {
        attachTerminalSocket(ws, core.terminals, sessionId, logger, {
          replay: url.searchParams.get(replayParam) === '1',
          received: receivedOf(url.searchParams.get(receivedParam)),
        });
      });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      attach(ws);
    });
  });

  const attach = (ws: WebSocket): void => {
    const send = (frame: ServerFrame): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribe = core.events.subscribe((name, payload) => {
      send({ type: 'event', name, payload });
    });
    ws.on('close', unsubscribe);
    ws.on('error', (error) => {
      logger.warn('websocket error', { error });
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      let frame: CallFrame;
      try {
        const parsed = CallFrame.safeParse(JSON.parse(rawToString(data)));
        if (!parsed.success) return ws.close(1007, 'malformed frame');
        frame = parsed.data;
      } catch {
        return ws.close(1007, 'malformed frame');
      }
      void core.router
        .dispatch(frame.channel, frame.payload, { host: 'browser' })
        .then((result) => {
          send({ type: 'result', id: frame.id, result });
        });
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  origin = `http://127.0.0.1:${address.port}`;

  return {
    url: `${origin}/?${tokenParam}=${token}`,
    port: address.port,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const client of terminalWss.clients) client.terminate();
      wss.close();
      terminalWss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function rawToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
