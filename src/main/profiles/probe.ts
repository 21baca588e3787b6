import { createHash } from 'node:crypto';
import dns from 'node:dns/promises';
import fs from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { Client } from 'ssh2';
import {
  endpointOf,
  type CertificateInfo,
  type Connection,
  type ProbeFailureReason,
  type ProbeResult,
  type ProbeStage,
  type TlsOptions,
} from '../../shared/profiles';

export interface ProbeOptions {
  timeoutMs?: number;
  now?: () => Date;
}

class StageFailure extends Error {
  constructor(
    readonly stage: ProbeStage,
    readonly reason: ProbeFailureReason,
    message: string,
    readonly certificate: CertificateInfo | null = null,
  ) {
    super(message);
  }
}

/**
 * Why a profile cannot be probed, or null. A host behind a jump host is reachable only through
 * an SSH login on that hop, and the probe never logs in anywhere.
 */
export function probeRefusal(
  connection: Connection,
  jumpHostName: (id: string) => string | undefined,
): string | null {
  if (connection.kind !== 'ssh' || connection.jumpHostId === null) return null;
  const jump = jumpHostName(connection.jumpHostId) ?? 'its jump host';
  return `${connection.host} is reached through ${jump}, and the probe connects directly without logging in anywhere. Probe ${jump} instead, or open a terminal: that checks every hop's host key.`;
}

/**
 * Checks that a profile's endpoint answers: DNS → TCP → TLS (with the profile's TLS options) or
 * the SSH banner and host key. Never sends a credential. Every failure names its stage.
 */
