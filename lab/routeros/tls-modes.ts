import type { AddressInfo } from 'node:net';
import { connect, createServer, type SecureContextOptions } from 'node:tls';

/**
 * The api-ssl service without a certificate offers only anonymous Diffie-Hellman suites
 * (reference/routeros.md §1.9). OpenSSL 3 allows them only at security level 0 and never in
 * TLS 1.3; BoringSSL (Electron) has none at all.
 */
export const anonymousDhServerOptions: SecureContextOptions & { maxVersion: 'TLSv1.2' } = {
  ciphers: 'ADH-AES128-SHA256:ADH-AES256-GCM-SHA384:@SECLEVEL=0',
  maxVersion: 'TLSv1.2',
  dhparam: 'auto',
};

/** What a client must pass to `tls.connect` to reach a certificate-less api-ssl. */
export const anonymousDhClientOptions = {
  ciphers: 'ADH-AES128-SHA256:ADH-AES256-GCM-SHA384:@SECLEVEL=0',
  maxVersion: 'TLSv1.2',
  rejectUnauthorized: false,
} as const;

export interface AnonymousDhSupport {
  supported: boolean;
  /** Why not, in words a person running the lab can act on. */
  reason: string | undefined;
}

let probe: Promise<AnonymousDhSupport> | undefined;

/**
 * Whether this runtime's TLS library can serve and use ADH suites, found by a real handshake on
 * 127.0.0.1 (a cipher list that merely parses is not proof). Cached per process.
 */
export function anonymousDhSupport(): Promise<AnonymousDhSupport> {
  probe ??= runProbe();
  return probe;
}

async function runProbe(): Promise<AnonymousDhSupport> {
  const library = process.versions.openssl
    ? `OpenSSL ${process.versions.openssl}`
    : 'this TLS library';
  let server: ReturnType<typeof createServer>;
  try {
    server = createServer(anonymousDhServerOptions, (socket) => {
      socket.end();
    });
  } catch (error) {
    return {
      supported: false,
      reason: `${library} refuses anonymous-DH suites (${(error as Error).message}); certificate-less api-ssl is not simulated`,
    };
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ ...anonymousDhClientOptions, host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', reject);
    });
    return { supported: true, reason: undefined };
  } catch (error) {
    return {
      supported: false,
      reason: `${library} cannot complete an anonymous-DH handshake (${(error as Error).message}); certificate-less api-ssl is not simulated`,
    };
  } finally {
    server.close();
  }
}
