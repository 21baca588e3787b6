import { createHash } from 'node:crypto';

import { DEFAULT_FLEET_NOW } from '../fleet/index';
import type { RouterAddress, RouterDevice, RouterInterface } from '../fleet/types';
import { bytes, record, text, type RosRecord } from './model';
import { formatDate, type VersionProfile } from './profile';

/** Stable pseudo-random counters per interface, so repeated prints and runs agree. */
function counter(seed: string, max: number): number {
  const digest = createHash('sha256').update(seed).digest();
  return digest.readUInt32BE(0) % max;
}

const l2mtu: Record<RouterInterface['type'], [string | undefined, string | undefined]> = {
  ether: ['1598', '2028'],
  'sfp-sfpplus': ['1598', '10218'],
  wlan: ['1600', '2290'],
  bridge: ['1598', undefined],
  vlan: ['1594', undefined],
  loopback: [undefined, undefined],
  veth: [undefined, undefined],
};

/** `/interface` item in console order (§3.4); optional properties only where they apply. */
export function interfaceRecord(
  device: RouterDevice,
  item: RouterInterface,
  profile: VersionProfile,
): RosRecord {
  const bool = (value: boolean): string => profile.booleans[value ? 0 : 1];
  const seed = `${device.serial}/${item.name}`;
  const active = item.running && !item.disabled;
  const rxBytes = active ? counter(`${seed}/rx`, 2 ** 31) * 9 : 0;
  const txBytes = active ? counter(`${seed}/tx`, 2 ** 31) * 3 : 0;
  const rxPackets = Math.floor(rxBytes / 1100);
  const txPackets = Math.floor(txBytes / 700);
  const bootedAt = DEFAULT_FLEET_NOW - device.uptimeSeconds * 1000;
  const [l2, maxL2] = l2mtu[item.type];
  const mtu = item.type === 'loopback' ? '65536' : String(item.mtu);
  const fastPath = item.type === 'ether' || item.type === 'bridge';
  return record([
    ['.id', item.id],
    ['name', item.name],
    ['default-name', item.defaultName ?? undefined],
    ['type', item.type],
    ['mtu', item.type === 'bridge' ? 'auto' : mtu],
    ['actual-mtu', mtu],
    ['l2mtu', l2],
    ['max-l2mtu', maxL2],
    ['mac-address', item.type === 'loopback' ? '00:00:00:00:00:00' : item.mac.toUpperCase()],
    [
      'last-link-up-time',
      active ? formatDate(profile, bootedAt + 2000 + counter(`${seed}/up`, 5000)) : undefined,
    ],
    ['link-downs', String(active ? counter(`${seed}/downs`, 3) : 0)],
    ['rx-byte', String(rxBytes)],
    ['tx-byte', String(txBytes)],
    ['rx-packet', String(rxPackets)],
    ['tx-packet', String(txPackets)],
    ['rx-drop', '0'],
    ['tx-drop', '0'],
    ['tx-queue-drop', '0'],
    ['rx-error', '0'],
    ['tx-error', '0'],
    ['fp-rx-byte', fastPath ? String(rxBytes) : undefined],
    ['fp-tx-byte', fastPath ? '0' : undefined],
    ['fp-rx-packet', fastPath ? String(rxPackets) : undefined],
    ['fp-tx-packet', fastPath ? '0' : undefined],
    ['slave', item.slave ? bool(true) : undefined],
    ['running', bool(item.running)],
    ['disabled', bool(item.disabled)],
    ['comment', item.comment ?? undefined],
  ]);
}

/**
 * What RouterOS's container feature adds to a router: `veth1`, the router's end of the
 * container's link, with a random locally administered MAC, and the container network's gateway
 * address on the veth itself. MikroTik's examples use 172.17.0.0/24 with the gateway at .1, so the
 * same address is on many routers, as Docker's 172.17.0.1 is on every Docker host. (The examples
 * put it on a `containers` bridge with the veth as its port; the lab has no bridge ports.)
 */
