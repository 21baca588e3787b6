/**
 * Machine generation: Proxmox clusters, nodes and guests, bare-metal servers, routers and
 * decommissioned ghosts, plus the deliberate messes (duplicate short names across domains,
 * renamed guests, DHCP leases that moved).
 */
import {
  cpuModels,
  debian12,
  domainNames,
  locationNames,
  organizationNames,
  osCatalog,
  pools,
  roles,
  routerOs,
  serverModels,
  tagWords,
} from './catalog';
import { MacAllocator, MIKROTIK_OUI, PROXMOX_OUI, SubnetAllocator, inDhcpRange } from './network';
import { uuidFromHex, type Rng } from './prng';
import type {
  Domain,
  Location,
  Machine,
  MachineKind,
  NetInterface,
  Organization,
  OsInfo,
  PveCluster,
  PveGuest,
  PveNode,
} from './types';

export interface Counts {
  routers: number;
  nodes: number;
  bareMetal: number;
  ghosts: number;
  guests: number;
  clusters: number;
}

export function countsFor(size: number): Counts {
  const routers = Math.min(50, Math.max(1, Math.ceil(size / 100)));
  const nodes = Math.max(1, Math.round(size / 40));
  const bareMetal = Math.max(1, Math.round(size * 0.08));
  const ghosts = Math.max(1, Math.round(size * 0.01));
  const guests = size - routers - nodes - bareMetal - ghosts;
  const clusters = Math.min(8, Math.max(1, Math.ceil(nodes / 16)));
  return { routers, nodes, bareMetal, ghosts, guests, clusters };
}

const clusterSites = ['ber', 'fra', 'ams', 'vie'];
const linuxOs = osCatalog.filter(([os]) => os.linux);
const domainWeights: readonly (readonly [number, number])[] = [
  [1, 60],
  [2, 15],
  [3, 15],
  [4, 10],
];
const orgWeights: readonly (readonly [number, number])[] = [
  [1, 70],
  [2, 20],
  [3, 10],
];

export interface MachineWorld {
  machines: Machine[];
  locations: Location[];
  organizations: Organization[];
  domains: Domain[];
  alloc: SubnetAllocator;
  macs: MacAllocator;
  clusters: PveCluster[];
  nodes: PveNode[];
  guests: PveGuest[];
  /** Router machines, in order; their devices are built by `records.ts`. */
  routers: Machine[];
}