export async function probeConnection(
  connection: Connection,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 8000;
  const { host, port, tls: usesTls } = endpointOf(connection);
  const result: ProbeResult = {
    ok: false,
    host,
    port,
    address: null,
    steps: [],
    failure: null,
    trust: null,
    certificate: null,
    ssh: null,
  };
  const step = async <T>(stage: ProbeStage, run: () => Promise<[T, string]>): Promise<T> => {
    const started = performance.now();
    try {
      const [value, message] = await run();
      result.steps.push({ stage, ok: true, ms: Math.round(performance.now() - started), message });
      return value;
    } catch (error) {
      const failure =
        error instanceof StageFailure
          ? error
          : new StageFailure(stage, 'other', `${stage}: ${(error as Error).message}`);
      result.steps.push({
        stage,
        ok: false,
        ms: Math.round(performance.now() - started),
        message: failure.message,
      });
      result.failure = { stage: failure.stage, reason: failure.reason, message: failure.message };
      result.certificate ??= failure.certificate;
      throw failure;
    }
  };
  try {
    const address = await step('dns', async () => {
      const found = await dns.lookup(host).catch((error: unknown) => {
        throw new StageFailure(
          'dns',
          'dns',
          `DNS: cannot resolve "${host}" (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        );
      });
      return [found.address, `${host} resolves to ${found.address}`];
    });
    result.address = address;
    const socket = await step('tcp', async () => [
      await connectTcp(address, port, timeoutMs),
      `TCP port ${port} on ${address} is open`,
    ]);
    if (connection.kind === 'ssh') {
      result.ssh = await step('ssh', async () => {
        const info = await sshHostKey(socket, connection.username, timeoutMs);
        return [info, `${info.banner}; host key ${info.keyType} ${info.fingerprint}`];
      });
    } else if (usesTls) {
      await step('tls', async () => {
        const outcome = await tlsHandshake(
          socket,
          host,
          connection.tls,
          timeoutMs,
          options.now?.() ?? new Date(),
        );
        result.certificate = outcome.certificate;
        result.trust = outcome.trust;
        return [undefined, `TLS ${outcome.protocol}; certificate accepted (${outcome.trust})`];
      });
    } else {
      socket.destroy();
    }
    result.ok = true;
  } catch (error) {
    if (!(error instanceof StageFailure)) throw error;
  }
  return result;
}

function connectTcp(address: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(
        new StageFailure(
          'tcp',
          'timeout',
          `TCP: no answer from ${address}:${port} within ${timeoutMs / 1000} s (filtered or down).`,
        ),
      );
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === 'ECONNREFUSED') {
        reject(
          new StageFailure(
            'tcp',
            'refused',
            `TCP: connection refused by ${address}:${port} (nothing listens there).`,
          ),
        );
      } else if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') {
        reject(
          new StageFailure('tcp', 'unreachable', `TCP: ${address} is unreachable (${error.code}).`),
        );
      } else {
        reject(new StageFailure('tcp', 'other', `TCP: ${error.message}`));
      }
    });
  });
}

interface TlsOutcome {
  certificate: CertificateInfo;
  trust: 'ca' | 'pinned' | 'insecure';
  protocol: string;
}

async function tlsHandshake(
  socket: net.Socket,
  host: string,
  options: TlsOptions,
  timeoutMs: number,
  now: Date,
): Promise<TlsOutcome> {
  let ca: (string | Buffer)[] | undefined;
  if (options.caFile !== null) {
    const bundle = await fs.readFile(options.caFile).catch((error: unknown) => {
      socket.destroy();
      throw new StageFailure(
        'tls',
        'ca-file',
        `TLS: cannot read the CA file ${options.caFile ?? ''} (${(error as Error).message}).`,
      );
    });
    ca = [...tls.rootCertificates, bundle];
  }
  const servername = net.isIP(host) === 0 ? host : undefined;
  const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
    // The probe judges trust itself below (pin, CA, validity, name) so it can show the
    // certificate it refuses; it never sends a credential over this connection.
    const client = tls.connect({ socket, servername, ca, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      client.destroy();
      socket.destroy();
      reject(
        new StageFailure(
          'tls',
          'timeout',
          `TLS: no handshake within ${timeoutMs / 1000} s — is this a TLS port?`,
        ),
      );
    }, timeoutMs);
    client.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      client.destroy();
      socket.destroy();
      const notTls = /wrong version number|packet length too long|unknown protocol|ECONNRESET/i;
      reject(
        notTls.test(`${error.code ?? ''} ${error.message}`)
          ? new StageFailure(
              'tls',
              'not-tls',
              `TLS: the server does not speak TLS on this port (${error.message}).`,
            )
          : new StageFailure('tls', 'other', `TLS: handshake failed (${error.message}).`),
      );
    });
  });
  const peer = secure.getPeerCertificate();
  const protocol = secure.getProtocol() ?? 'unknown';
  const authorizationError = secure.authorized ? null : String(secure.authorizationError);
  secure.destroy();
  socket.destroy();
  const certificate: CertificateInfo = {
    subject: describeName(peer.subject),
    issuer: describeName(peer.issuer),
    subjectAltName: peer.subjectaltname ?? '',
    validFrom: new Date(peer.valid_from).toISOString(),
    validTo: new Date(peer.valid_to).toISOString(),
    fingerprint256: peer.fingerprint256,
    serialNumber: peer.serialNumber,
    selfSigned: describeName(peer.subject) === describeName(peer.issuer),
  };
  const fail = (reason: ProbeFailureReason, message: string): never => {
    throw new StageFailure('tls', reason, message, certificate);
  };
  if (options.insecure) return { certificate, trust: 'insecure', protocol };
  if (options.pinnedSha256 !== null) {
    if (peer.fingerprint256 === options.pinnedSha256)
      return { certificate, trust: 'pinned', protocol };
    return fail(
      'pin-mismatch',
      `TLS: the certificate (SHA-256 ${peer.fingerprint256}) is not the pinned one (${options.pinnedSha256}).`,
    );
  }
  if (new Date(peer.valid_to) < now || authorizationError === 'CERT_HAS_EXPIRED') {
    return fail('expired', `TLS: the certificate expired on ${certificate.validTo}.`);
  }
  if (new Date(peer.valid_from) > now || authorizationError === 'CERT_NOT_YET_VALID') {
    return fail(
      'not-yet-valid',
      `TLS: the certificate is not valid before ${certificate.validFrom}.`,
    );
  }
  if (
    authorizationError === 'ERR_TLS_CERT_ALTNAME_INVALID' ||
    tls.checkServerIdentity(host, peer) !== undefined
  ) {
    return fail(
      'name-mismatch',
      `TLS: the certificate is for ${certificate.subjectAltName || certificate.subject}, not "${host}".`,
    );
  }
  if (authorizationError !== null) {
    return fail(
      'untrusted',
      `TLS: the certificate is not trusted (${authorizationError}; issuer ${certificate.issuer}). Add its CA file, or pin its fingerprint ${peer.fingerprint256} if you recognise it.`,
    );
  }
  return { certificate, trust: 'ca', protocol };
}

function describeName(name: Record<string, string | string[] | undefined> | undefined): string {
  if (name === undefined) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : (value ?? '')}`)
    .join(', ');
}

/** SHA256 fingerprint as OpenSSH prints it. */
export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function sshHostKey(socket: net.Socket, username: string, timeoutMs: number) {
  return new Promise<{ banner: string; keyType: string; fingerprint: string }>(
    (resolve, reject) => {
      const client = new Client();
      let banner = '';
      let captured: { keyType: string; fingerprint: string } | null = null;
      const timer = setTimeout(() => {
        client.end();
        socket.destroy();
        reject(
          new StageFailure(
            'ssh',
            'timeout',
            `SSH: no host key within ${timeoutMs / 1000} s — is this an SSH port?`,
          ),
        );
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        client.end();
        socket.destroy();
        if (captured !== null) resolve({ banner, ...captured });
        else
          reject(
            new StageFailure(
              'ssh',
              'ssh-protocol',
              `SSH: ${banner === '' ? 'no SSH banner' : `"${banner}"`} and no host key received.`,
            ),
          );
      };
      client.once('error', finish);
      client.once('close', finish);
      client.connect({
        sock: socket,
        username,
        readyTimeout: timeoutMs,
        // Capture the key and refuse it: the probe stops before any authentication.
        hostVerifier: (key: Buffer) => {
          const typeLength = key.readUInt32BE(0);
          captured = {
            keyType: key.subarray(4, 4 + Math.min(typeLength, 64)).toString('latin1'),
            fingerprint: sshFingerprint(key),
          };
          return false;
        },
      });
      let head = '';
      const onData = (chunk: Buffer): void => {
        head += chunk.toString('latin1');
        const line = /^(SSH-[^\r\n]*)\r?\n/m.exec(head);
        if (line !== null || head.length > 4096) {
          banner = (line?.[1] ?? '').slice(0, 255);
          socket.off('data', onData);
        }
      };
      socket.on('data', onData);
    },
  );
}
