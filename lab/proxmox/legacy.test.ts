import { describe, expect, it } from 'vitest';
import { data, startFixture, tokenAuth } from './test-support';

type Obj = Record<string, unknown>;

describe('Proxmox simulator in pre-8.4 mode', () => {
  it('omits message keys, sends LXC vmids as strings and drops ip-addresses', async () => {
    const lab = await startFixture({ legacy: true });
    try {
      const root = tokenAuth(lab.server.rootToken);
      expect(data<Obj>(await lab.client.get('/version', root)).release).toBe('8.1');
      const missing = await lab.client.get('/nodes/pve1/lxc/999/config', root);
      expect(missing.statusText).toBe(
        "Configuration file 'nodes/pve1/lxc/999.conf' does not exist",
      );
      expect(missing.json).toEqual({ data: null });
      const lxc = data<Obj[]>(await lab.client.get('/nodes/pve1/lxc', root));
      expect(lxc[0]!.vmid).toBe('101');
      const ifaces = data<Obj[]>(await lab.client.get('/nodes/pve1/lxc/101/interfaces', root));
      expect(ifaces[1]).toEqual({
        name: 'eth0',
        hwaddr: 'bc:24:11:5e:7a:01',
        inet: '192.168.50.53/24',
        inet6: 'fe80::be24:11ff:fe5e:7a01/64',
      });
    } finally {
      await lab.server.close();
    }
  });
});

describe('Proxmox simulator imitating PVE 8.0', () => {
  it('says 8.0 and answers the LXC interfaces endpoint, added in 8.1, with 501', async () => {
    const lab = await startFixture({ legacy: 'before-8.1' });
    try {
      const root = tokenAuth(lab.server.rootToken);
      expect(data<Obj>(await lab.client.get('/version', root))).toMatchObject({
        version: '8.0.4',
        release: '8.0',
      });
      expect(data<Obj>(await lab.client.get('/nodes/pve1/status', root)).pveversion).toMatch(
        /^pve-manager\/8\.0\.4\//,
      );
      const ifaces = await lab.client.get('/nodes/pve1/lxc/101/interfaces', root);
      expect(ifaces.status).toBe(501);
      expect(ifaces.statusText).toBe("Method 'GET /nodes/pve1/lxc/101/interfaces' not implemented");
      expect(ifaces.json).toEqual({ data: null });
      // Everything else a sync reads is there, with the pre-8.4 details.
      const lxc = data<Obj[]>(await lab.client.get('/nodes/pve1/lxc', root));
      expect(lxc[0]!.vmid).toBe('101');
      expect(data<Obj>(await lab.client.get('/nodes/pve1/lxc/101/config', root)).net0).toMatch(
        /hwaddr=/,
      );
    } finally {
      await lab.server.close();
    }
  });
});
