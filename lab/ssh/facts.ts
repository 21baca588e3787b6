/**
 * What a lab machine's own commands print, derived from the fleet so that the shell agrees with
 * Proxmox, Foreman and PatchMon: host name, kernel, addresses, MACs, memory, disk, packages.
 * LXC containers report their node's kernel, as containers share it.
 */
import {
  patchmonPackages,
  type Fleet,
  type Machine,
  type PatchmonHost,
  type PveGuest,
} from '../fleet';

export interface HostFacts {
  machine: Machine;
  guest: PveGuest | null;
  /** Kernel release `uname -r` prints. */
  kernel: string;
  patchmon: PatchmonHost | null;
  /** Epoch ms the lab started; uptimes count on from the fleet's reference time. */
  labStart: number;
  fleetNow: number;
}

export function hostFacts(fleet: Fleet, machine: Machine, labStart: number): HostFacts {
  const guest = fleet.proxmox.guests.find((g) => g.machine === machine.id) ?? null;
  const node = guest ? fleet.proxmox.nodes.find((n) => n.name === guest.node) : undefined;
  const kernel = guest?.type === 'lxc' && node ? node.kernel : machine.os.kernel;
  const patchmon = fleet.patchmon.hosts.find((h) => h.machine === machine.id) ?? null;
  return { machine, guest, kernel, patchmon, labStart, fleetNow: fleet.now };
}

export function uptimeSeconds(f: HostFacts, now = Date.now()): number {
  return Math.floor((f.fleetNow - f.machine.bootTime + (now - f.labStart)) / 1000);
}

export function osRelease(m: Machine): string {
  const { name, version, major } = m.os;
  if (name === 'Ubuntu') {
    const codename = major === '24' ? 'noble' : 'jammy';
    const point = major === '24' ? '24.04.1 LTS' : '22.04.5 LTS';
    return [
      `PRETTY_NAME="Ubuntu ${point}"`,
      'NAME="Ubuntu"',
      `VERSION_ID="${version}"`,
      `VERSION="${point} (${codename === 'noble' ? 'Noble Numbat' : 'Jammy Jellyfish'})"`,
      `VERSION_CODENAME=${codename}`,
      'ID=ubuntu',
      'ID_LIKE=debian',
      'HOME_URL="https://www.ubuntu.com/"',
      'SUPPORT_URL="https://help.ubuntu.com/"',
      'BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"',
      `UBUNTU_CODENAME=${codename}`,
      '',
    ].join('\n');
  }
  if (name === 'Debian') {
    return [
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      'NAME="Debian GNU/Linux"',
      'VERSION_ID="12"',
      'VERSION="12 (bookworm)"',
      'VERSION_CODENAME=bookworm',
      'ID=debian',
      'HOME_URL="https://www.debian.org/"',
      'SUPPORT_URL="https://www.debian.org/support"',
      'BUG_REPORT_URL="https://bugs.debian.org/"',
      '',
    ].join('\n');
  }
  const id = name === 'AlmaLinux' ? 'almalinux' : 'rocky';
  const pretty =
    name === 'AlmaLinux'
      ? `AlmaLinux ${version} (Seafoam Ocelot)`
      : `Rocky Linux ${version} (Blue Onyx)`;
  return [
    `NAME="${name}"`,
    `VERSION="${version} (${name === 'AlmaLinux' ? 'Seafoam Ocelot' : 'Blue Onyx'})"`,
    `ID="${id}"`,
    'ID_LIKE="rhel centos fedora"',
    `VERSION_ID="${version}"`,
    `PLATFORM_ID="platform:el${major}"`,
    `PRETTY_NAME="${pretty}"`,
    'ANSI_COLOR="0;34"',
    'LOGO="fedora-logo-icon"',
    `CPE_NAME="cpe:/o:${id}:${id === 'rocky' ? 'rocky' : 'almalinux'}:${major}::baseos"`,
    '',
  ].join('\n');
}

