/**
 * Guest payloads: list entries, status/current, config (with `netN` property strings in
 * canonical order), LXC interfaces (`ip --json a` style) and QEMU guest-agent interfaces.
 * Optional keys are omitted, never null; booleans are 0/1.
 */
import { createHash } from 'node:crypto';
import type { SimNic } from './model';
import { type LiveGuest, type SimState, fraction, mix } from './state';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface GuestStats {
  cpu: number;
  mem: number;
  maxmem: number;
  disk: number;
  maxdisk: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
  uptime: number;
}

export function guestStats(state: SimState, g: LiveGuest): GuestStats {
  const seed = state.cluster.seed;
  const maxmem = g.memoryMiB * MiB;
  const maxdisk = g.diskGiB * GiB;
  const uptime = state.uptimeS(g);
  if (g.status !== 'running') {
    return {
      cpu: 0,
      mem: 0,
      maxmem,
      disk: 0,
      maxdisk,
      netin: 0,
      netout: 0,
      diskread: 0,
      diskwrite: 0,
      uptime: 0,
    };
  }
  const rate = (salt: number, max: number): number =>
    Math.floor(fraction(seed, g.vmid, salt) * max * uptime);
  return {
    cpu: Math.round(fraction(seed, g.vmid, 1) * 0.35 * 10000) / 10000,
    mem: Math.floor(maxmem * (0.15 + 0.6 * fraction(seed, g.vmid, 2))),
    maxmem,
    disk: g.type === 'lxc' ? Math.floor(maxdisk * (0.05 + 0.6 * fraction(seed, g.vmid, 3))) : 0,
    maxdisk,
    netin: rate(4, 20000),
    netout: rate(5, 8000),
    diskread: rate(6, 50000),
    diskwrite: rate(7, 30000),
    uptime,
  };
}

function pid(state: SimState, g: LiveGuest): number {
  return 1000 + (mix(state.cluster.seed, g.vmid, Math.floor(g.bootMs / 1000)) % 3_000_000);
}

/** An entry of `/cluster/resources` for a guest. */
export function resourceGuest(
  state: SimState,
  g: LiveGuest,
  showPool: boolean,
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: `${g.type}/${g.vmid}`,
    type: g.type,
    vmid: g.vmid,
    node: g.node,
  };
  const extras: Record<string, unknown> = {};
  if (g.tags.length > 0) extras.tags = g.tags.join(';');
  if (g.lock !== undefined) extras.lock = g.lock;
  if (g.hastate !== undefined) extras.hastate = g.hastate;
  if (g.pool !== undefined && showPool) extras.pool = g.pool;
  if (state.guestUnknown(g)) return { ...base, status: 'unknown', ...extras };
  const s = guestStats(state, g);
  const entry: Record<string, unknown> = {
    ...base,
    name: g.name,
    status: g.status,
    template: g.template === true ? 1 : 0,
    uptime: s.uptime,
    maxcpu: g.cores,
    cpu: s.cpu,
    maxmem: s.maxmem,
    mem: s.mem,
  };
  if (g.type === 'qemu' && state.flavor.major === 9) entry.memhost = Math.floor(s.mem * 1.03);
  Object.assign(entry, {
    maxdisk: s.maxdisk,
    disk: s.disk,
    netin: s.netin,
    netout: s.netout,
    diskread: s.diskread,
    diskwrite: s.diskwrite,
  });
  return { ...entry, ...extras };
}

/** An entry of `GET /nodes/{node}/lxc`. */
export function lxcListEntry(state: SimState, g: LiveGuest): Record<string, unknown> {
  const s = guestStats(state, g);
  const running = g.status === 'running';
  const entry: Record<string, unknown> = {
    vmid: state.flavor.legacy ? String(g.vmid) : g.vmid,
    type: 'lxc',
    name: g.name === '' ? `CT${g.vmid}` : g.name,
    status: g.status,
  };
  if (running) entry.pid = pid(state, g);
  Object.assign(entry, {
    uptime: s.uptime,
    cpus: g.cores,
    cpu: s.cpu,
    mem: s.mem,
    maxmem: s.maxmem,
    swap: 0,
    maxswap: 512 * MiB,
    disk: s.disk,
    maxdisk: s.maxdisk,
    netin: s.netin,
    netout: s.netout,
    diskread: s.diskread,
    diskwrite: s.diskwrite,
  });
  if (g.tags.length > 0) entry.tags = g.tags.join(';');
  if (g.template === true) entry.template = 1;
  if (g.lock !== undefined) entry.lock = g.lock;
  if (running) {
    const p = (salt: number): number =>
      Math.round(fraction(state.cluster.seed, g.vmid, salt) * 2) / 100;
    Object.assign(entry, {
      pressurecpusome: p(11),
      pressurecpufull: 0,
      pressureiosome: p(12),
      pressureiofull: p(13),
      pressurememorysome: 0,
      pressurememoryfull: 0,
    });
  }
  return entry;
}

