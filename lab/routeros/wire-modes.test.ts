import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLabTls } from '../common/tls';
import { hapFixture } from './fixtures';
import { startRouterOs, type RouterOsDeviceConfig, type RouterOsLab } from './index';
import { chunkingModes } from './native-writer';
import { formatDate, formatDuration, profileFor } from './profile';
import { ApiTestClient } from './test-client';

const configs: RouterOsDeviceConfig[] = [
  ...chunkingModes.map((chunking) => ({ native: { chunking } })),
  { native: { fault: 'unknown-reply' } },
  { native: { fault: 'unregistered-tag' } },
  { native: { fault: 'stall' } },
  { native: { unknownCommand: 'done' } },
  { apiSsl: 'wrong-protocol' },
];

let lab: RouterOsLab;

beforeAll(async () => {
  lab = await startRouterOs({
    routers: configs.map((_, index) => ({
      ...hapFixture,
      identity: `rtr-mode-${index}`,
      serial: index < chunkingModes.length ? 'MODE' : `MODE${index}`,
    })),
    tls: (await createLabTls()).selfSigned,
    configure: (_router, index) => configs[index] ?? {},
  });
});

afterAll(async () => {
  await lab.close();
});

async function open(index: number, port = lab.devices[index]!.apiPort): Promise<ApiTestClient> {
  const client = await ApiTestClient.connect(port);
  await client.login(lab.devices[index]!.username, lab.devices[index]!.password);
  return client;
}

describe('native API wire modes', () => {
  it('sends the same sentences in every chunking mode', async () => {
    const results: unknown[] = [];
    for (const index of chunkingModes.keys()) {
      const client = await open(index);
      const replies = await client.run({ command: '/interface/print', tag: 't' });
      client.close();
      results.push(replies.map((reply) => [reply.type, reply.tag, reply.attributes]));
    }
    expect(results).toHaveLength(chunkingModes.length);
    for (const result of results) expect(result).toEqual(results[0]);
    expect((results[0] as unknown[]).length).toBe(hapFixture.interfaces.length + 1);
  });

  it('can send an unknown reply word, which a strict reader refuses', async () => {
    const client = await open(chunkingModes.length);
    client.send({ command: '/system/identity/print', tag: 'a' });
    await expect(client.closed).rejects.toMatchObject({ fault: 'unknown-reply' });
  });

  it('can send a reply for a tag nobody used, before the real reply', async () => {
    const client = await open(chunkingModes.length + 1);
    await client.run({ command: '/system/identity/print', tag: 'mine' });
    expect(client.received.slice(1).map((reply) => reply.tag)).toEqual([
      'never-sent',
      'mine',
      'mine',
    ]);
    client.close();
  });

  it('can stall a command while the connection stays up', async () => {
    const client = await open(chunkingModes.length + 2);
    client.send({ command: '/system/resource/print', tag: 'slow' });
    // The stall swallows the first command after login; the next one is answered.
    const identity = await client.run({ command: '/system/identity/print', tag: 'next' });
    expect(identity.map((reply) => reply.type)).toEqual(['re', 'done']);
    expect(client.received.some((reply) => reply.tag === 'slow')).toBe(false);
    client.close();
  });

  it('can answer unknown commands with a bare !done', async () => {
    const client = await open(chunkingModes.length + 3);
    expect(
      (await client.run({ command: '/interface/frobnicate', tag: 'f' })).map((reply) => reply.type),
    ).toEqual(['done']);
    client.sendWords(['#', '.tag=k']);
    await client.until((all) => all.some((reply) => reply.tag === 'k'));
    expect(client.received.filter((reply) => reply.tag === 'k').map((reply) => reply.type)).toEqual(
      ['done'],
    );
    client.close();
  });

  it('can answer plain API bytes on the api-ssl port', async () => {
    const index = chunkingModes.length + 4;
    expect(lab.devices[index]!.apiSslMode).toBe('wrong-protocol');
    const client = await open(index, lab.devices[index]!.apiSslPort);
    expect((await client.run({ command: '/system/identity/print' }))[0]?.attributes.name).toBe(
      `rtr-mode-${index}`,
    );
    client.close();
  });
});

describe('version profiles', () => {
  it('derive login methods, !empty and date style from the version', () => {
    expect(profileFor('6.42.12')).toMatchObject({
      loginMode: 'legacy',
      emptyReply: false,
      isoDates: false,
    });
    expect(profileFor('6.44.6')).toMatchObject({ loginMode: 'transitional' });
    expect(profileFor('6.49.17')).toMatchObject({
      loginMode: 'modern',
      booleans: ['true', 'false'],
    });
    expect(profileFor('7.11.2')).toMatchObject({
      emptyReply: false,
      isoDates: false,
      packageSizes: false,
    });
    expect(profileFor('7.20.7')).toMatchObject({
      emptyReply: true,
      isoDates: true,
      packageSizes: true,
    });
    expect(profileFor('6.40.9').booleans).toEqual(['yes', 'no']);
  });

  it('format dates and durations as RouterOS does', () => {
    const at = Date.UTC(2023, 6, 14, 13, 55, 47);
    expect(formatDate(profileFor('7.11.2'), at)).toBe('Jul/14/2023 13:55:47');
    expect(formatDate(profileFor('7.20.7'), at)).toBe('2023-07-14 13:55:47');
    expect(formatDuration(53087)).toBe('14h44m47s');
    expect(formatDuration(245540)).toBe('2d20h12m20s');
    expect(formatDuration(7 * 86400 + 3 * 86400 + 2 * 3600 + 300)).toBe('1w3d2h5m');
  });
});