/** `uname -v`: the build string each distribution's kernel reports. */
export function kernelVersion(f: HostFacts): string {
  const k = f.kernel;
  if (k.endsWith('-pve'))
    return `#1 SMP PREEMPT_DYNAMIC PMX ${k.replace(/-pve$/, '')} (2024-11-06T15:04Z)`;
  if (k.endsWith('-generic')) {
    const build = k.split('-')[1] ?? '1';
    return `#${Number(build) + 10}-Ubuntu SMP ${k.startsWith('6.8') ? 'PREEMPT_DYNAMIC ' : ''}Wed Nov  6 10:38:22 UTC 2024`;
  }
  if (k.endsWith('-amd64')) return '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)';
  return '#1 SMP PREEMPT_DYNAMIC Wed Oct 30 10:02:43 UTC 2024';
}

export function uname(f: HostFacts, flags: string): string {
  const parts = {
    s: 'Linux',
    n: f.machine.hostname,
    r: f.kernel,
    v: kernelVersion(f),
    m: 'x86_64',
    p: 'x86_64',
    i: 'x86_64',
    o: 'GNU/Linux',
  };
  const all = flags.includes('a');
  const rhel = f.machine.os.family === 'Redhat' || f.kernel.endsWith('-generic');
  const order = all
    ? rhel
      ? ['s', 'n', 'r', 'v', 'm', 'p', 'i', 'o']
      : ['s', 'n', 'r', 'v', 'm', 'o']
    : (flags === '' ? 's' : flags).split('').filter((c) => c in parts);
  return `${order.map((c) => parts[c as keyof typeof parts]).join(' ')}\n`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function uptimeLine(f: HostFacts, now = Date.now()): string {
  const up = uptimeSeconds(f, now);
  const days = Math.floor(up / 86400);
  const hours = Math.floor((up % 86400) / 3600);
  const minutes = Math.floor((up % 3600) / 60);
  const clock = new Date(now);
  const time = `${pad2(clock.getUTCHours())}:${pad2(clock.getUTCMinutes())}:${pad2(clock.getUTCSeconds())}`;
  const span =
    (days > 0 ? `${days} day${days === 1 ? '' : 's'}, ` : '') +
    (hours > 0 ? `${String(hours).padStart(2)}:${pad2(minutes)}` : `${minutes} min`);
  const seed = f.machine.cores + (up % 17);
  const load = [seed % 5, seed % 3, seed % 2].map((v, i) => ((v * 7 + i) / 100).toFixed(2));
  return ` ${time} up ${span},  1 user,  load average: ${load.join(', ')}\n`;
}

export function linkLocal(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const w = (x: number, y: number): string => ((x << 8) | y).toString(16);
  return `fe80::${w((b[0] ?? 0) ^ 2, b[1] ?? 0)}:${w(b[2] ?? 0, 0xff)}:${w(0xfe, b[3] ?? 0)}:${w(b[4] ?? 0, b[5] ?? 0)}`;
}

function ifaceName(f: HostFacts, index: number, name: string): string {
  // Inside a container, veth peers show as eth0@if<peer index>.
  return f.guest?.type === 'lxc' ? `${name}@if${20 + index * 2 + (f.guest.vmid % 7)}` : name;
}

export function ipBrief(f: HostFacts): string {
  const lines = [`${'lo'.padEnd(17)}${'UNKNOWN'.padEnd(15)}127.0.0.1/8 ::1/128 `];
  f.machine.interfaces.forEach((nic, i) => {
    const addrs = [nic.ip ? `${nic.ip}/${nic.prefix}` : null, `${linkLocal(nic.mac)}/64`]
      .filter((a) => a !== null)
      .join(' ');
    lines.push(`${ifaceName(f, i, nic.ifname).padEnd(17)}${'UP'.padEnd(15)}${addrs} `);
  });
  return `${lines.join('\n')}\n`;
}

function broadcast(ip: string, prefix: number): string {
  const n = ip.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  const b = (n | (2 ** (32 - prefix) - 1)) >>> 0;
  return [24, 16, 8, 0].map((s) => (b >>> s) & 255).join('.');
}

export function ipAddr(f: HostFacts): string {
  const out = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
    '    inet6 ::1/128 scope host noprefixroute ',
    '       valid_lft forever preferred_lft forever',
  ];
  f.machine.interfaces.forEach((nic, i) => {
    const name = ifaceName(f, i, nic.ifname);
    out.push(
      `${i + 2}: ${name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc ${f.guest?.type === 'lxc' ? 'noqueue' : 'fq_codel'} state UP group default qlen 1000`,
      `    link/ether ${nic.mac} brd ff:ff:ff:ff:ff:ff${f.guest?.type === 'lxc' ? ` link-netnsid 0` : ''}`,
    );
    if (nic.ip) {
      out.push(
        `    inet ${nic.ip}/${nic.prefix} brd ${broadcast(nic.ip, nic.prefix)} scope global ${nic.dhcp ? 'dynamic ' : ''}${nic.ifname}`,
        `       valid_lft ${nic.dhcp ? '85318sec' : 'forever'} preferred_lft ${nic.dhcp ? '85318sec' : 'forever'}`,
      );
    }
    out.push(
      `    inet6 ${linkLocal(nic.mac)}/64 scope link `,
      '       valid_lft forever preferred_lft forever',
    );
  });
  return `${out.join('\n')}\n`;
}

