import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabTls, tlsFor, type FaultRule, type TlsMaterial } from '../../../../lab/common';
import { generateFleet } from '../../../../lab/fleet';
import type { RouterDevice } from '../../../../lab/fleet/types';
import {
  startRouterOs,
  type RouterOsDeviceConfig,
  type RouterOsEndpoint,
  type RouterOsLab,
} from '../../../../lab/routeros';
import type { RouterosTransport, TlsOptions } from '../../../shared/profiles';
import { syncCancelController } from '../../sync/sync-engine';
import { profileView, recordingContext } from '../test-helpers';
import { createRouterOsConnector, routerosConnector } from './connector';

/**
 * The RouterOS lab's wire faults, login styles and TLS modes, one simulated router per case
 * (copies of one fleet router with their own serial), all sharing one TLS identity.
 */
const cases = {
  legacyLogin: { profile: { loginMode: 'legacy' } },
  truncated: { native: { fault: 'close-mid-sentence' } },
  fatal: { native: { fault: 'fatal' } },
  controlByte: { native: { fault: 'control-byte' } },
  stall: { native: { fault: 'stall' } },
  unknownReply: { native: { fault: 'unknown-reply' } },
  strayTag: { native: { fault: 'unregistered-tag' } },
  byteChunks: { native: { chunking: 'byte', doubleTrap: true }, encodingSamples: true },
  anonymousDh: { apiSsl: 'anonymous-dh' },
  oddRest: { rest: { singletonAsArray: true, rawControlBytes: true }, encodingSamples: true },
} satisfies Record<string, RouterOsDeviceConfig>;
type Case = keyof typeof cases;

let tls: TlsMaterial;
let base: RouterDevice;
let lab: RouterOsLab;
const extraLabs: RouterOsLab[] = [];
const names = Object.keys(cases) as Case[];

beforeAll(async () => {
  tls = tlsFor(await createLabTls(), 'self-signed');
  base = generateFleet({ size: 30, seed: 5 }).routeros.devices[0]!;
  const routers = names.map((name, index) => ({
    ...base,
    serial: `${base.serial}${index}`,
    identity: `rtr-${name}`,
  }));
  lab = await startRouterOs({ routers, tls, configure: (_router, index) => cases[names[index]!] });
});

afterAll(async () => {
  await Promise.all([lab, ...extraLabs].map((l) => l.close()));
});

const pinned = (): TlsOptions => ({
  insecure: false,
  caFile: null,
  pinnedSha256: tls.fingerprint256,
});

function profileFor(
  endpoint: RouterOsEndpoint,
  transport: RouterosTransport = 'api-ssl',
  tlsOptions: TlsOptions = pinned(),
) {
  const port =
    transport === 'api'
      ? endpoint.apiPort
      : transport === 'rest'
        ? Number(new URL(endpoint.restUrl).port)
        : endpoint.apiSslPort;
  const profile = profileView(endpoint.identity, {
    kind: 'routeros',
    host: endpoint.host,
    transport,
    port,
    username: endpoint.username,
    tls: tlsOptions,
  });
  return { profile, secrets: { password: endpoint.password } };
}

const device = (name: Case) => lab.devices[names.indexOf(name)]!;

async function failure(promise: Promise<unknown>) {
  return promise.then(
    () => ({ code: 'none', message: 'expected a failure' }),
    (error: unknown) => error as { code: string; message: string; reason?: string },
  );
}

