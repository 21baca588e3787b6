import { fetch, type Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { trustingDispatcher } from '../common/client';
import { createLabTls } from '../common/tls';
import { chrFixture, hapFixture } from './fixtures';
import { startRouterOs, type RouterOsEndpoint, type RouterOsLab } from './index';

let lab: RouterOsLab;
let dispatcher: Agent;

beforeAll(async () => {
  const tls = await createLabTls();
  dispatcher = trustingDispatcher(tls.selfSigned);
  lab = await startRouterOs({
    routers: [hapFixture, chrFixture],
    tls: tls.selfSigned,
    configure: (_router, index) =>
      index === 0
        ? { updateCheckDelayMs: 5, encodingSamples: true }
        : { rest: { singletonAsArray: true }, password: '' },
  });
});

afterAll(async () => {
  await lab.close();
  await dispatcher.close();
});

const endpoint = (index: number): RouterOsEndpoint => lab.devices[index]!;

async function call(
  index: number,
  path: string,
  init: { method?: string; body?: unknown; auth?: string } = {},
): Promise<{ status: number; body: unknown; raw: Buffer; type: string | null }> {
  const { username, password, restUrl } = endpoint(index);
  const response = await fetch(`${restUrl}${path}`, {
    dispatcher,
    method: init.method ?? 'GET',
    headers: {
      authorization: `Basic ${Buffer.from(init.auth ?? `${username}:${password}`).toString('base64')}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const raw = Buffer.from(await response.arrayBuffer());
  const body: unknown = raw.length > 0 ? JSON.parse(raw.toString('latin1')) : undefined;
  return { status: response.status, body, raw, type: response.headers.get('content-type') };
}

const allStrings = (value: unknown): boolean =>
  Array.isArray(value)
    ? value.every(allStrings)
    : typeof value === 'object' &&
      value !== null &&
      Object.values(value).every((v) => typeof v === 'string');

describe('REST API', () => {
  it('returns singletons as objects with string values and sorted keys', async () => {
    const { status, body, type } = await call(0, '/system/resource');
    expect(status).toBe(200);
    expect(type).toBe('application/json');
    expect(body).toMatchObject({
      'board-name': 'hAP ac^2',
      'cpu-count': '4',
      version: '7.20.7 (stable)',
    });
    expect(allStrings(body)).toBe(true);
    expect(Object.keys(body as object)).toEqual(Object.keys(body as object).sort());
    expect((await call(0, '/system/identity')).body).toEqual({ name: 'rtr-test-01' });
  });

  it('returns the one-element array for singletons where the 7.1-era switch is on', async () => {
    const { body } = await call(1, '/system/routerboard');
    expect(body).toEqual([{ routerboard: 'false' }]);
  });

  it('returns list menus as arrays and one item by id or name', async () => {
    const list = await call(0, '/interface');
    expect(Array.isArray(list.body)).toBe(true);
    expect(allStrings(list.body)).toBe(true);
    expect((list.body as { name: string }[]).map((item) => item.name)).toContain('vlan20');
    expect((await call(0, '/interface/*2')).body).toMatchObject({
      '.id': '*2',
      name: 'ether2',
      slave: 'true',
    });
    expect((await call(0, '/interface/ether1')).body).toMatchObject({
      comment: 'WAN',
      'default-name': 'ether1',
    });
    expect((await call(1, '/ip/address')).body).toEqual([]);
  });

  it('filters with query-string equality and .proplist', async () => {
    const { body } = await call(0, '/interface?type=ether&running=true&.proplist=name,type');
    expect(body).toEqual([
      { name: 'ether1', type: 'ether' },
      { name: 'ether2', type: 'ether' },
    ]);
  });

  it('prints with .proplist and .query through POST', async () => {
    const { body } = await call(0, '/interface/print', {
      method: 'POST',
      body: { '.proplist': ['name', 'type'], '.query': ['type=bridge', 'type=vlan', '#|'] },
    });
    expect(body).toEqual([
      { name: 'bridge', type: 'bridge' },
      { name: 'vlan20', type: 'vlan' },
    ]);
  });

  it('answers errors with {error, message, detail}', async () => {
    expect(await call(0, '/interface/*99')).toMatchObject({
      status: 404,
      body: { error: 404, message: 'Not Found' },
    });
    expect((await call(0, '/interface/*99')).body).not.toHaveProperty('detail');
    expect(await call(0, '/no/such/thing')).toMatchObject({
      status: 400,
      body: { error: 400, message: 'Bad Request', detail: 'no such command prefix' },
    });
    expect(await call(0, '/interface/frobnicate', { method: 'POST', body: {} })).toMatchObject({
      status: 400,
      body: { detail: 'no such command or directory (frobnicate)' },
    });
    expect(await call(0, '/system/identity', { auth: 'admin:wrong' })).toMatchObject({
      status: 401,
      body: { error: 401, message: 'Unauthorized' },
    });
  });

  it('accepts an empty password where the device has one', async () => {
    expect((await call(1, '/system/identity')).body).toEqual([{ name: 'rtr-test-chr' }]);
  });

  it('creates, updates and deletes addresses with PUT, PATCH and DELETE', async () => {
    const created = await call(0, '/ip/address', {
      method: 'PUT',
      body: { address: '10.77.0.1/24', interface: 'vlan20', comment: 'lab' },
    });
    expect(created.body).toMatchObject({
      address: '10.77.0.1/24',
      network: '10.77.0.0',
      invalid: 'false',
    });
    const id = (created.body as { '.id': string })['.id'];
    const patched = await call(0, `/ip/address/${id}`, {
      method: 'PATCH',
      body: { disabled: 'true' },
    });
    expect(patched.body).toMatchObject({ '.id': id, disabled: 'true' });
    expect((await call(0, `/ip/address/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(0, `/ip/address/${id}`)).status).toBe(404);
    expect(
      await call(0, '/ip/address', { method: 'PUT', body: { address: '10.1.1.1/24', bogus: 'x' } }),
    ).toMatchObject({
      status: 400,
      body: { detail: 'unknown parameter bogus' },
    });
  });

  it('blocks on check-for-updates and returns the section array', async () => {
    const before = await call(1, '/system/package/update');
    expect(before.body).toEqual([{ channel: 'long-term', 'installed-version': '7.16.2' }]);
    const { body } = await call(0, '/system/package/update/check-for-updates', {
      method: 'POST',
      body: {},
    });
    expect(body).toEqual([
      {
        '.section': '0',
        channel: 'stable',
        'installed-version': '7.20.7',
        status: 'finding out latest version...',
      },
      {
        '.section': '1',
        channel: 'stable',
        'installed-version': '7.20.7',
        'latest-version': '7.21.1',
        status: 'New version is available',
      },
    ]);
    expect((await call(0, '/system/package')).body).toMatchObject([
      { name: 'routeros', version: '7.20.7' },
      { name: 'wifi-qcom-ac' },
    ]);
  });

  it('sends stored bytes unchanged, so a body need not be valid UTF-8', async () => {
    const { raw } = await call(0, '/interface/ether2?.proplist=comment');
    expect(raw).toEqual(
      Buffer.from([...Buffer.from('{"comment":"Caf'), 0xe9, 0x20, 0x80, ...Buffer.from('"}')]),
    );
  });
});