/** `-h` sizes as coreutils prints them: one decimal below 10, none above, binary units. */
export function human(bytes: number, suffix = ''): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  if (u === 0) return `${v}${suffix === 'i' ? 'B' : ''}`;
  const shown = v < 10 ? (Math.ceil(v * 10) / 10).toFixed(1) : String(Math.ceil(v));
  return `${shown}${units[u]}${suffix}`;
}

export function dfH(f: HostFacts): string {
  const disk = f.machine.diskGiB * 1024 ** 3;
  const used = Math.floor(disk * (0.18 + (f.machine.cores % 5) / 10));
  const mem = f.machine.memoryMiB * 1024 ** 2;
  const root =
    f.guest?.type === 'lxc'
      ? `/dev/mapper/pve-vm--${f.guest.vmid}--disk--0`
      : f.machine.kind === 'pve-node'
        ? '/dev/mapper/pve-root'
        : f.machine.os.family === 'Redhat'
          ? '/dev/mapper/rl-root'
          : '/dev/sda1';
  const rows: [string, number, number, string][] = [[root, disk, used, '/']];
  if (f.guest?.type === 'lxc') rows.push(['none', 492 * 1024, 4096, '/dev']);
  else rows.push(['tmpfs', Math.floor(mem / 10), 1179648, '/run']);
  rows.push(['tmpfs', Math.floor(mem / 2), 0, '/dev/shm']);
  // df widens the first column to the longest device name.
  const width = Math.max(15, ...rows.map(([fs]) => fs.length)) + 1;
  const line = ([fs, size, u, mount]: [string, number, number, string]): string =>
    `${fs.padEnd(width)}${human(size).padStart(4)} ${human(u).padStart(5)} ${human(size - u).padStart(5)} ${`${Math.ceil((u / size) * 100)}%`.padStart(4)} ${mount}`;
  return `${['Filesystem'.padEnd(width) + 'Size  Used Avail Use% Mounted on', ...rows.map(line)].join('\n')}\n`;
}

export function freeH(f: HostFacts): string {
  const total = f.machine.memoryMiB * 1024 ** 2;
  const used = Math.floor(total * (0.2 + (f.machine.cores % 4) / 10));
  const shared = Math.floor(total * 0.01);
  const cache = Math.floor(total * 0.25);
  const free = total - used - cache;
  const swap = f.guest?.type === 'lxc' ? 512 * 1024 ** 2 : Math.min(total, 8 * 1024 ** 3);
  const col = (v: number): string => human(v, 'i').padStart(11);
  return [
    '               total        used        free      shared  buff/cache   available',
    `Mem:  ${col(total)} ${col(used)} ${col(free)} ${col(shared)} ${col(cache)} ${col(total - used)}`,
    `Swap: ${col(swap)} ${col(0)} ${col(swap)}`,
    '',
  ].join('\n');
}

/** `apt list --upgradable` from the PatchMon package list of the same machine. */
export function aptUpgradable(f: HostFacts): string {
  const codename =
    f.machine.os.major === '24' ? 'noble' : f.machine.os.name === 'Ubuntu' ? 'jammy' : 'bookworm';
  const lines = ['Listing... Done'];
  if (f.patchmon) {
    for (const p of patchmonPackages(f.patchmon)) {
      if (!p.needsUpdate) break;
      const suite = p.isSecurityUpdate ? `${codename}-security` : `${codename}-updates`;
      lines.push(
        `${p.name}/${suite} ${p.availableVersion ?? ''} amd64 [upgradable from: ${p.currentVersion}]`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
