/**
 * Converts one Proxmox cluster of the seeded lab fleet into the simulator's model. Everything
 * the fleet does not decide (storages, guests without fresh RRD data, HA state) is derived
 * deterministically from the fleet seed so the same seed always serves the same answers.
 */
import { type Fleet, machineById } from '../fleet';
import type { SimCluster, SimGuest, SimNode, SimStorage } from './model';
import { fraction } from './state';

const TiB = 1024 ** 4;

export function clusterNames(fleet: Fleet): string[] {
  return fleet.proxmox.clusters.map((c) => c.name);
}

export function clusterFromFleet(fleet: Fleet, clusterName: string): SimCluster {
  const cluster = fleet.proxmox.clusters.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`no Proxmox cluster '${clusterName}' in the fleet`);
  const seed = fleet.seed >>> 0;
  const nodes: SimNode[] = fleet.proxmox.nodes
    .filter((n) => n.cluster === clusterName)
    .map((n) => ({
      name: n.name,
      ip: n.ip,
      online: n.status === 'online',
      level: '',
      cpuModel: n.cpuModel,
      sockets: 1,
      cores: n.cores,
      threads: n.cores,
      memoryBytes: n.memoryBytes,
      rootfsBytes: n.rootfsBytes,
      kernel: n.kernel,
      uptimeS: n.uptime,
    }));
  const subnets = new Map(fleet.subnets.map((s) => [s.id, s]));
  // The machines PatchMon's agent reports Docker on run it in their VM too.
  const dockerHosts = new Set(
    fleet.patchmon.hosts.filter((h) => h.dockerEnabled).map((h) => h.machine),
  );
  const guests: SimGuest[] = [];
  for (const g of fleet.proxmox.guests) {
    if (g.cluster !== clusterName) continue;
    const machine = machineById(fleet, g.machine);
    const subnet = machine ? subnets.get(machine.subnetId) : undefined;
    const f = (salt: number): number => fraction(seed, g.vmid, salt, clusterName.length);
    const guest: SimGuest = {
      vmid: g.vmid,
      type: g.type,
      node: g.node,
      name: g.name,
      status: g.status,
      tags: [...g.tags],
      cores: g.cores,
      memoryMiB: g.memoryMiB,
      diskGiB: g.diskGiB,
      ostype: g.ostype,
      onboot: g.onboot,
      nics: g.interfaces.map((nic, index) => ({
        index,
        mac: nic.mac.toUpperCase(),
        bridge: nic.bridge ?? 'vmbr0',
        ipConfig: nic.dhcp || nic.ip === null ? 'dhcp' : `${nic.ip}/${nic.prefix}`,
        ...(nic.ip === null ? {} : { address: nic.ip, prefix: nic.prefix }),
        ...(nic.gateway === null ? {} : { gateway: nic.gateway }),
        ...(nic.vlan === null ? {} : { vlan: nic.vlan }),
        firewall: true,
        guestName: nic.ifname,
      })),
      uptimeS: g.uptime,
    };
    if (g.template) guest.template = true;
    if (g.pool !== null) guest.pool = g.pool;
    if (g.description !== '') guest.description = g.description;
    if (g.type === 'lxc') {
      guest.unprivileged = g.unprivileged;
      if (machine) guest.searchdomain = machine.domain;
      if (subnet) guest.nameserver = subnet.dnsPrimary;
    } else {
      guest.agent = !g.agent ? 'none' : g.agentRunning ? 'running' : 'not-running';
      if (dockerHosts.has(g.machine)) guest.docker = true;
      if (g.smbiosUuid !== null) guest.smbiosUuid = g.smbiosUuid;
    }
    // About 2 % of guests have no fresh RRD data and show as `unknown` in /cluster/resources.
    if (f(1) < 0.02) guest.unknown = true;
    if (g.status === 'running' && f(2) < 0.03) guest.hastate = 'started';
    guests.push(guest);
  }
  const storages: SimStorage[] = [
    {
      id: 'local',
      type: 'dir',
      content: 'iso,vztmpl,backup',
      shared: false,
      totalBytes: nodes[0]?.rootfsBytes ?? TiB,
    },
    {
      id: 'local-lvm',
      type: 'lvmthin',
      content: 'images,rootdir',
      shared: false,
      totalBytes: 2 * TiB,
    },
    { id: 'nfs-backup', type: 'nfs', content: 'backup', shared: true, totalBytes: 16 * TiB },
  ];
  const pools = [...new Set(guests.flatMap((g) => (g.pool === undefined ? [] : [g.pool])))]
    .sort()
    .map((id) => ({ id }));
  const out: SimCluster = { nodes, guests, storages, pools, seed };
  // A single-node "cluster" is a standalone node without corosync.
  if (nodes.length > 1) out.name = clusterName;
  return out;
}
