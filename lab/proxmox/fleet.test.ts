import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustingDispatcher } from '../common';
import { type Fleet, generateFleet } from '../fleet';
import { type ProxmoxServer, startProxmoxFleet } from './server';
import { PveTestClient, data, labTls, tokenAuth } from './test-support';

type Obj = Record<string, unknown>;

describe('Proxmox simulator over the lab fleet', () => {
  let fleet: Fleet;
  let servers: ProxmoxServer[];
  let client: (s: ProxmoxServer) => PveTestClient;
  beforeAll(async () => {
    const tls = await labTls();
    fleet = generateFleet({ size: 120, seed: 7 });
    servers = await startProxmoxFleet(fleet, { tls: tls.selfSigned, authFailureDelayMs: 0 });
    const dispatcher = trustingDispatcher(tls.selfSigned);
    client = (s) => new PveTestClient(s.url, dispatcher);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('serves one endpoint per cluster with every guest of that cluster', async () => {
    expect(servers.map((s) => s.name)).toEqual(fleet.proxmox.clusters.map((c) => c.name));
    for (const server of servers) {
      const vms = data<Obj[]>(
        await client(server).get('/cluster/resources?type=vm', tokenAuth(server.rootToken)),
      );
      const expected = fleet.proxmox.guests
        .filter((g) => g.cluster === server.name)
        .map((g) => g.vmid);
      expect(vms.map((v) => v.vmid).sort()).toEqual([...expected].sort());
    }
  });

  it('keeps MACs, addresses and SMBIOS UUIDs consistent with the fleet', async () => {
    const server = servers[0]!;
    const auth = tokenAuth(server.rootToken);
    const guests = fleet.proxmox.guests.filter((g) => g.cluster === server.name);
    const ct = guests.find(
      (g) => g.type === 'lxc' && g.status === 'running' && g.interfaces.length > 0,
    )!;
    const config = data<Obj>(
      await client(server).get(`/nodes/${ct.node}/lxc/${ct.vmid}/config`, auth),
    );
    const nic = ct.interfaces[0]!;
    expect(config.net0).toContain(`hwaddr=${nic.mac.toUpperCase()}`);
    expect(config.net0).toContain(nic.dhcp ? 'ip=dhcp' : `ip=${nic.ip!}/${nic.prefix}`);
    const ifaces = data<Obj[]>(
      await client(server).get(`/nodes/${ct.node}/lxc/${ct.vmid}/interfaces`, auth),
    );
    expect(ifaces[1]).toMatchObject({
      name: nic.ifname,
      hwaddr: nic.mac,
      inet: `${nic.ip!}/${nic.prefix}`,
    });
    const vm = guests.find((g) => g.type === 'qemu' && g.smbiosUuid !== null)!;
    const vmConfig = data<Obj>(
      await client(server).get(`/nodes/${vm.node}/qemu/${vm.vmid}/config`, auth),
    );
    expect(vmConfig.smbios1).toBe(`uuid=${vm.smbiosUuid!}`);
  });
});
