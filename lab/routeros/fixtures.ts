import type { RouterDevice, RouterInterface } from '../fleet/types';

/**
 * Two small hand-written devices in the fleet's `RouterDevice` shape, for the simulator's own
 * tests: a hAP ac² on 7.20.7 whose last update check found a new version, and a CHR on 7.16.2
 * (before `!empty`) that never checked and has no IP addresses.
 */
const port = (
  index: number,
  name: string,
  type: RouterInterface['type'],
  mac: string,
  extra: Partial<RouterInterface> = {},
): RouterInterface => ({
  id: `*${index.toString(16).toUpperCase()}`,
  name,
  defaultName: type === 'ether' || type === 'wlan' ? name : null,
  type,
  mac,
  mtu: 1500,
  running: true,
  disabled: false,
  comment: null,
  slave: false,
  ...extra,
});

export const hapFixture: RouterDevice = {
  machine: 'm-fixture-1',
  identity: 'rtr-test-01',
  ip: '192.168.88.1',
  boardName: 'hAP ac^2',
  model: 'RBD52G-5HacD2HnD',
  serial: 'D7D40C4F9A1B',
  routerboard: true,
  architecture: 'arm',
  cpu: 'ARM',
  cpuCount: 4,
  totalMemory: 268435456,
  version: '7.20.7',
  channel: 'stable',
  latestVersion: '7.21.1',
  updateStatus: 'New version is available',
  factoryFirmware: '6.42.3',
  currentFirmware: '7.20.7',
  upgradeFirmware: '7.20.7',
  firmwareType: 'ipq4000L',
  uptimeSeconds: 53087,
  interfaces: [
    port(1, 'ether1', 'ether', '48:8F:5A:12:34:56', { comment: 'WAN' }),
    port(2, 'ether2', 'ether', '48:8F:5A:12:34:57', { slave: true }),
    port(3, 'ether3', 'ether', '48:8F:5A:12:34:58', { slave: true, running: false }),
    port(4, 'wlan1', 'wlan', '48:8F:5A:12:34:5A', { slave: true, running: false, disabled: true }),
    port(5, 'bridge', 'bridge', '48:8F:5A:12:34:57', { comment: 'defconf' }),
    port(6, 'vlan20', 'vlan', '48:8F:5A:12:34:57'),
  ],
  addresses: [
    {
      id: '*1',
      address: '192.168.88.1/24',
      network: '192.168.88.0',
      interface: 'bridge',
      dynamic: false,
      disabled: false,
      comment: 'defconf',
    },
    {
      id: '*5',
      address: '203.0.113.47/24',
      network: '203.0.113.0',
      interface: 'ether1',
      dynamic: true,
      disabled: false,
      comment: null,
    },
  ],
};

export const chrFixture: RouterDevice = {
  machine: 'm-fixture-2',
  identity: 'rtr-test-chr',
  ip: '10.9.0.2',
  boardName: 'CHR',
  model: 'CHR',
  serial: 'CHR-1A2B3',
  routerboard: false,
  architecture: 'x86_64',
  cpu: 'Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz',
  cpuCount: 2,
  totalMemory: 1073741824,
  version: '7.16.2',
  channel: 'long-term',
  latestVersion: null,
  updateStatus: null,
  factoryFirmware: '7.1',
  currentFirmware: '7.16.2',
  upgradeFirmware: '7.16.2',
  firmwareType: null,
  uptimeSeconds: 1_000_000,
  interfaces: [
    port(1, 'ether1', 'ether', '52:54:00:AA:BB:01'),
    port(2, 'ether2', 'ether', '52:54:00:AA:BB:02'),
  ],
  addresses: [],
};
