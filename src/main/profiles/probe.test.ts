import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { Server, utils } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { ed25519KeyPair } from '../../../lab/ssh/keys';
import { Connection } from '../../shared/profiles';
import { tempDir } from '../db/test-helpers';
import { probeConnection, probeRefusal, sshFingerprint } from './probe';

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: unknown) => {
    if (socket instanceof net.Socket) sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function certificate(options: { name?: string; expired?: boolean } = {}) {
  const day = 86_400_000;
  const now = Date.now();
  return generate([{ name: 'commonName', value: options.name ?? 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - (options.expired ? 30 : 1) * day),
    notAfterDate: new Date(now + (options.expired ? -1 : 30) * day),
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: options.name
          ? [{ type: 2, value: options.name }]
          : [
              { type: 2, value: 'localhost' },
              { type: 7, ip: '127.0.0.1' },
            ],
      },
    ],
  });
}

async function tlsServer(pems: { private: string; cert: string }) {
  const server = tls.createServer({ key: pems.private, cert: pems.cert }, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

function foreman(port: number, tlsOptions: Record<string, unknown> = {}, host = '127.0.0.1') {
  return Connection.parse({
    kind: 'foreman',
    url: `https://${host}:${port}`,
    auth: { mode: 'bearer' },
    tls: tlsOptions,
  });
}

function caFile(pem: string): string {
  const file = path.join(tempDir(), 'ca.pem');
  fs.writeFileSync(file, pem);
  return file;
}

describe('probe', () => {
  it('shows a self-signed certificate as untrusted, then passes once it is pinned', async () => {
    const pems = await certificate();
    const port = await tlsServer(pems);
    const first = await probeConnection(foreman(port));
    expect(first.ok).toBe(false);
    expect(first.failure).toMatchObject({ stage: 'tls', reason: 'untrusted' });
    expect(first.failure?.message).toMatch(/not trusted.*pin its fingerprint/);
    expect(first.steps.map((s) => [s.stage, s.ok])).toEqual([
      ['dns', true],
      ['tcp', true],
      ['tls', false],
    ]);
    expect(first.certificate).toMatchObject({ subject: 'CN=localhost', selfSigned: true });
    const fingerprint = first.certificate!.fingerprint256;
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const pinned = await probeConnection(foreman(port, { pinnedSha256: fingerprint }));
    expect(pinned).toMatchObject({ ok: true, trust: 'pinned', failure: null });
    const otherPin = await probeConnection(foreman(port, { pinnedSha256: 'ab'.repeat(32) }));
    expect(otherPin.failure?.reason).toBe('pin-mismatch');
    const insecure = await probeConnection(foreman(port, { insecure: true }));
    expect(insecure).toMatchObject({ ok: true, trust: 'insecure' });
  });

  it('trusts a custom CA file and names expired certificates and name mismatches', async () => {
    const good = await certificate();
    const trusted = await probeConnection(
      foreman(await tlsServer(good), { caFile: caFile(good.cert) }),
    );
    expect(trusted).toMatchObject({ ok: true, trust: 'ca' });

    const expired = await certificate({ expired: true });
    const old = await probeConnection(
      foreman(await tlsServer(expired), { caFile: caFile(expired.cert) }),
    );
    expect(old.failure).toMatchObject({ reason: 'expired' });
    expect(old.failure?.message).toMatch(/certificate expired on/);

    const other = await certificate({ name: 'other.example' });
    const mismatch = await probeConnection(
      foreman(await tlsServer(other), { caFile: caFile(other.cert) }),
    );
    expect(mismatch.failure).toMatchObject({ reason: 'name-mismatch' });
    expect(mismatch.failure?.message).toMatch(/other\.example.*not "127\.0\.0\.1"/);

    const missing = await probeConnection(foreman(1, { caFile: '/nonexistent/ca.pem' }));
    expect(missing.failure?.stage).toBe('tcp');
  });

  it('gives each network failure its own message', async () => {
    const plain = net.createServer((socket) => socket.end('220 hello, this is not TLS\r\n'));
    const notTls = await probeConnection(foreman(await listen(plain)));
    expect(notTls.failure).toMatchObject({ stage: 'tls', reason: 'not-tls' });

    const closedServer = net.createServer();
    const closedPort = await listen(closedServer);
    await new Promise((resolve) => closedServer.close(resolve));
    servers.pop();
    const refused = await probeConnection(foreman(closedPort));
    expect(refused.failure).toMatchObject({ stage: 'tcp', reason: 'refused' });
    expect(refused.failure?.message).toMatch(/connection refused/);

    const silent = net.createServer(() => undefined);
    const stalled = await probeConnection(foreman(await listen(silent)), { timeoutMs: 300 });
    expect(stalled.failure).toMatchObject({ stage: 'tls', reason: 'timeout' });

    const unresolvable = await probeConnection(foreman(443, {}, 'no-such-host.invalid'));
    expect(unresolvable.failure).toMatchObject({ stage: 'dns', reason: 'dns' });
    expect(unresolvable.failure?.message).toMatch(/cannot resolve "no-such-host.invalid"/);
  });

  it('reads the SSH banner and host key without ever authenticating', async () => {
    const hostKey = ed25519KeyPair();
    let authAttempts = 0;
    const server = new Server(
      { hostKeys: [hostKey.private], ident: 'OpenSSH_9.9 rackside-test' },
      (client) => {
        client.on('authentication', (ctx) => {
          authAttempts += 1;
          ctx.reject();
        });
        client.on('error', () => undefined);
      },
    );
    const port = await listen(server);
    const result = await probeConnection(
      Connection.parse({
        kind: 'ssh',
        host: '127.0.0.1',
        port,
        username: 'ops',
        auth: { mode: 'password' },
      }),
    );
    const publicKey = utils.parseKey(hostKey.public);
    if (publicKey instanceof Error) throw publicKey;
    expect(result).toMatchObject({ ok: true, failure: null });
    expect(result.ssh).toEqual({
      banner: 'SSH-2.0-OpenSSH_9.9 rackside-test',
      keyType: 'ssh-ed25519',
      fingerprint: sshFingerprint(publicKey.getPublicSSH()),
    });
    expect(authAttempts).toBe(0);
  });
});

describe('probeRefusal', () => {
  const ssh = (jumpHostId: string | null) =>
    Connection.parse({
      kind: 'ssh',
      host: '10.16.0.15',
      port: 22,
      username: 'ops',
      auth: { mode: 'agent' },
      jumpHostId,
    });
  const jumpId = '00000000-0000-4000-8000-00000000000b';

  it('refuses a host behind a jump host, naming the hop to probe instead', () => {
    const names = new Map([[jumpId, 'bastion-ber']]);
    expect(probeRefusal(ssh(jumpId), (id) => names.get(id))).toBe(
      "10.16.0.15 is reached through bastion-ber, and the probe connects directly without logging in anywhere. Probe bastion-ber instead, or open a terminal: that checks every hop's host key.",
    );
    expect(probeRefusal(ssh(null), () => undefined)).toBeNull();
  });
});