describe('RouterOS native API faults', () => {
  it('logs in to a pre-6.43 router with the MD5 challenge', async () => {
    const { profile, secrets } = profileFor(device('legacyLogin'));
    const [record] = await routerosConnector.sync(profile, secrets, recordingContext());
    expect(record?.externalId).toBe(device('legacyLogin').serial);
  });

  it('reports a reply cut off mid-sentence as truncated', async () => {
    const { profile, secrets } = profileFor(device('truncated'));
    const error = await failure(routerosConnector.sync(profile, secrets, recordingContext()));
    expect(error).toMatchObject({ code: 'protocol-error' });
    expect(error.message).toMatch(/stream ended inside a sentence/);
  });

  it('reports !fatal with its reason', async () => {
    const { profile, secrets } = profileFor(device('fatal'));
    const error = await failure(routerosConnector.sync(profile, secrets, recordingContext()));
    expect(error).toMatchObject({ code: 'unavailable' });
    expect(error.message).toMatch(/closed the session: injected failure/);
  });

  it('tries a session the router dropped once more, and syncs on the new one', async () => {
    const endpoint = device('legacyLogin');
    // In front of the router: the first connection is dropped at once, the next go through.
    let connections = 0;
    const front = net.createServer((socket) => {
      connections += 1;
      if (connections === 1) {
        socket.destroy();
        return;
      }
      const back = net.connect(endpoint.apiPort, endpoint.host);
      socket.pipe(back).pipe(socket);
      socket.on('error', () => back.destroy());
      back.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = front.address() as net.AddressInfo;
      const { profile, secrets } = profileFor({ ...endpoint, apiPort: port }, 'api');
      const context = recordingContext();
      const connector = createRouterOsConnector({ retryDelayMs: 10 });
      const records = await connector.sync(profile, secrets, context);
      expect(records).toHaveLength(1);
      expect(connections).toBe(2);
      expect(context.warnings).toEqual([expect.stringMatching(/^tried again after: RouterOS /)]);
    } finally {
      await new Promise((resolve) => front.close(resolve));
    }
  });

  it('refuses a control byte where a word should start', async () => {
    const { profile, secrets } = profileFor(device('controlByte'));
    const error = await failure(routerosConnector.sync(profile, secrets, recordingContext()));
    expect(error).toMatchObject({ code: 'protocol-error', message: /control byte 0xF8/ });
  });

  it('times out a stalled command', async () => {
    const { profile, secrets } = profileFor(device('stall'));
    const connector = createRouterOsConnector({ commandTimeoutMs: 200 });
    const error = await failure(connector.sync(profile, secrets, recordingContext()));
    expect(error).toMatchObject({ code: 'timeout', message: /no reply from .* within 0.2 s/ });
  });

  it('stops waiting for a router that never answers the handshake when the sync is cancelled', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    try {
      const { profile, secrets } = profileFor({
        ...device('legacyLogin'),
        apiSslPort: (silent.address() as net.AddressInfo).port,
      });
      // Far longer than the test may take: only the cancel can end this connect.
      const connector = createRouterOsConnector({ connectTimeoutMs: 600_000 });
      const controller = syncCancelController();
      const syncing = failure(
        connector.sync(profile, secrets, recordingContext([], controller.signal)),
      );
      await connected;
      controller.abort();
      // The cancel's own reason: the sync engine reports it as "The sync was cancelled."
      expect(await syncing).toMatchObject({ name: 'AbortError' });
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('refuses an unknown reply word', async () => {
    const { profile, secrets } = profileFor(device('unknownReply'));
    const error = await failure(routerosConnector.sync(profile, secrets, recordingContext()));
    expect(error).toMatchObject({ code: 'protocol-error', message: /unknown reply word !xxx/ });
  });

  it('drops a reply for a tag it never sent and carries on', async () => {
    const { profile, secrets } = profileFor(device('strayTag'));
    const [record] = await routerosConnector.sync(profile, secrets, recordingContext());
    expect(record?.name).toBe('rtr-straytag');
  });

  it('reads replies sent one byte at a time, with raw-byte comments in several charsets', async () => {
    const { profile, secrets } = profileFor(device('byteChunks'));
    const [record] = await routerosConnector.sync(profile, secrets, recordingContext());
    const comments = (record?.raw.interfaces as { comment?: string }[])
      .map((item) => item.comment)
      .filter((comment) => comment !== undefined);
    expect(comments).toEqual(expect.arrayContaining(['Café €', 'Zürich ✓']));
  });

  it('uses anonymous DH only for an insecure profile, and explains otherwise', async () => {
    const endpoint = device('anonymousDh');
    // Where this runtime cannot serve ADH, the lab falls back to a certificate (and says so).
    expect(endpoint.apiSslMode).toBe(lab.anonymousDh.supported ? 'anonymous-dh' : 'certificate');
    if (endpoint.apiSslMode === 'anonymous-dh') {
      const strict = profileFor(endpoint);
      const error = await failure(
        routerosConnector.sync(strict.profile, strict.secrets, recordingContext()),
      );
      expect(error).toMatchObject({ code: 'unavailable' });
      expect(error.message).toMatch(/no certificate .* Only a profile marked insecure/);
    }
    const insecure = profileFor(endpoint, 'api-ssl', {
      insecure: true,
      caFile: null,
      pinnedSha256: null,
    });
    const [record] = await routerosConnector.sync(
      insecure.profile,
      insecure.secrets,
      recordingContext(),
    );
    expect(record?.name).toBe('rtr-anonymousdh');
  });

  it('reports a plain API port where TLS was expected', async () => {
    const { profile, secrets } = profileFor(device('strayTag'));
    const wrongPort = {
      ...profile,
      connection: { ...profile.connection, port: device('strayTag').apiPort },
    };
    const error = await failure(
      createRouterOsConnector({ connectTimeoutMs: 500 }).sync(
        wrongPort,
        secrets,
        recordingContext(),
      ),
    );
    // The lab's plain session reads the ClientHello as words: it stalls or drops the connection.
    expect(['timeout', 'unavailable']).toContain(error.code);
    expect(error.message).toMatch(/is this the api-ssl port/);
  });
});

describe('RouterOS REST faults', () => {
  it('accepts singleton arrays and raw control bytes inside strings', async () => {
    const { profile, secrets } = profileFor(device('oddRest'), 'rest');
    const [record] = await routerosConnector.sync(profile, secrets, recordingContext());
    expect(record?.externalId).toBe(device('oddRest').serial);
  });

  async function restWith(rule: FaultRule) {
    const faulty = await startRouterOs({
      routers: [base],
      tls,
      faults: { seed: 2, systems: { routeros: [{ method: 'GET', ...rule }] } },
    });
    extraLabs.push(faulty);
    const { profile, secrets } = profileFor(faulty.devices[0]!, 'rest');
    const connector = createRouterOsConnector({
      http: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10, headersTimeoutMs: 300 },
    });
    return failure(connector.sync(profile, secrets, recordingContext()));
  }

  it('turns 5xx, 429, hangs, bad JSON and HTML into typed errors', async () => {
    const route = '/rest/system/resource';
    expect(await restWith({ route, error5xx: 1 })).toMatchObject({
      code: 'unavailable',
      reason: 'server-error',
    });
    expect(await restWith({ route, tooManyRequests: 1, retryAfterSeconds: 120 })).toMatchObject({
      code: 'rate-limited',
    });
    expect(await restWith({ route, hang: 1 })).toMatchObject({ code: 'timeout' });
    expect(await restWith({ route, truncatedJson: 1 })).toMatchObject({
      code: 'protocol-error',
      reason: 'invalid-json',
    });
    expect(await restWith({ route, wrongContentType: 1 })).toMatchObject({
      code: 'protocol-error',
      reason: 'not-api',
    });
    expect(await restWith({ credentials: 'expired' })).toMatchObject({
      code: 'forbidden',
      reason: 'unauthorized',
    });
  });
});