/** An entry of `GET /nodes/{node}/qemu`. */
export function qemuListEntry(state: SimState, g: LiveGuest): Record<string, unknown> {
  const s = guestStats(state, g);
  const running = g.status === 'running';
  const entry: Record<string, unknown> = {
    vmid: g.vmid,
    name: g.name === '' ? `VM ${g.vmid}` : g.name,
    status: g.status,
  };
  if (running) entry.pid = pid(state, g);
  Object.assign(entry, {
    uptime: s.uptime,
    cpus: g.cores,
    cpu: s.cpu,
    mem: s.mem,
    maxmem: s.maxmem,
  });
  if (state.flavor.major === 9 && running) entry.memhost = Math.floor(s.mem * 1.03);
  Object.assign(entry, {
    maxdisk: s.maxdisk,
    disk: s.disk,
    netin: s.netin,
    netout: s.netout,
    diskread: s.diskread,
    diskwrite: s.diskwrite,
  });
  if (g.tags.length > 0) entry.tags = g.tags.join(';');
  if (g.template === true) entry.template = 1;
  if (g.lock !== undefined) entry.lock = g.lock;
  return entry;
}

function haInfo(g: LiveGuest): Record<string, unknown> {
  return g.hastate === undefined ? { managed: 0 } : { managed: 1, state: g.hastate };
}

export function lxcStatus(state: SimState, g: LiveGuest): Record<string, unknown> {
  return { ...lxcListEntry(state, g), ha: haInfo(g) };
}

export function qemuStatus(state: SimState, g: LiveGuest): Record<string, unknown> {
  const entry: Record<string, unknown> = { ...qemuListEntry(state, g), ha: haInfo(g) };
  entry.qmpstatus = g.status;
  if (g.agent !== undefined && g.agent !== 'none') entry.agent = 1;
  if (g.status === 'running') {
    entry['running-machine'] = 'pc-i440fx-9.0+pve0';
    entry['running-qemu'] = '9.0.2';
  }
  return entry;
}

/** A property string: the required key first, the rest in alphabetical order. */
export function propertyString(
  first: [string, string],
  rest: Record<string, string | number | undefined>,
): string {
  const parts = [`${first[0]}=${first[1]}`];
  for (const key of Object.keys(rest).sort()) {
    const v = rest[key];
    if (v !== undefined) parts.push(`${key}=${v}`);
  }
  return parts.join(',');
}

export function lxcNetString(nic: SimNic): string {
  return propertyString(['name', nic.guestName ?? `eth${nic.index}`], {
    bridge: nic.bridge,
    firewall: nic.firewall === true ? 1 : undefined,
    gw: nic.ipConfig === 'dhcp' ? undefined : nic.gateway,
    hwaddr: nic.mac.toUpperCase(),
    ip: nic.ipConfig,
    tag: nic.vlan,
    type: 'veth',
  });
}

export function qemuNetString(nic: SimNic): string {
  return propertyString(['virtio', nic.mac.toUpperCase()], {
    bridge: nic.bridge,
    firewall: nic.firewall === true ? 1 : undefined,
    tag: nic.vlan,
  });
}

function digest(config: Record<string, unknown>): string {
  return createHash('sha1').update(JSON.stringify(config)).digest('hex');
}

export function lxcConfig(g: LiveGuest): Record<string, unknown> {
  const c: Record<string, unknown> = {
    arch: 'amd64',
    cores: g.cores,
    memory: g.memoryMiB,
    swap: 512,
    hostname: g.name,
    ostype: g.ostype,
    rootfs: `local-lvm:vm-${g.vmid}-disk-0,size=${g.diskGiB}G`,
  };
  if (g.unprivileged !== false) c.unprivileged = 1;
  if (g.onboot === true) c.onboot = 1;
  if (g.unprivileged !== false) c.features = 'nesting=1';
  for (const nic of g.nics) c[`net${nic.index}`] = lxcNetString(nic);
  if (g.nameserver !== undefined) c.nameserver = g.nameserver;
  if (g.searchdomain !== undefined) c.searchdomain = g.searchdomain;
  if (g.tags.length > 0) c.tags = g.tags.join(';');
  if (g.description !== undefined && g.description !== '') c.description = g.description;
  if (g.template === true) c.template = 1;
  if (g.lock !== undefined) c.lock = g.lock;
  c.digest = digest(c);
  return c;
}

export function qemuConfig(state: SimState, g: LiveGuest): Record<string, unknown> {
  const c: Record<string, unknown> = {
    boot: 'order=scsi0;ide2;net0',
    cores: g.cores,
    cpu: 'x86-64-v2-AES',
    ide2: 'none,media=cdrom',
    // A property string since qemu-server 8.1 (`[current=]<MiB>`), hence a JSON string.
    memory: String(g.memoryMiB),
    meta: `creation-qemu=8.1.5,ctime=${1700000000 + (mix(state.cluster.seed, g.vmid) % 50_000_000)}`,
    name: g.name,
    numa: 0,
    ostype: g.ostype,
    scsi0: `local-lvm:vm-${g.vmid}-disk-0,iothread=1,size=${g.diskGiB}G`,
    scsihw: 'virtio-scsi-single',
    sockets: 1,
  };
  if (g.agent !== undefined && g.agent !== 'none') c.agent = '1';
  for (const nic of g.nics) c[`net${nic.index}`] = qemuNetString(nic);
  if (g.smbiosUuid !== undefined) c.smbios1 = `uuid=${g.smbiosUuid}`;
  if (g.onboot === true) c.onboot = 1;
  if (g.tags.length > 0) c.tags = g.tags.join(';');
  if (g.description !== undefined && g.description !== '') c.description = g.description;
  if (g.template === true) c.template = 1;
  if (g.lock !== undefined) c.lock = g.lock;
  c.vmgenid = uuidFrom(mix(state.cluster.seed, g.vmid, 99), g.vmid);
  c.digest = digest(c);
  return c;
}

function uuidFrom(a: number, b: number): string {
  const h = createHash('sha1').update(`${a}:${b}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
