/**
 * Data derived lazily from the fleet so a 100 000-asset fleet stays small in memory: Foreman facts,
 * PatchMon package lists and the ground-truth export. Every function is deterministic.
 */
import { createRng, hashSeed } from './prng';
import type { Fleet, ForemanHost, Machine, PatchmonHost, TruthEntry } from './types';

/** O(1) lookup of a machine by its lab id (`m-000042`). */
export function machineById(fleet: Fleet, id: string): Machine | undefined {
  const m = fleet.machines[Number(id.slice(2)) - 1];
  return m?.id === id ? m : undefined;
}

/** Foreman facts of a host, flattened with `::` like Puppet uploads them, all values strings. */
export function foremanFacts(fleet: Fleet, host: ForemanHost): Record<string, string> {
  const m = machineById(fleet, host.machine);
  if (!m || !host.hasFacts) return {};
  const uptime = Math.floor((fleet.now - m.bootTime) / 1000);
  const facts: Record<string, string> = {
    'os::name': m.os.name.split(' ')[0] ?? m.os.name,
    'os::family': m.os.family === 'Redhat' ? 'RedHat' : m.os.family,
    'os::release::full': m.os.version,
    'os::release::major': m.os.major,
    kernelrelease: m.os.kernel,
    'networking::hostname': m.formerHostname ?? m.hostname,
    'networking::fqdn': host.name,
    'networking::domain': m.domain,
    'networking::ip': host.ip,
    'networking::mac': m.mac,
    processorcount: String(m.cores),
    'memory::system::total_bytes': String(m.memoryMiB * 1048576),
    'system_uptime::seconds': String(uptime),
    uptime_seconds: String(uptime),
    virtual: m.kind === 'qemu' ? 'kvm' : m.kind === 'lxc' ? 'lxc' : 'physical',
    is_virtual: String(m.kind === 'qemu' || m.kind === 'lxc'),
  };
  if (m.machineId) facts.machine_id = m.machineId;
  if (m.smbiosUuid) {
    facts['dmi::product::uuid'] = m.smbiosUuid.toUpperCase();
    facts['dmi::product::name'] = host.modelName ?? 'Standard PC';
  }
  m.interfaces.forEach((nic) => {
    facts[`networking::interfaces::${nic.ifname}::mac`] = nic.mac;
    if (nic.ip) facts[`networking::interfaces::${nic.ifname}::ip`] = nic.ip;
  });
  return facts;
}

export interface PatchmonPackage {
  id: string;
  name: string;
  description: string;
  category: string;
  currentVersion: string;
  availableVersion: string | null;
  needsUpdate: boolean;
  isSecurityUpdate: boolean;
}

const aptNames = ['bash', 'coreutils', 'openssl', 'libssl3', 'openssh-server', 'curl', 'systemd'];
const dnfNames = [
  'bash',
  'coreutils',
  'openssl',
  'openssl-libs',
  'openssh-server',
  'curl',
  'systemd',
];
const categories = ['admin', 'libs', 'net', 'utils', 'devel', 'python', 'web'];

/**
 * The host's package list: `totalPackages` entries, the first `updatesCount` of which need an
 * update and the first `securityUpdatesCount` of those are security updates.
 */
export function patchmonPackages(host: PatchmonHost): PatchmonPackage[] {
  const rng = createRng(host.pkgSeed);
  const base = host.osType === 'Debian' || host.osType === 'Ubuntu' ? aptNames : dnfNames;
  const out: PatchmonPackage[] = [];
  for (let i = 0; i < host.totalPackages; i++) {
    const name = base[i] ?? `lib${categories[i % categories.length] ?? 'x'}${i}`;
    const major = rng.int(1, 9);
    const minor = rng.int(0, 30);
    const needsUpdate = i < host.updatesCount;
    out.push({
      id: `${host.id.slice(0, 24)}${(i + 1).toString(16).padStart(12, '0')}`,
      name,
      description: `${name} package`,
      category: categories[i % categories.length] ?? 'libs',
      currentVersion: `${major}.${minor}.${rng.int(0, 9)}`,
      availableVersion: needsUpdate ? `${major}.${minor + 1}.0` : null,
      needsUpdate,
      isSecurityUpdate: needsUpdate && i < host.securityUpdatesCount,
    });
  }
  return out;
}

/** External ids as the lab's ground truth names them. */
export const externalIds = {
  proxmoxGuest: (cluster: string, type: 'qemu' | 'lxc', vmid: number) =>
    `${cluster}/${type}/${vmid}`,
  proxmoxNode: (cluster: string, node: string) => `${cluster}/node/${node}`,
  foreman: (id: number) => String(id),
  patchmon: (id: string) => id,
  routeros: (serial: string) => serial,
};

/** Which records in which systems describe the same machine, one entry per machine. */
export function groundTruth(fleet: Fleet): TruthEntry[] {
  const entries = fleet.machines.map((m): TruthEntry => ({ machine: m.id, records: [] }));
  const at = (machine: string) => entries[Number(machine.slice(2)) - 1]!.records;
  for (const n of fleet.proxmox.nodes) {
    at(n.machine).push({
      system: 'proxmox',
      externalId: externalIds.proxmoxNode(n.cluster, n.name),
    });
  }
  for (const g of fleet.proxmox.guests) {
    at(g.machine).push({
      system: 'proxmox',
      externalId: externalIds.proxmoxGuest(g.cluster, g.type, g.vmid),
    });
  }
  for (const h of fleet.foreman.hosts) {
    at(h.machine).push({ system: 'foreman', externalId: externalIds.foreman(h.id) });
  }
  for (const h of fleet.patchmon.hosts) {
    at(h.machine).push({ system: 'patchmon', externalId: externalIds.patchmon(h.id) });
  }
  for (const d of fleet.routeros.devices) {
    at(d.machine).push({ system: 'routeros', externalId: externalIds.routeros(d.serial) });
  }
  return entries;
}

/** Seed for a per-record stream derived from the fleet seed (stable across processes). */
export function recordSeed(fleet: Fleet, ...parts: (string | number)[]): number {
  return hashSeed(fleet.seed, ...parts);
}
