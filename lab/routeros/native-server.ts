import {
  createServer as createNetServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

import type { TlsMaterial } from '../common/tls';
import type { RouterOsDevice } from './device';
import { NativeSession, type NativeSessionOptions } from './native-session';
import { anonymousDhServerOptions } from './tls-modes';

/**
 * How a native API port speaks:
 * - `plain`: the `api` service (8728-style);
 * - `certificate`: `api-ssl` with a certificate, TLS 1.2 and 1.3;
 * - `anonymous-dh`: `api-ssl` with no certificate, ADH suites over TLS 1.2 only;
 * - `wrong-protocol`: plain API bytes on the port a client expects TLS on (§5 item 16).
 */
export type NativeTransport = 'plain' | 'certificate' | 'anonymous-dh' | 'wrong-protocol';

export interface NativeListener {
  port: number;
  close(): Promise<void>;
}

export async function startNativeListener(
  device: RouterOsDevice,
  transport: NativeTransport,
  tls: TlsMaterial | undefined,
  sessionOptions: () => NativeSessionOptions,
): Promise<NativeListener> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const onSocket = (socket: Socket): void => {
    track(socket);
    socket.setNoDelay(true);
    new NativeSession(socket, device, sessionOptions());
  };
  let server: Server;
  switch (transport) {
    case 'plain':
    case 'wrong-protocol':
      server = createNetServer(onSocket);
      break;
    case 'certificate':
      if (!tls) throw new Error('api-ssl with a certificate needs TLS material');
      server = createTlsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, onSocket);
      break;
    case 'anonymous-dh':
      server = createTlsServer(anonymousDhServerOptions, onSocket);
      break;
  }
  server.on('connection', track);
  // A failed handshake is the client's problem to report; the listener keeps serving.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.destroy();
      }),
  };
}
