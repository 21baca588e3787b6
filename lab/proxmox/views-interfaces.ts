/**
 * Guest network views: the LXC `interfaces` endpoint (`ip --json a` inside the container:
 * lower-case MACs, `inet`/`inet6` labels) and the QEMU guest agent's
 * `guest-network-get-interfaces` (`ipv4`/`ipv6` labels, Windows-style names on Windows).
 */
import { type LiveGuest, type SimState, fraction } from './state';

/** EUI-64 link-local address of a MAC. */
export function linkLocal(mac: string): string {
  const b = mac
    .toLowerCase()
    .split(':')
    .map((x) => parseInt(x, 16));
  const bytes = [
    (b[0] ?? 0) ^ 2,
    b[1] ?? 0,
    b[2] ?? 0,
    0xff,
    0xfe,
    b[3] ?? 0,
    b[4] ?? 0,
    b[5] ?? 0,
  ];
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return `fe80::${groups.join(':')}`;
}

/** `GET …/lxc/{vmid}/interfaces`: null for a stopped container. */
export function lxcInterfaces(state: SimState, g: LiveGuest): unknown[] | null {
  if (g.status !== 'running') return null;
  const legacy = state.flavor.legacy;
  const entry = (
    name: string,
    mac: string,
    v4: [string, number] | undefined,
    v6: [string, number],
  ): Record<string, unknown> => {
    const e: Record<string, unknown> = { name, hwaddr: mac };
    if (!legacy) e['hardware-address'] = mac;
    if (v4) e.inet = `${v4[0]}/${v4[1]}`;
    e.inet6 = `${v6[0]}/${v6[1]}`;
    if (!legacy) {
      const addrs: Record<string, unknown>[] = [];
      if (v4) addrs.push({ 'ip-address': v4[0], 'ip-address-type': 'inet', prefix: v4[1] });
      addrs.push({ 'ip-address': v6[0], 'ip-address-type': 'inet6', prefix: v6[1] });
      e['ip-addresses'] = addrs;
    }
    return e;
  };
  const out = [entry('lo', '00:00:00:00:00:00', ['127.0.0.1', 8], ['::1', 128])];
  for (const nic of g.nics) {
    const mac = nic.mac.toLowerCase();
    const v4: [string, number] | undefined =
      nic.address === undefined ? undefined : [nic.address, nic.prefix ?? 24];
    out.push(entry(nic.guestName ?? `eth${nic.index}`, mac, v4, [linkLocal(mac), 64]));
  }
  return out;
}

/** The QGA `guest-network-get-interfaces` reply (wrapped in `result` by the caller). */
export function agentInterfaces(state: SimState, g: LiveGuest): unknown[] {
  const windows = g.ostype.startsWith('win') || g.ostype === 'wxp' || g.ostype === 'w2k8';
  const stats = (salt: number): Record<string, number> => {
    const up = state.uptimeS(g);
    const f = (k: number): number => fraction(state.cluster.seed, g.vmid, salt, k);
    const rx = Math.floor(f(1) * 4000 * up);
    const tx = Math.floor(f(2) * 1500 * up);
    return {
      'rx-bytes': rx,
      'rx-packets': Math.floor(rx / 900),
      'rx-errs': 0,
      'rx-dropped': Math.floor(f(3) * 20),
      'tx-bytes': tx,
      'tx-packets': Math.floor(tx / 700),
      'tx-errs': 0,
      'tx-dropped': 0,
    };
  };
  const out: Record<string, unknown>[] = [];
  if (windows) {
    out.push({
      name: 'Loopback Pseudo-Interface 1',
      'ip-addresses': [
        { 'ip-address-type': 'ipv6', 'ip-address': '::1', prefix: 128 },
        { 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 },
      ],
      statistics: stats(20),
    });
  } else {
    out.push({
      name: 'lo',
      'hardware-address': '00:00:00:00:00:00',
      'ip-addresses': [
        { 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 },
        { 'ip-address-type': 'ipv6', 'ip-address': '::1', prefix: 128 },
      ],
      statistics: stats(20),
    });
  }
  for (const nic of g.nics) {
    const mac = nic.mac.toLowerCase();
    const v6 = linkLocal(mac) + (windows ? `%${nic.index + 4}` : '');
    const addrs: Record<string, unknown>[] = [];
    if (windows) addrs.push({ 'ip-address-type': 'ipv6', 'ip-address': v6, prefix: 64 });
    if (nic.address !== undefined) {
      addrs.push({
        'ip-address-type': 'ipv4',
        'ip-address': nic.address,
        prefix: nic.prefix ?? 24,
      });
    }
    if (!windows) addrs.push({ 'ip-address-type': 'ipv6', 'ip-address': v6, prefix: 64 });
    const fallback = windows
      ? nic.index === 0
        ? 'Ethernet'
        : `Ethernet ${nic.index + 1}`
      : `ens${18 + nic.index}`;
    out.push({
      name: nic.guestName ?? fallback,
      'hardware-address': mac,
      'ip-addresses': addrs,
      statistics: stats(21 + nic.index),
    });
  }
  if (g.docker === true && !windows) out.push(...dockerInterfaces(state, g));
  return out;
}

/**
 * A locally administered MAC, random per host (derived from the seed here): Docker's bridge has
 * `02:42:…`, the host end of a veth pair any such address.
 */
function randomMac(state: SimState, g: LiveGuest, salt: number, docker: boolean): string {
  const byte = (k: number): number =>
    Math.floor(fraction(state.cluster.seed, g.vmid, salt, k) * 256);
  const bytes = docker
    ? [0x02, 0x42, byte(1), byte(2), byte(3), byte(4)]
    : [(byte(0) & 0xfc) | 0x02, byte(1), byte(2), byte(3), byte(4), byte(5)];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Docker's bridge (the same 172.17.0.1/16 on every Docker host) and one veth per container. */
function dockerInterfaces(state: SimState, g: LiveGuest): Record<string, unknown>[] {
  const bridge = randomMac(state, g, 30, true);
  const out: Record<string, unknown>[] = [
    {
      name: 'docker0',
      'hardware-address': bridge,
      'ip-addresses': [
        { 'ip-address-type': 'ipv4', 'ip-address': '172.17.0.1', prefix: 16 },
        { 'ip-address-type': 'ipv6', 'ip-address': linkLocal(bridge), prefix: 64 },
      ],
    },
  ];
  const containers = 1 + Math.floor(fraction(state.cluster.seed, g.vmid, 31) * 3);
  for (let index = 0; index < containers; index++) {
    const mac = randomMac(state, g, 32 + index, false);
    out.push({
      name: `veth${mac.replace(/:/g, '').slice(4, 11)}`,
      'hardware-address': mac,
      'ip-addresses': [{ 'ip-address-type': 'ipv6', 'ip-address': linkLocal(mac), prefix: 64 }],
    });
  }
  return out;
}
