import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Reply } from '../../src/main/sources/routeros/codec';
import { createLabTls, type LabTls } from '../common/tls';
import { chrFixture, hapFixture } from './fixtures';
import {
  anonymousDhClientOptions,
  startRouterOs,
  type RouterOsEndpoint,
  type RouterOsLab,
} from './index';
import { ApiTestClient } from './test-client';

let tls: LabTls;
let lab: RouterOsLab;
const clients: ApiTestClient[] = [];

const copy = (identity: string, serial: string): typeof hapFixture => ({
  ...hapFixture,
  identity,
  serial,
});

beforeAll(async () => {
  tls = await createLabTls();
  lab = await startRouterOs({
    routers: [
      hapFixture,
      chrFixture,
      copy('rtr-legacy', 'LEGACY0001'),
      copy('rtr-transitional', 'TRANS0001'),
      copy('rtr-cut', 'CUT0001'),
      copy('rtr-control', 'CTRL0001'),
    ],
    tls: tls.selfSigned,
    configure: (_router, index) =>
      [
        { updateCheckDelayMs: 5, encodingSamples: true },
        { apiSsl: 'anonymous-dh', updateCheckDelayMs: 60_000 } as const,
        { profile: { loginMode: 'legacy' }, native: { chunking: 'byte' } } as const,
        {
          profile: { loginMode: 'transitional' },
          native: { chunking: 'split-prefix', doubleTrap: true },
        } as const,
        { native: { fault: 'close-mid-sentence' } } as const,
        { native: { fault: 'control-byte', chunking: 'coalesce' } } as const,
      ][index] ?? {},
  });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await lab.close();
});

const endpoint = (index: number): RouterOsEndpoint => lab.devices[index]!;

async function open(index: number, login = true): Promise<ApiTestClient> {
  const client = await ApiTestClient.connect(endpoint(index).apiPort);
  clients.push(client);
  if (login) {
    const replies = await client.login(endpoint(index).username, endpoint(index).password);
    expect(replies.at(-1)?.type).toBe('done');
    expect(replies.some((reply) => reply.type === 'trap')).toBe(false);
  }
  return client;
}

const types = (replies: Reply[]): string[] => replies.map((reply) => reply.type);

describe('native API login', () => {
  it('accepts the plaintext login and refuses a wrong password with a trap then done', async () => {
    const client = await open(0, false);
    const bad = await client.run({
      command: '/login',
      attributes: { name: 'admin', password: 'nope' },
    });
    expect(bad).toMatchObject([
      { type: 'trap', message: 'invalid user name or password (6)' },
      { type: 'done' },
    ]);
    const good = await client.login(endpoint(0).username, endpoint(0).password);
    expect(good).toMatchObject([{ type: 'done', ret: undefined }]);
  });

  it('refuses a challenge response on a modern device', async () => {
    const client = await open(0, false);
    const replies = await client.run({
      command: '/login',
      attributes: { name: 'admin', response: '00abcd' },
    });
    expect(types(replies)).toEqual(['trap', 'done']);
  });

  it('answers the legacy challenge and checks the MD5 response', async () => {
    const client = await open(2, false);
    const challenge = await client.run({
      command: '/login',
      attributes: { name: 'admin', password: 'ignored' },
    });
    expect(challenge).toHaveLength(1);
    expect(challenge[0]).toMatchObject({
      type: 'done',
      ret: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
    });
    const wrong = await client.run({
      command: '/login',
      attributes: { name: 'admin', response: `00${'0'.repeat(32)}` },
    });
    expect(wrong).toMatchObject([{ type: 'trap', message: 'cannot log in' }, { type: 'done' }]);
    const replies = await client.login(endpoint(2).username, endpoint(2).password);
    expect(types(replies)).toEqual(['done']);
    const identity = await client.run({ command: '/system/identity/print' });
    expect(identity[0]?.attributes).toEqual({ name: 'rtr-legacy' });
  });

  it('accepts both methods in the transitional versions', async () => {
    const plain = await open(3);
    expect(await plain.run({ command: '/system/identity/print', tag: 'i' })).toHaveLength(2);
    const client = await open(3, false);
    const challenge = await client.run({ command: '/login' });
    expect(challenge[0]).toMatchObject({ type: 'done', ret: expect.any(String) as unknown });
  });

  it('refuses commands before login and closes with !fatal after too many', async () => {
    const client = await open(0, false);
    expect(await client.run({ command: '/interface/print' })).toMatchObject([
      { type: 'trap', message: 'not logged in' },
      { type: 'done' },
    ]);
    await client.run({ command: '/interface/print' });
    const last = await client.run({ command: '/interface/print' });
    expect(last.at(-1)).toMatchObject({ type: 'fatal', reason: 'not logged in' });
    await client.closed;
  });
});

