import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestLab, data, startFixture, tokenAuth } from './test-support';

type Obj = Record<string, unknown>;

describe('Proxmox simulator routes', () => {
  let lab: TestLab;
  let root: { token: string };
  beforeAll(async () => {
    lab = await startFixture();
    root = tokenAuth(lab.server.rootToken);
  });
  afterAll(async () => {
    await lab.server.close();
  });

  it('GET /version', async () => {
    const r = await lab.client.get('/version', root);
    expect(r.json).toEqual({
      data: {
        version: '8.4.14',
        release: '8.4',
        repoid: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
      },
    });
  });

  it('GET /cluster/status lists the cluster and its nodes with 0/1 flags', async () => {
    const d = data<Obj[]>(await lab.client.get('/cluster/status', root));
    expect(d[0]).toEqual({
      type: 'cluster',
      id: 'cluster',
      name: 'lab',
      nodes: 3,
      version: 7,
      quorate: 1,
    });
    expect(d).toContainEqual({
      type: 'node',
      id: 'node/pve3',
      name: 'pve3',
      nodeid: 3,
      ip: '192.168.50.13',
      local: 0,
      online: 0,
      level: '',
    });
    expect(d.filter((e) => e.type === 'node')).toHaveLength(3);
  });

  it('GET /cluster/resources mixes types and honours ?type=', async () => {
    const all = data<Obj[]>(await lab.client.get('/cluster/resources', root));
    expect(new Set(all.map((e) => e.type))).toEqual(
      new Set(['qemu', 'lxc', 'node', 'storage', 'sdn', 'pool']),
    );
    const vms = data<Obj[]>(await lab.client.get('/cluster/resources?type=vm', root));
    expect(vms.every((e) => e.type === 'qemu' || e.type === 'lxc')).toBe(true);
    expect(vms).toHaveLength(10);
    const win = vms.find((e) => e.vmid === 100)!;
    expect(Object.keys(win).sort()).toEqual(
      [
        'id',
        'type',
        'vmid',
        'node',
        'name',
        'status',
        'template',
        'uptime',
        'maxcpu',
        'cpu',
        'maxmem',
        'mem',
        'maxdisk',
        'disk',
        'netin',
        'netout',
        'diskread',
        'diskwrite',
        'tags',
        'pool',
      ].sort(),
    );
    expect(win).toMatchObject({
      id: 'qemu/100',
      node: 'pve1',
      status: 'running',
      template: 0,
      tags: 'prod;windows',
      pool: 'infra',
      maxmem: 8589934592,
      disk: 0,
    });
    expect(win.cpu).toBeGreaterThanOrEqual(0);
    expect(win.cpu).toBeLessThan(1);
    expect(vms.find((e) => e.vmid === 107)).toEqual({
      id: 'lxc/107',
      type: 'lxc',
      vmid: 107,
      node: 'pve2',
      status: 'unknown',
      tags: 'dev',
      pool: 'infra',
    });
    expect(vms.find((e) => e.vmid === 120)).toEqual({
      id: 'qemu/120',
      type: 'qemu',
      vmid: 120,
      node: 'pve3',
      status: 'unknown',
    });
    expect(vms.find((e) => e.vmid === 9000)).toMatchObject({
      template: 1,
      status: 'stopped',
      uptime: 0,
    });
    const nodes = data<Obj[]>(await lab.client.get('/cluster/resources?type=node', root));
    expect(nodes.find((n) => n.node === 'pve3')).toEqual({
      id: 'node/pve3',
      type: 'node',
      node: 'pve3',
      status: 'offline',
      level: '',
      maxcpu: 32,
      maxmem: 134959439872,
      maxdisk: 100861726720,
    });
    expect(nodes.find((n) => n.node === 'pve1')).toMatchObject({
      status: 'online',
      level: 'c',
      'cgroup-mode': 2,
      maxcpu: 32,
    });
    const storage = data<Obj[]>(await lab.client.get('/cluster/resources?type=storage', root));
    expect(storage).toContainEqual(
      expect.objectContaining({
        id: 'storage/pve1/local-lvm',
        type: 'storage',
        storage: 'local-lvm',
        plugintype: 'lvmthin',
        status: 'available',
        shared: 0,
      }),
    );
    expect(storage.find((s) => s.id === 'storage/pve3/nfs-backup')).toMatchObject({
      status: 'unknown',
      shared: 1,
    });
    const bad = await lab.client.get('/cluster/resources?type=bogus', root);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      errors: {
        type: "value 'bogus' does not have a value in the enumeration 'vm, storage, node, sdn, pool'",
      },
      data: null,
      message: 'Parameter verification failed.\n',
    });
  });

  it('sends PVE headers and gzips large bodies for clients that accept it', async () => {
    const { fetch } = await import('undici');
    const res = await fetch(`${lab.server.apiUrl}/cluster/resources`, {
      headers: { authorization: lab.server.rootToken.authorization, 'accept-encoding': 'gzip' },
      dispatcher: lab.client.dispatcher,
    });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('server')).toBe('pve-api-daemon/3.0');
    expect(res.headers.get('cache-control')).toBe('max-age=0');
    expect(Array.isArray(((await res.json()) as { data: unknown }).data)).toBe(true);
  });

  it('GET /nodes with fingerprints; offline nodes without stats', async () => {
    const d = data<Obj[]>(await lab.client.get('/nodes', root));
    expect(d).toHaveLength(3);
    expect(d.find((n) => n.node === 'pve1')).toMatchObject({
      status: 'online',
      id: 'node/pve1',
      type: 'node',
      ssl_fingerprint: lab.server.fingerprint,
      maxcpu: 32,
    });
    expect(lab.server.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(d.find((n) => n.node === 'pve3')).not.toHaveProperty('cpu');
  });

  it('GET /nodes/{node}/status', async () => {
    const d = data<Obj>(await lab.client.get('/nodes/pve1/status', root));
    expect(d.loadavg).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
    expect(d.cpuinfo).toMatchObject({
      model: 'AMD Ryzen 9 5950X 16-Core Processor',
      cpus: 32,
      mhz: '3400.000',
      hvm: '1',
    });
    expect(d.memory).toMatchObject({ total: 134959439872 });
    expect(d.pveversion).toMatch(/^pve-manager\/8\.4\.14\//);
    expect(d['current-kernel']).toMatchObject({ sysname: 'Linux', release: '6.8.12-4-pve' });
  });

  it('node-bound calls: unknown node → 500, offline node → 595 with empty body', async () => {
    const unknown = await lab.client.get('/nodes/pve9/status', root);
    expect(unknown.status).toBe(500);
    expect(unknown.statusText).toMatch(/^hostname lookup 'pve9' failed/);
    const offline = await lab.client.get('/nodes/pve3/lxc', root);
    expect(offline.status).toBe(595);
    expect(offline.statusText).toBe('No route to host');
    expect(offline.text).toBe('');
  });

  it('GET /nodes/{node}/lxc and /qemu', async () => {
    const lxc = data<Obj[]>(await lab.client.get('/nodes/pve1/lxc', root));
    expect(lxc).toHaveLength(1);
    expect(lxc[0]).toMatchObject({
      vmid: 101,
      type: 'lxc',
      name: 'dns01',
      status: 'running',
      cpus: 2,
      maxmem: 1073741824,
      tags: 'infra',
      pressureiofull: expect.any(Number) as unknown,
    });
    expect(lxc[0]!.pid).toEqual(expect.any(Number));
    const stopped = data<Obj[]>(await lab.client.get('/nodes/pve2/lxc', root)).find(
      (e) => e.vmid === 105,
    )!;
    expect(stopped).not.toHaveProperty('pid');
    expect(stopped).not.toHaveProperty('pressurecpusome');
    expect(stopped).not.toHaveProperty('template');
    const qemu = data<Obj[]>(await lab.client.get('/nodes/pve2/qemu', root));
    expect(qemu.map((e) => e.vmid).sort()).toEqual([103, 104, 9000]);
    expect(qemu.find((e) => e.vmid === 9000)).toMatchObject({ template: 1, status: 'stopped' });
    expect(qemu.find((e) => e.vmid === 103)).not.toHaveProperty('type');
  });

  it('status/current adds ha (and qmpstatus/agent for QEMU)', async () => {
    const ct = data<Obj>(await lab.client.get('/nodes/pve1/lxc/101/status/current', root));
    expect(ct).toMatchObject({ vmid: 101, status: 'running', ha: { managed: 0 } });
    const vm = data<Obj>(await lab.client.get('/nodes/pve1/qemu/100/status/current', root));
    expect(vm).toMatchObject({ vmid: 100, qmpstatus: 'running', agent: 1, ha: { managed: 0 } });
  });

  it('config: netN property strings in canonical order', async () => {
    const ct = data<Obj>(await lab.client.get('/nodes/pve1/lxc/101/config', root));
    expect(ct.net0).toBe(
      'name=eth0,bridge=vmbr0,firewall=1,gw=192.168.50.1,hwaddr=BC:24:11:5E:7A:01,ip=192.168.50.53/24,type=veth',
    );
    expect(ct.net1).toBe(
      'name=eth1,bridge=vmbr1,hwaddr=BC:24:11:0C:33:9D,ip=dhcp,tag=20,type=veth',
    );
    expect(ct).toMatchObject({
      arch: 'amd64',
      cores: 2,
      memory: 1024,
      hostname: 'dns01',
      unprivileged: 1,
      onboot: 1,
      description: 'DNS resolver\n',
      rootfs: 'local-lvm:vm-101-disk-0,size=8G',
    });
    expect(ct.digest).toMatch(/^[0-9a-f]{40}$/);
    const vm = data<Obj>(await lab.client.get('/nodes/pve1/qemu/100/config', root));
    expect(vm.net0).toBe('virtio=BC:24:11:A1:B2:C3,bridge=vmbr0,firewall=1');
    expect(vm).toMatchObject({
      agent: '1',
      smbios1: 'uuid=5b0f0c7e-2f7e-4a59-9d1e-3c9a8c1b2d40',
      name: 'win-ad01',
      tags: 'prod;windows',
    });
  });

  it('missing or misplaced guests: 500 "Configuration file … does not exist"; bad vmid: 400', async () => {
    const missing = await lab.client.get('/nodes/pve1/lxc/999/config', root);
    expect(missing.status).toBe(500);
    expect(missing.statusText).toBe("Configuration file 'nodes/pve1/lxc/999.conf' does not exist");
    expect(missing.json).toEqual({
      data: null,
      message: "Configuration file 'nodes/pve1/lxc/999.conf' does not exist\n",
    });
    const wrongNode = await lab.client.get('/nodes/pve2/qemu/100/config', root);
    expect(wrongNode.statusText).toBe(
      "Configuration file 'nodes/pve2/qemu-server/100.conf' does not exist",
    );
    const bad = await lab.client.get('/nodes/pve1/lxc/abc/config', root);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      errors: { vmid: "type check ('integer') failed - got 'abc'" },
      data: null,
      message: 'Parameter verification failed.\n',
    });
  });

  it('LXC interfaces: lo first, lower-case MACs, inet labels; null when stopped', async () => {
    const d = data<Obj[]>(await lab.client.get('/nodes/pve1/lxc/101/interfaces', root));
    expect(d[0]).toMatchObject({
      name: 'lo',
      hwaddr: '00:00:00:00:00:00',
      inet: '127.0.0.1/8',
      inet6: '::1/128',
    });
    expect(d[1]).toEqual({
      name: 'eth0',
      hwaddr: 'bc:24:11:5e:7a:01',
      'hardware-address': 'bc:24:11:5e:7a:01',
      inet: '192.168.50.53/24',
      inet6: 'fe80::be24:11ff:fe5e:7a01/64',
      'ip-addresses': [
        { 'ip-address': '192.168.50.53', 'ip-address-type': 'inet', prefix: 24 },
        { 'ip-address': 'fe80::be24:11ff:fe5e:7a01', 'ip-address-type': 'inet6', prefix: 64 },
      ],
    });
    const stopped = await lab.client.get('/nodes/pve2/lxc/105/interfaces', root);
    expect(stopped.status).toBe(200);
    expect(stopped.json).toEqual({ data: null });
  });

  it('QEMU agent network-get-interfaces and its errors', async () => {
    const d = data<{ result: Obj[] }>(
      await lab.client.get('/nodes/pve1/qemu/100/agent/network-get-interfaces', root),
    );
    const nic = d.result.find((i) => i['hardware-address'] === 'bc:24:11:a1:b2:c3')!;
    expect(nic.name).toBe('Ethernet');
    expect(nic['ip-addresses']).toContainEqual({
      'ip-address-type': 'ipv4',
      'ip-address': '192.168.50.40',
      prefix: 24,
    });
    expect(nic.statistics).toMatchObject({ 'rx-bytes': expect.any(Number) as unknown });
    const cases: [string, string][] = [
      ['/nodes/pve2/qemu/104/agent/network-get-interfaces', 'VM 104 is not running'],
      ['/nodes/pve2/qemu/103/agent/network-get-interfaces', 'No QEMU guest agent configured'],
      ['/nodes/pve1/qemu/102/agent/network-get-interfaces', 'QEMU guest agent is not running'],
    ];
    for (const [path, message] of cases) {
      const r = await lab.client.get(path, root);
      expect(r.status).toBe(500);
      expect(r.statusText).toBe(message);
    }
  });

  it('QEMU agent that refuses the command: its QGA error inside a 200, as older PVE sent it', async () => {
    const vm = lab.server.state.guests.get(100)!;
    const before = vm.agent;
    vm.agent = 'command-disabled';
    try {
      const r = await lab.client.get('/nodes/pve1/qemu/100/agent/network-get-interfaces', root);
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        data: {
          result: {
            error: {
              class: 'CommandDisabled',
              desc: 'The command guest-network-get-interfaces has been disabled for this instance',
            },
          },
        },
      });
    } finally {
      vm.agent = before;
    }
  });

  it('QEMU agent of a VM running Docker also lists docker0 (172.17.0.1) and veth interfaces', async () => {
    const vm = lab.server.state.guests.get(102)!;
    const before = { agent: vm.agent, docker: vm.docker };
    vm.agent = 'running';
    vm.docker = true;
    try {
      const d = data<{ result: Obj[] }>(
        await lab.client.get('/nodes/pve1/qemu/102/agent/network-get-interfaces', root),
      );
      const docker0 = d.result.find((i) => i.name === 'docker0')!;
      expect(docker0['hardware-address']).toMatch(/^02:42(:[0-9a-f]{2}){4}$/);
      expect(docker0['ip-addresses']).toContainEqual({
        'ip-address-type': 'ipv4',
        'ip-address': '172.17.0.1',
        prefix: 16,
      });
      const veths = d.result.filter((i) => String(i.name).startsWith('veth'));
      expect(veths.length).toBeGreaterThan(0);
      for (const veth of veths)
        expect(veth['hardware-address']).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    } finally {
      vm.agent = before.agent;
      vm.docker = before.docker;
    }
  });

  it('GET /nodes/{node}/apt/update lists pending packages', async () => {
    const d = data<Obj[]>(await lab.client.get('/nodes/pve1/apt/update', root));
    for (const p of d) {
      expect(Object.keys(p).sort()).toEqual([
        'Arch',
        'Description',
        'OldVersion',
        'Origin',
        'Package',
        'Priority',
        'Section',
        'Title',
        'Version',
      ]);
    }
  });

  it('unknown paths: 501 JSON for the API, 501 text "no such uri" outside a format', async () => {
    const r = await lab.client.get('/nodes/pve1/foo', root);
    expect(r.status).toBe(501);
    expect(r.statusText).toBe("Method 'GET /nodes/pve1/foo' not implemented");
    expect(r.json).toEqual({ data: null, message: "Method 'GET /nodes/pve1/foo' not implemented" });
    const noFormat = await lab.client.get('/api2/nodes', root);
    expect(noFormat.status).toBe(501);
    expect(noFormat.statusText).toBe('no such uri');
    expect(noFormat.text).toBe('no such uri');
  });

  it('refuses a body on DELETE and non-0/1 booleans in forms', async () => {
    const body = await lab.client.request('DELETE', '/access/users/monitor@pve', root, { a: '1' });
    expect(body.status).toBe(501);
    expect(body.statusText).toBe("Unexpected content for method 'DELETE'");
    const r = await lab.client.post('/nodes/pve1/lxc/101/status/shutdown', root, {
      forceStop: 'true',
    });
    expect(r.status).toBe(400);
    expect((r.json as { errors: Obj }).errors).toEqual({
      forceStop: "type check ('boolean') failed - got 'true'",
    });
  });

  it('accepts JSON bodies with JSON booleans', async () => {
    const r = await lab.client.request('PUT', '/access/acl', root);
    expect(r.status).toBe(400);
    expect((r.json as { errors: Obj }).errors).toEqual({
      path: 'property is missing and it is not optional',
      roles: 'property is missing and it is not optional',
    });
    const res = await fetchJsonPut(lab, '/access/acl', {
      path: '/',
      roles: 'PVEAuditor',
      users: 'monitor@pve',
      propagate: true,
    });
    expect(res).toBe(200);
  });

  it('serves /api2/extjs with success flags and errors as 200', async () => {
    const ok = await lab.client.get('/api2/extjs/version', root);
    expect(ok.json).toMatchObject({ success: 1, data: { version: '8.4.14' } });
    const err = await lab.client.get('/api2/extjs/nodes/pve1/lxc/999/config', root);
    expect(err.status).toBe(200);
    expect(err.json).toMatchObject({
      success: 0,
      data: null,
      message: expect.stringContaining('does not exist') as unknown,
    });
  });
});

async function fetchJsonPut(lab: TestLab, path: string, body: Obj): Promise<number> {
  const { fetch } = await import('undici');
  const res = await fetch(`${lab.server.apiUrl}${path}`, {
    method: 'PUT',
    headers: {
      authorization: lab.server.rootToken.authorization,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
    dispatcher: lab.client.dispatcher,
  });
  await res.text();
  return res.status;
}
