/**
 * TLS material for one lab run: a self-signed leaf (the default, as Proxmox and most appliances
 * ship) and a lab CA with a leaf signed by it (for profiles that carry a CA bundle). Both leaves
 * name `localhost`, `127.0.0.1` and `::1`. EC P-256 keys keep generation fast.
 */
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  /** PEM certificate the server presents. */
  cert: string;
  /** PEM private key. */
  key: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (as `openssl x509 -fingerprint`). */
  fingerprint256: string;
  /** PEM certificate a client must trust to verify `cert` (the cert itself, or the lab CA). */
  trust: string;
}

export interface LabTls {
  selfSigned: TlsMaterial;
  caSigned: TlsMaterial;
  /** The lab CA (certificate and key), to write as a CA bundle. */
  ca: { cert: string; key: string };
}

/** Which certificate a simulator presents. */
export type TlsMode = 'self-signed' | 'ca';

const DAY = 86_400_000;

const leafExtensions = [
  { name: 'basicConstraints' as const, cA: false },
  { name: 'keyUsage' as const, digitalSignature: true, keyEncipherment: true },
  { name: 'extKeyUsage' as const, serverAuth: true },
  {
    name: 'subjectAltName' as const,
    altNames: [
      { type: 2 as const, value: 'localhost' },
      { type: 7 as const, ip: '127.0.0.1' },
      { type: 7 as const, ip: '::1' },
    ],
  },
];

function fingerprintOf(cert: string): string {
  return new X509Certificate(cert).fingerprint256;
}

export async function createLabTls(now = Date.now()): Promise<LabTls> {
  const validity = { notBeforeDate: new Date(now - DAY), notAfterDate: new Date(now + 90 * DAY) };
  const common = { keyType: 'ec' as const, curve: 'P-256' as const, algorithm: 'sha256' };
  const [self, ca] = await Promise.all([
    generate([{ name: 'commonName', value: 'localhost' }], {
      ...common,
      ...validity,
      extensions: leafExtensions,
    }),
    generate([{ name: 'commonName', value: 'Rackside Lab CA' }], {
      ...common,
      ...validity,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ],
    }),
  ]);
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...common,
    ...validity,
    extensions: leafExtensions,
    ca: { key: ca.private, cert: ca.cert },
  });
  return {
    selfSigned: {
      cert: self.cert,
      key: self.private,
      fingerprint256: fingerprintOf(self.cert),
      trust: self.cert,
    },
    caSigned: {
      cert: leaf.cert,
      key: leaf.private,
      fingerprint256: fingerprintOf(leaf.cert),
      trust: ca.cert,
    },
    ca: { cert: ca.cert, key: ca.private },
  };
}

export function tlsFor(tls: LabTls, mode: TlsMode): TlsMaterial {
  return mode === 'ca' ? tls.caSigned : tls.selfSigned;
}