export function generateMachines(rng: Rng, size: number, now: number): MachineWorld {
  const counts = countsFor(size);
  const locations = locationNames.map((name, i) => ({ id: i + 1, name }));
  const organizations = organizationNames.map((name, i) => ({ id: i + 1, name }));
  const domains: Domain[] = domainNames.map(([name, fullname], i) => ({
    id: i + 1,
    name,
    fullname,
  }));
  const domainName = (id: number): string => domains[id - 1]?.name ?? 'lab.example.com';
  const alloc = new SubnetAllocator(domainName);
  const macs = new MacAllocator(rng.int(0, 0xffffff));
  const machines: Machine[] = [];
  const roleSeq = new Map<string, number>();

  const nextName = (role: string): string => {
    const n = (roleSeq.get(role) ?? 0) + 1;
    roleSeq.set(role, n);
    return `${role}${String(n).padStart(n < 100 ? 2 : 3, '0')}`;
  };

  const addMachine = (
    kind: MachineKind,
    role: string,
    hostname: string,
    locationId: number,
    domainId: number,
    os: OsInfo,
    oui: string,
    ifnames: string[],
  ): Machine => {
    const { ip, subnet } = alloc.allocate(locationId, domainId);
    const interfaces: NetInterface[] = ifnames.map((ifname, i) => ({
      ifname,
      mac: macs.next(oui),
      ip: i === 0 ? ip : null,
      prefix: 24,
      gateway: i === 0 ? subnet.gateway : null,
      bridge: kind === 'qemu' || kind === 'lxc' ? `vmbr${i}` : null,
      vlan: i === 0 ? null : 20 + i,
      dhcp: i === 0 && kind === 'lxc' && inDhcpRange(ip),
    }));
    const first = interfaces[0]!;
    const domain = domainName(domainId);
    const machine: Machine = {
      id: `m-${String(machines.length + 1).padStart(6, '0')}`,
      kind,
      role,
      hostname,
      domain,
      fqdn: `${hostname}.${domain}`,
      ip,
      mac: first.mac,
      interfaces,
      subnetId: subnet.id,
      locationId,
      organizationId: rng.weighted(orgWeights),
      os,
      machineId: kind === 'router' ? null : rng.hex(16),
      smbiosUuid: kind === 'lxc' || kind === 'router' ? null : uuidFromHex(rng.hex(16)),
      cores: 1,
      memoryMiB: 1024,
      diskGiB: 8,
      bootTime: now - rng.int(600, 120 * 86400) * 1000,
      formerHostname: null,
      formerIp: null,
      decommissioned: false,
    };
    machines.push(machine);
    return machine;
  };

  // Proxmox clusters and nodes: one cluster per site, nodes spread evenly.
  const clusters: PveCluster[] = [];
  for (let c = 0; c < counts.clusters; c++) {
    clusters.push({ name: `pve-${clusterSites[c % 4] ?? 'ber'}${c >= 4 ? '2' : ''}`, nodes: [] });
  }
  const nodes: PveNode[] = [];
  for (let n = 0; n < counts.nodes; n++) {
    const c = n % counts.clusters;
    const cluster = clusters[c]!;
    const name = `${cluster.name.slice(4)}-pve${String(cluster.nodes.length + 1).padStart(2, '0')}`;
    const [modelName, oui] = rng.pick(serverModels);
    const m = addMachine('pve-node', 'proxmox', name, (c % 4) + 1, 1, debian12, oui, ['eno1']);
    m.cores = rng.pick([16, 32, 64]);
    m.memoryMiB = rng.pick([131072, 262144, 524288]);
    m.diskGiB = 100;
    cluster.nodes.push(name);
    nodes.push({
      name,
      cluster: cluster.name,
      machine: m.id,
      ip: m.ip,
      status: n > 2 && rng.chance(0.03) ? 'offline' : 'online',
      cores: m.cores,
      memoryBytes: m.memoryMiB * 1048576,
      rootfsBytes: 100861726720,
      uptime: Math.floor((now - m.bootTime) / 1000),
      pveVersion: 'pve-manager/8.3.0/c1689ccb1065a83b',
      kernel: '6.8.12-4-pve',
      cpuModel: modelName === 'Super Server' ? cpuModels[0]! : cpuModels[1]!,
    });
  }

  // Guests.
  const guests: PveGuest[] = [];
  const vmidNext = new Map<string, number>();
  for (let g = 0; g < counts.guests; g++) {
    const node = nodes[rng.int(0, nodes.length - 1)]!;
    const lxc = rng.chance(0.55);
    const os = lxc ? rng.weighted(linuxOs) : rng.weighted(osCatalog);
    const role = rng.pick(roles);
    const ifnames = lxc ? ['eth0', 'eth1'] : os.linux ? ['ens18', 'ens19'] : ['Ethernet'];
    if (!rng.chance(0.1)) ifnames.length = 1;
    const locationId = (clusters.findIndex((c) => c.name === node.cluster) % 4) + 1;
    const m = addMachine(
      lxc ? 'lxc' : 'qemu',
      role,
      nextName(role),
      locationId,
      rng.weighted(domainWeights),
      os,
      PROXMOX_OUI,
      ifnames,
    );
    m.cores = rng.pick([1, 2, 2, 4, 4, 8, 16]);
    m.memoryMiB = rng.pick([512, 1024, 2048, 4096, 8192, 16384, 32768]);
    m.diskGiB = rng.pick([8, 16, 32, 50, 100, 200, 500]);
    const vmid = vmidNext.get(node.cluster) ?? 100;
    vmidNext.set(node.cluster, vmid + (rng.chance(0.1) ? rng.int(2, 20) : 1));
    const running = node.status === 'online' && rng.chance(0.85);
    const tags = tagWords.filter(() => rng.chance(0.12));
    guests.push({
      cluster: node.cluster,
      node: node.name,
      type: lxc ? 'lxc' : 'qemu',
      vmid,
      name: m.hostname,
      machine: m.id,
      status: running ? 'running' : 'stopped',
      template: false,
      tags,
      pool: rng.chance(0.6) ? rng.pick(pools) : null,
      cores: m.cores,
      memoryMiB: m.memoryMiB,
      diskGiB: m.diskGiB,
      agent: !lxc && rng.chance(0.8),
      agentRunning: running && rng.chance(0.9),
      ostype: lxc ? os.pveOstypeLxc : os.pveOstypeQemu,
      uptime: running ? Math.floor((now - m.bootTime) / 1000) : 0,
      interfaces: m.interfaces,
      description: rng.chance(0.3) ? `${role} service\n` : '',
      onboot: rng.chance(0.7),
      unprivileged: lxc && rng.chance(0.9),
      smbiosUuid: m.smbiosUuid,
    });
  }

  // Bare-metal servers.
  for (let b = 0; b < counts.bareMetal; b++) {
    const [, oui] = rng.pick(serverModels);
    const role = rng.pick(['db', 'stor', 'hv', 'backup', 'gpu']);
    const m = addMachine(
      'bare-metal',
      role,
      nextName(role),
      rng.int(1, 4),
      rng.weighted(domainWeights),
      rng.chance(0.95) ? rng.weighted(linuxOs) : osCatalog[osCatalog.length - 1]![0],
      oui,
      ['eno1'],
    );
    m.cores = rng.pick([16, 32, 48, 64]);
    m.memoryMiB = rng.pick([65536, 131072, 262144]);
    m.diskGiB = rng.pick([960, 1920, 3840]);
  }

  // Decommissioned machines that only PatchMon still lists.
  for (let d = 0; d < counts.ghosts; d++) {
    const role = rng.pick(roles);
    const m = addMachine(
      'lxc',
      role,
      nextName(role),
      rng.int(1, 4),
      1,
      rng.weighted(linuxOs),
      PROXMOX_OUI,
      ['eth0'],
    );
    m.decommissioned = true;
  }

  // Routers (their devices are built later, once all subnets exist).
  const routers: Machine[] = [];
  for (let r = 0; r < counts.routers; r++) {
    const site = clusterSites[r % 4] ?? 'ber';
    const m = addMachine(
      'router',
      'router',
      `rtr-${site}-${String(Math.floor(r / 4) + 1).padStart(2, '0')}`,
      (r % 4) + 1,
      1,
      routerOs,
      MIKROTIK_OUI,
      ['ether1'],
    );
    routers.push(m);
  }

  applyMesses(rng, machines, guests, alloc);
  return {
    machines,
    locations,
    organizations,
    domains,
    alloc,
    macs,
    clusters,
    nodes,
    guests,
    routers,
  };
}

