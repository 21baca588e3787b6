import { AppError } from '../../shared/errors';
import {
  foremanFacts,
  machineById,
  externalIds,
  type Fleet,
  type Machine,
  type PveGuest,
} from '../../../lab/fleet';
import type { SourceConnector, SourceRecord, SourceSystem, SyncContext } from '../sources/types';

/**
 * Records of a lab fleet as each connector sees them over the wire: Proxmox guests know their
 * MACs and SMBIOS UUID but only the IPs the config or the guest agent reveals; Foreman knows the
 * (possibly former) FQDN, its MAC and — with facts — machine-id and SMBIOS UUID; PatchMon knows
 * the agent's machine-id, hostname and address, but no MAC. Used by tests and benchmarks to
 * exercise sync and correlation without the network.
 */
export function fleetRecords(fleet: Fleet, system: SourceSystem, cluster?: string): SourceRecord[] {
  switch (system) {
    case 'proxmox':
      return proxmoxRecords(fleet, cluster);
    case 'foreman':
      return foremanRecords(fleet);
    case 'patchmon':
      return patchmonRecords(fleet);
    case 'routeros':
      return routerRecords(fleet);
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

function base(system: SourceSystem, externalId: string): SourceRecord {
  return {
    system,
    externalId,
    kind: 'host',
    name: '',
    fqdn: null,
    status: 'unknown',
    os: null,
    ips: [],
    macs: [],
    machineId: null,
    smbiosUuid: null,
    serial: null,
    cluster: null,
    site: null,
    group: null,
    organization: null,
    location: null,
    tags: [],
    patch: null,
    lastSeenAt: null,
    changeStamp: null,
    raw: {},
  };
}

function guestIps(guest: PveGuest): string[] {
  const visible =
    guest.type === 'lxc' ? guest.status === 'running' : guest.agent && guest.agentRunning;
  return guest.interfaces.flatMap((nic) =>
    nic.ip !== null && (visible || (!nic.dhcp && guest.type === 'lxc')) ? [nic.ip] : [],
  );
}

function proxmoxRecords(fleet: Fleet, cluster?: string): SourceRecord[] {
  const out: SourceRecord[] = [];
  for (const node of fleet.proxmox.nodes) {
    if (cluster !== undefined && node.cluster !== cluster) continue;
    out.push({
      ...base('proxmox', externalIds.proxmoxNode(node.cluster, node.name)),
      kind: 'node',
      name: node.name,
      status: node.status === 'online' ? 'running' : 'offline',
      os: `Proxmox VE ${node.pveVersion}`,
      ips: [node.ip],
      cluster: node.cluster,
      site: node.name,
      changeStamp: `${node.status}/${node.pveVersion}`,
      raw: { ...node },
    });
  }
  for (const guest of fleet.proxmox.guests) {
    if (cluster !== undefined && guest.cluster !== cluster) continue;
    out.push({
      ...base('proxmox', externalIds.proxmoxGuest(guest.cluster, guest.type, guest.vmid)),
      kind: guest.type === 'qemu' ? 'vm' : 'container',
      name: guest.name.toLowerCase(),
      status: guest.status,
      os: guest.ostype,
      ips: guestIps(guest),
      macs: guest.interfaces.map((nic) => nic.mac),
      smbiosUuid: guest.smbiosUuid,
      cluster: guest.cluster,
      site: guest.node,
      group: guest.pool,
      tags: guest.tags,
      changeStamp: null,
      raw: { ...guest, interfaces: guest.interfaces.map((nic) => ({ ...nic })) },
    });
  }
  return out;
}

function foremanRecords(fleet: Fleet): SourceRecord[] {
  const groups = new Map(fleet.foreman.hostgroups.map((g) => [g.id, g.title]));
  const orgs = new Map(fleet.organizations.map((o) => [o.id, o.name]));
  const locations = new Map(fleet.locations.map((l) => [l.id, l.name]));
  const oses = new Map(fleet.foreman.operatingsystems.map((o) => [o.id, o.title]));
  return fleet.foreman.hosts.map((host) => {
    const facts = foremanFacts(fleet, host);
    const macs = new Set([host.mac]);
    for (const [key, value] of Object.entries(facts)) {
      if (/^networking::interfaces::[^:]+::mac$/.test(key)) macs.add(value.toLowerCase());
    }
    const virtual = facts.virtual;
    return {
      ...base('foreman', externalIds.foreman(host.id)),
      kind:
        virtual === 'kvm'
          ? 'vm'
          : virtual === 'lxc'
            ? 'container'
            : virtual === 'physical'
              ? 'bare-metal'
              : 'host',
      name: host.name.split('.')[0] ?? host.name,
      fqdn: host.name,
      status: host.globalStatus === 2 ? 'offline' : 'running',
      os: oses.get(host.operatingsystemId) ?? null,
      ips: [host.ip],
      macs: [...macs],
      machineId: facts.machine_id ?? null,
      smbiosUuid: facts['dmi::product::uuid']?.toLowerCase() ?? null,
      group: host.hostgroupId === null ? null : (groups.get(host.hostgroupId) ?? null),
      organization: orgs.get(host.organizationId) ?? null,
      location: locations.get(host.locationId) ?? null,
      lastSeenAt: host.lastReport === null ? null : iso(host.lastReport),
      changeStamp: iso(host.updatedAt),
      raw: { host: { ...host }, facts },
    };
  });
}

function patchmonRecords(fleet: Fleet): SourceRecord[] {
  const groups = new Map(fleet.patchmon.hostGroups.map((g) => [g.id, g.name]));
  return fleet.patchmon.hosts.map((host) => {
    const hostname = host.hostname.toLowerCase();
    const dot = hostname.indexOf('.');
    return {
      ...base('patchmon', externalIds.patchmon(host.id)),
      name:
        hostname === '' ? host.friendlyName.toLowerCase() : (hostname.split('.')[0] ?? hostname),
      fqdn: dot > 0 ? hostname : null,
      status: host.status === 'pending' ? 'pending' : 'running',
      os: host.osType === 'unknown' ? null : `${host.osType} ${host.osVersion}`,
      ips: host.ip === '' ? [] : [host.ip],
      machineId: host.reportedMachineId.startsWith('pending-') ? null : host.reportedMachineId,
      group: host.hostGroupIds.map((id) => groups.get(id) ?? id).join(', ') || null,
      tags: host.hostGroupIds.map((id) => groups.get(id) ?? id),
      patch: {
        updates: host.updatesCount,
        security: host.securityUpdatesCount,
        rebootNeeded: host.needsReboot,
        lastReportAt: iso(host.lastUpdate),
      },
      lastSeenAt: iso(host.lastUpdate),
      changeStamp: iso(host.lastUpdate),
      raw: { ...host },
    };
  });
}

function routerRecords(fleet: Fleet): SourceRecord[] {
  return fleet.routeros.devices.map((device) => {
    const machine: Machine | undefined = machineById(fleet, device.machine);
    return {
      ...base('routeros', externalIds.routeros(device.serial)),
      kind: 'router',
      name: device.identity.toLowerCase(),
      status: 'running',
      os: `RouterOS ${device.version}`,
      ips: device.addresses.map((a) => a.address.split('/')[0] ?? a.address),
      macs: [...new Set(device.interfaces.map((i) => i.mac.toLowerCase()))],
      serial: device.serial,
      site: machine === undefined ? null : `location-${machine.locationId}`,
      changeStamp: device.version,
      raw: { ...device },
    };
  });
}

export interface FleetConnectorOptions {
  /** Records per progress page. */
  pageSize?: number;
  /** Makes the next syncs fail with this error. */
  failWith?: () => AppError | null;
  /** Called before each page; lets tests pause or abort mid-sync. */
  beforePage?: (page: number) => Promise<void> | void;
}

/** A connector serving `fleetRecords`, paging its progress like the real ones. */
export function fleetConnector(
  system: SourceSystem,
  fleet: () => Fleet,
  options: FleetConnectorOptions = {},
): SourceConnector {
  const pageSize = options.pageSize ?? 100;
  return {
    system,
    test: () => Promise.resolve({ version: 'lab', identity: 'lab', permissions: [], warnings: [] }),
    async sync(profile, _secrets, context: SyncContext) {
      const failure = options.failWith?.() ?? null;
      if (failure !== null) throw failure;
      const cluster = profile.tags.find((t) => t.startsWith('cluster:'))?.slice(8);
      const records = fleetRecords(fleet(), system, cluster);
      const pages = Math.max(1, Math.ceil(records.length / pageSize));
      for (let page = 0; page < pages; page++) {
        if (context.signal.aborted) throw new AppError('cancelled', 'The sync was cancelled.');
        await options.beforePage?.(page);
        context.progress({
          phase: 'hosts',
          done: page + 1,
          total: pages,
          records: Math.min(records.length, (page + 1) * pageSize),
        });
      }
      return records;
    },
  };
}
