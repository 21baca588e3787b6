import { fetch, type Response } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { trustingDispatcher } from '../common/client';
import { createLabTls, type LabTls } from '../common/tls';
import { generateFleet, type Fleet } from '../fleet/index';
import { startRouterOs, type RouterOsLab } from './index';
import { ApiTestClient } from './test-client';

let tls: LabTls;
let fleet: Fleet;
let lab: RouterOsLab;

beforeAll(async () => {
  tls = await createLabTls();
  fleet = generateFleet({ size: 300, seed: 7 });
  lab = await startRouterOs({
    routers: fleet.routeros.devices,
    tls: tls.selfSigned,
    faults: {
      seed: 7,
      systems: {
        routeros: [
          { route: '/rest/system/resource', error5xx: 1, status5xx: 503 },
          { route: '/system/resource/print', error5xx: 1 },
        ],
      },
    },
  });
});

afterAll(async () => {
  await lab.close();
});

describe('RouterOS simulator over the seeded fleet', () => {
  it('serves every fleet router with its own ports and credentials', async () => {
    expect(lab.devices).toHaveLength(fleet.routeros.devices.length);
    const ports = lab.devices.flatMap((device) => [
      device.apiPort,
      device.apiSslPort,
      new URL(device.restUrl).port,
    ]);
    expect(new Set(ports).size).toBe(ports.length);
    for (const [index, endpoint] of lab.devices.entries()) {
      const router = fleet.routeros.devices[index]!;
      const client = await ApiTestClient.connect(endpoint.apiPort);
      await client.login(endpoint.username, endpoint.password);
      const [identity] = await client.run({ command: '/system/identity/print' });
      const interfaces = await client.run({
        command: '/interface/print',
        proplist: ['name', 'mac-address'],
      });
      client.close();
      expect(identity?.attributes.name).toBe(router.identity);
      expect(
        interfaces.filter((reply) => reply.type === 're').map((reply) => reply.attributes.name),
      ).toEqual(router.interfaces.map((item) => item.name));
    }
  });

  it('reports update status and serial as the fleet records them', async () => {
    const dispatcher = trustingDispatcher(tls.selfSigned);
    try {
      const endpoint = lab.devices[0]!;
      const router = fleet.routeros.devices[0]!;
      const auth = `Basic ${Buffer.from(`${endpoint.username}:${endpoint.password}`).toString('base64')}`;
      const get = async (path: string): Promise<Response> =>
        fetch(`${endpoint.restUrl}${path}`, { dispatcher, headers: { authorization: auth } });
      const update = (await (await get('/system/package/update')).json()) as Record<string, string>;
      expect(update.status).toBe(router.updateStatus ?? undefined);
      expect(update['latest-version']).toBe(router.latestVersion ?? undefined);
      const board = (await (await get('/system/routerboard')).json()) as Record<string, string>;
      const license = (await (await get('/system/license')).json()) as Record<string, string>;
      expect(router.routerboard ? board['serial-number'] : license['system-id']).toBe(
        router.serial,
      );
      // The fault plan answers this route with 503 and a RouterOS error body.
      const faulted = await get('/system/resource');
      expect(faulted.status).toBe(503);
      expect(await faulted.json()).toEqual({ error: 503, message: 'Service Unavailable' });
    } finally {
      await dispatcher.close();
    }
  });

  it('maps the fault plan onto native commands: a planned 5xx becomes !fatal', async () => {
    const endpoint = lab.devices[0]!;
    const client = await ApiTestClient.connect(endpoint.apiPort);
    await client.login(endpoint.username, endpoint.password);
    expect(await client.run({ command: '/system/identity/print', tag: 'a' })).toHaveLength(2);
    const replies = await client.run({ command: '/system/resource/print', tag: 'b' });
    expect(replies).toMatchObject([{ type: 'fatal', reason: 'injected failure' }]);
    await client.closed;
  });
});