describe('native API replies', () => {
  it('answers a tagged print with .tag second and string values', async () => {
    const client = await open(0);
    const start = client.received.length;
    await client.run({ command: '/system/identity/print', tag: '1' });
    expect(client.received.slice(start)).toMatchObject([
      { type: 're', tag: '1', attributes: { name: 'rtr-test-01' } },
      { type: 'done', tag: '1' },
    ]);
    const routerboard = await client.run({ command: '/system/routerboard/print' });
    expect(routerboard[0]?.attributes).toMatchObject({
      routerboard: 'true',
      'serial-number': 'D7D40C4F9A1B',
    });
    expect(routerboard[0]?.attributes['.id']).toBeUndefined();
  });

  it('runs two tagged commands at once and cancels a listen with trap, done, done', async () => {
    const client = await open(0);
    client.send({ command: '/ip/address/listen', tag: 'l1' });
    const print = await client.run({
      command: '/ip/address/print',
      tag: 'p1',
      proplist: ['address'],
    });
    expect(print.map((reply) => reply.attributes.address)).toEqual([
      '192.168.88.1/24',
      '203.0.113.47/24',
      undefined,
    ]);

    const added = await client.run({
      command: '/ip/address/add',
      tag: 'a1',
      attributes: { address: '10.50.0.1/24', interface: 'vlan20' },
    });
    const id = added.at(-1)?.type === 'done' ? (added.at(-1) as { ret?: string }).ret : undefined;
    expect(id).toMatch(/^\*[0-9A-F]+$/);
    await client.until((all) =>
      all.some((reply) => reply.tag === 'l1' && reply.attributes.address === '10.50.0.1/24'),
    );
    const change = client.received.find((reply) => reply.tag === 'l1');
    expect(change?.attributes).toMatchObject({
      '.id': id,
      network: '10.50.0.0',
      interface: 'vlan20',
    });

    await client.run({ command: '/ip/address/remove', tag: 'r1', attributes: { '.id': id! } });
    await client.until((all) =>
      all.some((reply) => reply.tag === 'l1' && reply.attributes['.dead'] === 'true'),
    );

    const start = client.received.length;
    client.send({ command: '/cancel', tag: 'c1', attributes: { tag: 'l1' } });
    await client.until(
      (all) => all.slice(start).filter((reply) => reply.type === 'done').length === 2,
    );
    expect(client.received.slice(start)).toMatchObject([
      { type: 'trap', tag: 'l1', category: 2, message: 'interrupted' },
      { type: 'done', tag: 'c1' },
      { type: 'done', tag: 'l1' },
    ]);
  });

  it('streams check-for-updates sections and updates what print returns', async () => {
    const client = await open(0);
    const replies = await client.run({
      command: '/system/package/update/check-for-updates',
      tag: '9',
    });
    expect(replies[0]?.attributes).toEqual({
      '.section': '0',
      channel: 'stable',
      'installed-version': '7.20.7',
      status: 'finding out latest version...',
    });
    expect(replies).toMatchObject([
      { type: 're', attributes: { '.section': '0' } },
      {
        type: 're',
        attributes: {
          '.section': '1',
          'latest-version': '7.21.1',
          status: 'New version is available',
        },
      },
      { type: 'done', tag: '9' },
    ]);
    const after = await client.run({ command: '/system/package/update/print' });
    expect(after[0]?.attributes).toEqual({
      channel: 'stable',
      'installed-version': '7.20.7',
      'latest-version': '7.21.1',
      status: 'New version is available',
    });
  });

  it('cancels a running check-for-updates with an untagged /cancel', async () => {
    const client = await open(1);
    client.send({ command: '/system/package/update/check-for-updates', tag: 'u1' });
    await client.until((all) => all.some((reply) => reply.tag === 'u1' && reply.type === 're'));
    const start = client.received.length;
    client.send({ command: '/cancel' });
    await client.until(
      (all) => all.slice(start).filter((reply) => reply.type === 'done').length === 2,
    );
    expect(client.received.slice(start)).toMatchObject([
      { type: 'trap', tag: 'u1', category: 2 },
      { type: 'done', tag: undefined },
      { type: 'done', tag: 'u1' },
    ]);
  });

  it('sends !trap then !done for unknown commands and words, twice-trapped where configured', async () => {
    const client = await open(0);
    expect(await client.run({ command: '/interface/frobnicate', tag: 'x' })).toMatchObject([
      { type: 'trap', category: 0, message: 'no such command or directory (frobnicate)' },
      { type: 'done', tag: 'x' },
    ]);
    expect(await client.run({ command: '/no/such/menu/print', tag: 'y' })).toMatchObject([
      { type: 'trap', message: 'no such command prefix' },
      { type: 'done' },
    ]);
    client.sendWords(['#', '.tag=k']);
    await client.until((all) => all.some((reply) => reply.tag === 'k' && reply.type === 'done'));
    expect(client.received.filter((reply) => reply.tag === 'k').map((reply) => reply.type)).toEqual(
      ['trap', 'done'],
    );

    const double = await open(3);
    expect(types(await double.run({ command: '/interface/frobnicate' }))).toEqual([
      'trap',
      'trap',
      'done',
    ]);
  });

  it('sends !empty before !done on 7.18+ and only !done before it', async () => {
    const modern = await open(0);
    expect(
      await modern.run({ command: '/ip/address/print', tag: '7', queries: ['interface=nowhere'] }),
    ).toMatchObject([
      { type: 'empty', tag: '7' },
      { type: 'done', tag: '7' },
    ]);
    const old = await open(1);
    expect(types(await old.run({ command: '/ip/address/print' }))).toEqual(['done']);
  });

  it('honours .proplist, sending bare !re for items without the listed fields', async () => {
    const client = await open(0);
    const names = await client.run({ command: '/interface/print', proplist: ['name', 'comment'] });
    expect(names[0]?.attributes).toEqual({ name: 'ether1', comment: 'WAN' });
    const comments = await client.run({ command: '/ip/address/print', proplist: ['comment'] });
    expect(comments.map((reply) => reply.attributes)).toEqual([{ comment: 'defconf' }, {}, {}]);
  });

  it('filters with query words and stack operations', async () => {
    const client = await open(0);
    const names = async (queries: string[]): Promise<(string | undefined)[]> =>
      (await client.run({ command: '/interface/print', proplist: ['name'], queries }))
        .filter((reply) => reply.type === 're')
        .map((reply) => reply.attributes.name);
    expect(await names(['type=ether', 'type=vlan', '#|'])).toEqual([
      'ether1',
      'ether2',
      'ether3',
      'vlan20',
    ]);
    expect(await names(['type=ether', '#!'])).toEqual(['wlan1', 'bridge', 'vlan20']);
    expect(await names(['slave'])).toEqual(['ether2', 'ether3', 'wlan1']);
    expect(await names(['-default-name', 'running=true'])).toEqual(['bridge', 'vlan20']);
    expect(await names(['<name=ether2'])).toEqual(['ether1', 'bridge']);
  });

  it('keeps raw value bytes in every charset', async () => {
    const client = await open(0);
    const replies = await client.run({ command: '/interface/print', proplist: ['comment'] });
    const raw = replies.map((reply) => reply.raw.get('comment'));
    expect(raw[1]).toEqual(Uint8Array.of(0x43, 0x61, 0x66, 0xe9, 0x20, 0x80));
    expect(replies[1]?.attributes.comment).toBe('Café €');
    expect(raw[2]).toEqual(Uint8Array.of(0xa3, 0xf3, 0x64, 0x9f));
    expect(replies[3]?.attributes.comment).toBe('Zürich ✓');
    expect(raw[5]).toEqual(Uint8Array.of(0x62, 0x61, 0x64, 0xc3, 0x28, 0x81));
  });

  it('ends /quit with !fatal and a bare reason, then closes', async () => {
    const client = await open(0);
    const replies = await client.run({ command: '/quit' });
    expect(replies).toMatchObject([{ type: 'fatal', reason: 'session terminated on request' }]);
    await client.closed;
  });
});