export function containerNetwork(device: RouterDevice): {
  veth: RouterInterface;
  address: RouterAddress;
} {
  const digest = createHash('sha256').update(`${device.serial}/veth1`).digest();
  const octets = [...digest.subarray(0, 6)];
  octets[0] = ((octets[0] ?? 0) & 0xfc) | 0x02;
  const nextId = (items: readonly { id: string }[]): string =>
    `*${(1 + Math.max(0, ...items.map((item) => parseInt(item.id.slice(1), 16)))).toString(16).toUpperCase()}`;
  return {
    veth: {
      id: nextId(device.interfaces),
      name: 'veth1',
      defaultName: null,
      type: 'veth',
      mac: octets.map((octet) => octet.toString(16).padStart(2, '0').toUpperCase()).join(':'),
      mtu: 1500,
      running: true,
      disabled: false,
      comment: null,
      slave: false,
    },
    address: {
      id: nextId(device.addresses),
      address: '172.17.0.1/24',
      network: '172.17.0.0',
      interface: 'veth1',
      dynamic: false,
      disabled: false,
      comment: null,
    },
  };
}

/** `/ip/address` item (§3.5). */
export function addressRecord(item: RouterAddress, profile: VersionProfile): RosRecord {
  const bool = (value: boolean): string => profile.booleans[value ? 0 : 1];
  return record([
    ['.id', item.id],
    ['address', item.address],
    ['network', item.network],
    ['interface', item.interface],
    ['actual-interface', item.interface],
    ['invalid', bool(false)],
    ['dynamic', bool(item.dynamic)],
    ['disabled', bool(item.disabled)],
    ['comment', item.comment ?? undefined],
  ]);
}

/** Fills what RouterOS computes for an address written by `add`/`set`, in console order. */
export function deriveAddress(
  item: RosRecord,
  profile: VersionProfile,
  interfaces: RosRecord[],
): void {
  const [yes, no] = profile.booleans;
  const address = text(item.get('address')) ?? '';
  const iface = text(item.get('interface')) ?? '';
  const known = interfaces.some((entry) => text(entry.get('name')) === iface);
  const ordered = record([
    ['.id', item.get('.id')],
    ['address', item.get('address')],
    ['network', item.get('network') ?? networkOf(address)],
    ['interface', item.get('interface')],
    ['actual-interface', known ? iface : ''],
    ['invalid', known ? no : yes],
    ['dynamic', no],
    ['disabled', item.get('disabled') ?? no],
    ['comment', item.get('comment')],
  ]);
  item.clear();
  for (const [name, value] of ordered) item.set(name, value);
}

function networkOf(address: string): string {
  const [ip = '', prefixText = '32'] = address.split('/');
  const parts = ip.split('.').map(Number);
  if (
    parts.length !== 4 ||
    parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)
  ) {
    return ip;
  }
  const prefix = Math.min(32, Math.max(0, Number(prefixText)));
  const value = parts.reduce((sum, part) => sum * 256 + part, 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (value & mask) >>> 0;
  return [24, 16, 8, 0].map((shift) => (network >>> shift) & 0xff).join('.');
}

/**
 * Raw comment bytes in the charsets real devices hold (§1.10): cp1252 from a Western WinBox,
 * cp1250 from a Polish one, UTF-8 from other tools, and bytes valid in none of them. Applied to
 * the first interfaces that have no comment of their own.
 */
export const encodingSampleComments: readonly Uint8Array[] = [
  Uint8Array.of(0x43, 0x61, 0x66, 0xe9, 0x20, 0x80), // "Café €" in cp1252
  Uint8Array.of(0xa3, 0xf3, 0x64, 0x9f), // "Łódź" in cp1250
  bytes('Zürich ✓'),
  Uint8Array.of(0x62, 0x61, 0x64, 0xc3, 0x28, 0x81), // invalid UTF-8; 0x81 unassigned in cp125x
];

export function encodingSamples(interfaces: RosRecord[]): void {
  const targets = interfaces.filter((item) => !item.has('comment'));
  encodingSampleComments.forEach((comment, index) => {
    targets[index]?.set('comment', comment);
  });
}