/** Duplicate short names across domains, renamed guests and moved DHCP leases. */
function applyMesses(rng: Rng, machines: Machine[], guests: PveGuest[], alloc: SubnetAllocator) {
  const byId = new Map(machines.map((m) => [m.id, m]));
  const guestMachines = guests.map((g) => byId.get(g.machine)!);
  const used = new Set<number>();
  const take = (ok: (m: Machine) => boolean): number => {
    for (let tries = 0; tries < 50; tries++) {
      const i = rng.int(0, guestMachines.length - 1);
      if (!used.has(i) && ok(guestMachines[i]!)) {
        used.add(i);
        return i;
      }
    }
    return -1;
  };
  const n = guests.length;
  for (let d = 0; d < Math.max(1, Math.round(n * 0.01)); d++) {
    const a = take(() => true);
    if (a < 0) break;
    const first = guestMachines[a]!;
    const b = take((m) => m.domain !== first.domain);
    if (b < 0) break;
    const second = guestMachines[b]!;
    second.hostname = first.hostname;
    second.fqdn = `${second.hostname}.${second.domain}`;
    guests[b]!.name = second.hostname;
  }
  for (let r = 0; r < Math.max(1, Math.round(n * 0.005)); r++) {
    const i = take(() => true);
    if (i < 0) break;
    const m = guestMachines[i]!;
    m.formerHostname = m.hostname;
    m.hostname = `${rng.pick(['billing', 'shop', 'erp', 'crm'])}-${m.hostname}`;
    m.fqdn = `${m.hostname}.${m.domain}`;
    guests[i]!.name = m.hostname;
  }
  for (let d = 0; d < Math.max(1, Math.round(n * 0.02)); d++) {
    const i = take((m) => m.interfaces[0]?.bridge !== null);
    if (i < 0) break;
    const m = guestMachines[i]!;
    const subnet = alloc.subnets[m.subnetId - 1]!;
    const moved = alloc.allocateIn(subnet);
    if (moved === null) continue;
    m.formerIp = m.ip;
    m.ip = moved;
    const nic = m.interfaces[0]!;
    nic.ip = moved;
    nic.dhcp = true;
  }
}