describe('native API transports and faults', () => {
  it('serves api-ssl with the lab certificate, verified', async () => {
    const client = await ApiTestClient.connect(endpoint(0).apiSslPort, {
      ca: tls.selfSigned.trust,
    });
    clients.push(client);
    expect(client.socket.constructor.name).toBe('TLSSocket');
    await client.login(endpoint(0).username, endpoint(0).password);
    const replies = await client.run({ command: '/system/identity/print' });
    expect(replies[0]?.attributes.name).toBe('rtr-test-01');
  });

  it('serves certificate-less api-ssl over anonymous DH where the runtime allows it', async () => {
    if (!lab.anonymousDh.supported) {
      expect(endpoint(1).apiSslMode).toBe('certificate');
      expect(lab.notices.join('\n')).toContain('api-ssl uses the certificate');
      return;
    }
    expect(endpoint(1).apiSslMode).toBe('anonymous-dh');
    const client = await ApiTestClient.connect(endpoint(1).apiSslPort, {
      ...anonymousDhClientOptions,
    });
    clients.push(client);
    await client.login(endpoint(1).username, endpoint(1).password);
    expect((await client.run({ command: '/system/identity/print' }))[0]?.attributes.name).toBe(
      'rtr-test-chr',
    );
    const strict = ApiTestClient.connect(endpoint(1).apiSslPort, { rejectUnauthorized: false });
    await expect(strict).rejects.toThrow();
  });

  it('cuts a reply in half and closes, which a reader reports as truncated', async () => {
    const client = await open(4);
    client.send({ command: '/system/identity/print' });
    await expect(client.closed).rejects.toMatchObject({ fault: 'truncated' });
  });

  it('sends a control byte where a word should start', async () => {
    const client = await open(5);
    client.send({ command: '/system/identity/print' });
    await expect(client.closed).rejects.toMatchObject({ fault: 'control-byte' });
  });
});
