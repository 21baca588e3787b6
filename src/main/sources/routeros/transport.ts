import net from 'node:net';
import tls from 'node:tls';
import { AppError } from '../../../shared/errors';
import type { TlsOptions } from '../../../shared/profiles';
import { HttpError } from '../../net/errors';
import { describeTransportError } from '../../net/failures';
import { createTlsConnector } from '../../net/tls-connector';

export interface NativeEndpoint {
  host: string;
  port: number;
  /** `api-ssl` speaks TLS; `api` is plain TCP. */
  secure: boolean;
  tls: TlsOptions;
  connectTimeoutMs: number;
}

/**
 * What a certificate-less api-ssl accepts: anonymous Diffie-Hellman only, which OpenSSL 3 allows
 * at security level 0 and never in TLS 1.3 (reference/routeros.md §1.9).
 */
const anonymousDh = {
  ciphers: 'ADH-AES128-SHA256:ADH-AES256-GCM-SHA384:ADH-AES256-SHA256:@SECLEVEL=0',
  maxVersion: 'TLSv1.2',
  // No certificate exists to verify; only a profile explicitly marked insecure gets here.
  rejectUnauthorized: false,
} as const;

const noCertificateAdvice =
  'Assign a certificate to the api-ssl service on the router (then pin its fingerprint), use the plain api service on a trusted network, or use the REST transport.';

function where(endpoint: NativeEndpoint): { system: string; endpoint: string } {
  return { system: 'RouterOS', endpoint: `${endpoint.host}:${endpoint.port}` };
}

function timeouts(endpoint: NativeEndpoint) {
  return {
    connectTimeoutMs: endpoint.connectTimeoutMs,
    headersTimeoutMs: endpoint.connectTimeoutMs,
    bodyTimeoutMs: endpoint.connectTimeoutMs,
  };
}

function plain(endpoint: NativeEndpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new AppError(
          'timeout',
          `RouterOS ${endpoint.host}:${endpoint.port}: no connection within ${endpoint.connectTimeoutMs / 1000} s.`,
        ),
      );
    }, endpoint.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(describeTransportError(error, where(endpoint), timeouts(endpoint)).error);
    });
  });
}

/** TLS with the profile's trust: the same connector (verify / CA / pin / insecure) as HTTP. */
async function certificateTls(endpoint: NativeEndpoint): Promise<tls.TLSSocket> {
  const connect = await createTlsConnector({
    tls: endpoint.tls,
    connectTimeoutMs: endpoint.connectTimeoutMs,
    system: 'RouterOS',
  });
  return new Promise((resolve, reject) => {
    connect(
      {
        hostname: endpoint.host,
        host: endpoint.host,
        protocol: 'https:',
        port: String(endpoint.port),
        servername: net.isIP(endpoint.host) === 0 ? endpoint.host : '',
        localAddress: null,
      },
      (error, socket) => {
        if (error !== null) reject(error);
        else resolve(socket as tls.TLSSocket);
      },
    );
  });
}

function anonymousTls(endpoint: NativeEndpoint): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({ ...anonymousDh, host: endpoint.host, port: endpoint.port });
    } catch (error) {
      // BoringSSL (Electron) has no anonymous-DH suites and refuses the cipher list outright.
      reject(
        new AppError(
          'unavailable',
          `RouterOS ${endpoint.host}:${endpoint.port}: the api-ssl service has no certificate and offers only anonymous Diffie-Hellman, which this runtime's TLS library cannot speak (${(error as Error).message}). ${noCertificateAdvice}`,
        ),
      );
      return;
    }
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new AppError('timeout', `RouterOS ${endpoint.host}: no TLS handshake in time.`));
    }, endpoint.connectTimeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(describeTransportError(error, where(endpoint), timeouts(endpoint)).error);
    });
  });
}

/** A handshake refused for want of a shared cipher: typical of a certificate-less api-ssl. */
function noSharedCipher(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (
      /HANDSHAKE_FAILURE|NO_SHARED_CIPHER|handshake failure/i.test(
        `${String(code)} ${String(message)}`,
      )
    )
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A handshake that stalls, is reset or meets non-TLS bytes usually means the port speaks the
 * plain api (or something else): say so, keeping the typed reason.
 */
function handshakeError(error: unknown, endpoint: NativeEndpoint): HttpError {
  const described = describeTransportError(error, where(endpoint), timeouts(endpoint)).error;
  const plainPort =
    (described.reason === 'connect-timeout' || described.reason === 'network') &&
    !/refused|does not resolve/.test(described.message);
  if (!plainPort) return described;
  return new HttpError(
    described.reason,
    `${described.message} No TLS handshake on ${endpoint.host}:${endpoint.port} — is this the api-ssl port (8729 by default), or does the port speak the plain api?`,
    described.details,
    { cause: error },
  );
}

/**
 * Opens the native API socket. For api-ssl, the profile's trust options apply; a router whose
 * api-ssl has no certificate answers the handshake with "no shared cipher", and only an
 * insecure profile then retries with anonymous DH — there is no certificate to verify or pin.
 */
export async function connectNative(endpoint: NativeEndpoint): Promise<net.Socket> {
  if (!endpoint.secure) return plain(endpoint);
  try {
    return await certificateTls(endpoint);
  } catch (error) {
    if (!noSharedCipher(error)) throw handshakeError(error, endpoint);
    if (!endpoint.tls.insecure) {
      throw new AppError(
        'unavailable',
        `RouterOS ${endpoint.host}:${endpoint.port}: the TLS handshake failed for want of a shared cipher — the api-ssl service probably has no certificate (anonymous DH only), which cannot be verified or pinned. ${noCertificateAdvice} Only a profile marked insecure may use certificate-less TLS.`,
      );
    }
    return anonymousTls(endpoint);
  }
}
