import { describe, expect, it } from 'vitest';
import { normalizeIp, normalizeMac } from '../identity';
import { normalizeGuest, osName } from './normalize';
import { agentEnabled, guestNics, parsePropertyString, splitTags } from './property-string';
import { reusableDetails } from './reuse';
import { GuestConfig, GuestResource } from './schemas';

describe('Proxmox property strings and values', () => {
  it('parses LXC and QEMU NICs generically, with cloud-init addresses', () => {
    const nics = guestNics(
      {
        net1: 'virtio=BC:24:11:0C:33:9D,bridge=vmbr1,tag=20,firewall=1',
        net0: 'e1000=BC:24:11:A1:B2:C3,bridge=vmbr0',
        ipconfig0: 'ip=192.168.50.40/24,gw=192.168.50.1,ip6=2001:db8::5/64',
        ipconfig1: 'ip=dhcp',
      },
      'qemu',
    );
    expect(nics).toEqual([
      {
        key: 'net0',
        mac: 'BC:24:11:A1:B2:C3',
        bridge: 'vmbr0',
        vlan: null,
        ifname: null,
        model: 'e1000',
        staticIps: ['192.168.50.40/24', '2001:db8::5/64'],
        ipMode: null,
      },
      {
        key: 'net1',
        mac: 'BC:24:11:0C:33:9D',
        bridge: 'vmbr1',
        vlan: 20,
        ifname: null,
        model: 'virtio',
        staticIps: [],
        ipMode: 'dhcp',
      },
    ]);
    const [lxc] = guestNics(
      { net0: 'name=eth0,bridge=vmbr0,hwaddr=BC:24:11:5E:7A:01,ip=dhcp,ip6=auto,type=veth' },
      'lxc',
    );
    expect(lxc).toMatchObject({ ifname: 'eth0', staticIps: [], ipMode: 'dhcp' });
  });

  it('reads the agent flag in its short and long forms', () => {
    expect(agentEnabled({ agent: '1' })).toBe(true);
    expect(agentEnabled({ agent: 'enabled=1,fstrim_cloned_disks=1' })).toBe(true);
    expect(agentEnabled({ agent: '0' })).toBe(false);
    expect(agentEnabled({})).toBe(false);
    expect(parsePropertyString('1', 'enabled').get('enabled')).toBe('1');
  });

  it('normalizes MACs and IPs and drops values that identify nothing', () => {
    expect(normalizeMac('BC-24-11-5E-7A-01')).toBe('bc:24:11:5e:7a:01');
    expect(normalizeMac('00:00:00:00:00:00')).toBeNull();
    expect(normalizeMac('not a mac')).toBeNull();
    expect(normalizeIp(' 192.168.50.10/24')).toBe('192.168.50.10');
    expect(normalizeIp('2001:DB8:0:0::5/64')).toBe('2001:db8::5');
    expect(normalizeIp('fe80::1%3')).toBeNull();
    expect(normalizeIp('127.0.0.1')).toBeNull();
    expect(normalizeIp('dhcp')).toBeNull();
    expect(splitTags('prod;web,web  db')).toEqual(['prod', 'web', 'db']);
  });

  it('names an unknown guest from its config and files it under its pool and node', () => {
    const resource = GuestResource.parse({
      id: 'qemu/120',
      type: 'qemu',
      vmid: 120,
      node: 'pve3',
      status: 'unknown',
      pool: 'infra',
    });
    const config = GuestConfig.parse({
      name: 'Win-AD01',
      ostype: 'win11',
      smbios1: 'uuid=6F1C2E3A-1111-2222-3333-444455556666',
      net0: 'virtio=BC:24:11:A1:B2:C3,bridge=vmbr0',
      digest: 'abc',
    });
    const record = normalizeGuest(
      'lab',
      resource,
      { config, interfaces: null, interfacesNote: 'stopped', fetchedAt: new Date().toISOString() },
      new Date().toISOString(),
    );
    expect(record).toMatchObject({
      externalId: 'lab/qemu/120',
      name: 'win-ad01',
      status: 'unknown',
      os: 'Windows 11/2022/2025',
      smbiosUuid: '6f1c2e3a-1111-2222-3333-444455556666',
      macs: ['bc:24:11:a1:b2:c3'],
      group: 'infra',
      site: 'pve3',
      changeStamp: 'abc',
    });
  });

  it('names container OS types as Proxmox sets them up, and keeps one it does not know', () => {
    // AlmaLinux and Rocky containers are `centos` to Proxmox: the name must not claim CentOS.
    expect(osName('centos')).toBe('CentOS/RHEL family');
    expect(osName('debian')).toBe('Debian');
    expect(osName('openeuler')).toBe('openeuler');
    expect(osName('')).toBeNull();
  });

  it('rejects a config whose NIC is not a property string, naming the key', () => {
    const parsed = GuestConfig.safeParse({ net0: 42 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['net0']);
  });
});

describe('reusing guest details on re-sync', () => {
  const now = Date.parse('2026-11-22T16:00:00Z');
  const resource = GuestResource.parse({
    id: 'lxc/101',
    type: 'lxc',
    vmid: 101,
    node: 'pve1',
    status: 'running',
    name: 'dns01',
    uptime: 1000,
  });
  const previous = normalizeGuest(
    'lab',
    resource,
    {
      config: { hostname: 'dns01', digest: 'd1' },
      interfaces: [],
      interfacesNote: null,
      fetchedAt: new Date(now).toISOString(),
    },
    new Date(now).toISOString(),
  );
  const stored = { changeStamp: previous.changeStamp, raw: previous.raw };

  it('reuses details while the guest runs on in the same boot', () => {
    const later = { ...resource, uptime: 1000 + 600 };
    expect(reusableDetails(stored, later, now + 600_000)?.config).toEqual({
      hostname: 'dns01',
      digest: 'd1',
    });
  });

  it('fetches again after a reboot, a move, a rename or when the details are old', () => {
    expect(reusableDetails(stored, { ...resource, uptime: 5 }, now + 600_000)).toBeNull();
    expect(reusableDetails(stored, { ...resource, node: 'pve2' }, now)).toBeNull();
    expect(reusableDetails(stored, { ...resource, name: 'dns02' }, now)).toBeNull();
    const old = now + 7 * 3600_000;
    expect(reusableDetails(stored, { ...resource, uptime: 1000 + 7 * 3600 }, old)).toBeNull();
    expect(reusableDetails({ changeStamp: null, raw: { junk: true } }, resource, now)).toBeNull();
  });
});
