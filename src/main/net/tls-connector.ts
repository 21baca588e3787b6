import fs from 'node:fs/promises';
import tls from 'node:tls';
import { buildConnector } from 'undici';
import type { TlsOptions } from '../../shared/profiles';
import { HttpError } from './errors';

/** Thrown from the connector when the peer's leaf certificate is not the pinned one. */
export class PinMismatchError extends Error {
  readonly code = 'RACKSIDE_PIN_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `the server's certificate does not match the pinned fingerprint (pinned ${expected}, presented ${actual})`,
    );
  }
}

/**
 * The trust store for verified connections. Node's default is its bundled Mozilla list; newer
 * runtimes (Electron's Node 22+) can also read the operating system's store, which is what a
 * company CA installed by IT lands in, so both are used when available.
 */
function systemTrust(): string[] | undefined {
  const reader = (tls as { getCACertificates?: (kind: string) => string[] }).getCACertificates;
  if (typeof reader !== 'function') return undefined;
  try {
    return [...new Set([...reader('default'), ...reader('system')])];
  } catch {
    return undefined;
  }
}

export interface ConnectorOptions {
  tls: TlsOptions;
  connectTimeoutMs: number;
  /** For messages: "Foreman", "PatchMon". */
  system: string;
}

/**
 * Builds undici's `connect` function for a profile's TLS options:
 * - default: verify the chain and the host name against the system CAs;
 * - `caFile`: also trust the bundle read from disk;
 * - `pinnedSha256`: accept exactly that leaf, whatever its chain (self-signed appliances); the
 *   check runs after the handshake and before undici writes the request, so no credential is
 *   ever sent to a server that fails it;
 * - `insecure`: no verification at all, only because the profile says so.
 */
export async function createTlsConnector(
  options: ConnectorOptions,
): Promise<buildConnector.connector> {
  const { tls: profileTls } = options;
  let ca: string[] | undefined = systemTrust();
  if (profileTls.caFile !== null) {
    const file = profileTls.caFile;
    const bundle = await fs.readFile(file, 'utf8').catch((error: unknown) => {
      throw new HttpError(
        'ca-file',
        `${options.system}: cannot read the CA file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
        { system: options.system, endpoint: '' },
      );
    });
    ca = [...(ca ?? tls.rootCertificates), bundle];
  }
  const pin = profileTls.pinnedSha256;
  // With a pin the chain is not checked (the pin is stronger); insecure checks nothing.
  const verify = !profileTls.insecure && pin === null;
  const base = buildConnector({
    timeout: options.connectTimeoutMs,
    rejectUnauthorized: verify,
    ...(ca === undefined ? {} : { ca }),
    // A resumed session skips the handshake whose certificate the pin check reads.
    ...(pin === null ? {} : { maxCachedSessions: 0 }),
  });
  if (pin === null) return base;
  return (connectOptions, callback) => {
    base(connectOptions, (error, socket) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      if (socket instanceof tls.TLSSocket) {
        const presented = socket.getPeerCertificate().fingerprint256;
        if (presented !== pin) {
          socket.destroy();
          callback(new PinMismatchError(pin, presented), null);
          return;
        }
      }
      callback(null, socket);
    });
  };
}
