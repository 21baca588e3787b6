/** Per-system records built from the machines: Foreman, PatchMon and RouterOS. */
import {
  latestOnChannel,
  osCatalog,
  patchmonAgentVersions,
  roles,
  routerBoards,
  routerVersions,
  serverModels,
} from './catalog';
import type { MachineWorld } from './machines';
import { MIKROTIK_OUI } from './network';
import { uuidFromHex, type Rng } from './prng';
import type {
  ForemanComputeResource,
  ForemanHost,
  ForemanHostgroup,
  ForemanOs,
  PatchmonHost,
  PatchmonHostGroup,
  RouterAddress,
  RouterDevice,
  RouterInterface,
} from './types';

const DAY = 86_400_000;
const MINUTE = 60_000;

function foremanOsName(name: string): string {
  return name.split(' ')[0] ?? name;
}

export function osTitle(os: { name: string; version: string }): string {
  return `${foremanOsName(os.name)} ${os.version}`;
}

const globalStatusWeights = [
  [0, 80],
  [1, 15],
  [2, 5],
] as const;

export interface ForemanData {
  hosts: ForemanHost[];
  hostgroups: ForemanHostgroup[];
  operatingsystems: ForemanOs[];
  computeResources: ForemanComputeResource[];
}

export function buildForeman(rng: Rng, world: MachineWorld, now: number): ForemanData {
  const operatingsystems: ForemanOs[] = osCatalog.map(([os], i) => ({
    id: i + 1,
    name: foremanOsName(os.name),
    major: os.major,
    minor: os.minor,
    family: os.family,
    title: osTitle(os),
  }));
  const osByTitle = new Map(operatingsystems.map((o) => [o.title, o.id]));
  const osIds = new Map(osCatalog.map(([os], i) => [os, i + 1]));
  const domainIds = new Map(world.domains.map((d) => [d.name, d.id]));
  const groupNames = [...roles, 'proxmox', 'baremetal', 'db', 'stor', 'hv', 'backup', 'gpu'];
  const hostgroups: ForemanHostgroup[] = [
    {
      id: 1,
      name: 'base',
      title: 'base',
      parentId: null,
      operatingsystemId: null,
      domainId: 1,
      subnetId: null,
      computeResourceId: null,
    },
  ];
  const groupByName = new Map<string, number>();
  for (const name of new Set(groupNames)) {
    const id = hostgroups.length + 1;
    hostgroups.push({
      id,
      name,
      title: `base/${name}`,
      parentId: 1,
      operatingsystemId: name === 'proxmox' ? (osByTitle.get('Debian 12') ?? null) : null,
      domainId: null,
      subnetId: null,
      computeResourceId: null,
    });
    groupByName.set(name, id);
  }
  const computeResources: ForemanComputeResource[] = world.clusters.map((c, i) => {
    const first = world.nodes.find((n) => n.cluster === c.name);
    return {
      id: i + 1,
      name: c.name,
      cluster: c.name,
      url: `https://${first?.ip ?? '127.0.0.1'}:8006/api2/json`,
    };
  });
  const crByCluster = new Map(computeResources.map((c) => [c.cluster, c.id]));
  const guestByMachine = new Map(world.guests.map((g) => [g.machine, g]));

  const hosts: ForemanHost[] = [];
  for (const m of world.machines) {
    if (m.kind === 'router' || m.decommissioned) continue;
    const guest = guestByMachine.get(m.id);
    if (guest && !rng.chance(m.os.linux ? 0.9 : 0.6)) continue;
    const name = `${m.formerHostname ?? m.hostname}.${m.domain}`;
    const createdAt = now - rng.int(30, 900) * DAY;
    const managed = rng.chance(0.85);
    const reports = rng.chance(0.7);
    const model = guest
      ? guest.type === 'qemu'
        ? rng.pick(['Standard PC (Q35 + ICH9, 2009)', 'Standard PC (i440FX + PIIX, 1996)'])
        : null
      : rng.chance(0.9)
        ? rng.pick(serverModels)[0]
        : null;
    hosts.push({
      id: hosts.length + 1,
      machine: m.id,
      name,
      ip: m.formerIp ?? m.ip,
      mac: m.mac,
      ifname: m.interfaces[0]?.ifname ?? 'eth0',
      domainId: domainIds.get(m.domain) ?? 1,
      subnetId: m.subnetId,
      hostgroupId: rng.chance(0.85) ? (groupByName.get(m.role) ?? 1) : null,
      operatingsystemId: osIds.get(m.os) ?? osByTitle.get(osTitle(m.os)) ?? 1,
      organizationId: m.organizationId,
      locationId: m.locationId,
      computeResourceId: guest ? (crByCluster.get(guest.cluster) ?? null) : null,
      uuid: guest ? `${guest.node}_${guest.vmid}` : null,
      modelName: model,
      architecture: 'x86_64',
      managed,
      enabled: true,
      build: false,
      buildStatus: rng.chance(0.02) ? 1 : 0,
      globalStatus: rng.weighted(globalStatusWeights),
      lastReport: reports
        ? now - (rng.chance(0.05) ? rng.int(2, 40) * DAY : rng.int(1, 180) * MINUTE)
        : null,
      hasFacts: rng.chance(0.85),
      createdAt,
      updatedAt: now - rng.int(1, 600) * MINUTE,
      installedAt: managed ? createdAt + rng.int(10, 40) * MINUTE : null,
      ownerId: rng.chance(0.9) ? 1 : null,
      comment: rng.chance(0.05) ? 'migrated from legacy DC' : '',
    });
  }
  return { hosts, hostgroups, operatingsystems, computeResources };
}

const groupDefs = [
  ['Production', 'Customer-facing systems', '#EF4444'],
  ['Staging', null, '#F59E0B'],
  ['Databases', 'PostgreSQL and MariaDB', '#10B981'],
  ['Web servers', null, '#3B82F6'],
  ['Proxmox nodes', null, '#8B5CF6'],
  ['Core routers', null, '#3B82F6'],
] as const;

export interface PatchmonData {
  hosts: PatchmonHost[];
  hostGroups: PatchmonHostGroup[];
}

export function buildPatchmon(rng: Rng, world: MachineWorld, now: number): PatchmonData {
  const hostGroups: PatchmonHostGroup[] = groupDefs.map(([name, description, color]) => ({
    id: uuidFromHex(rng.hex(16)),
    name,
    description,
    color,
    createdAt: now - rng.int(100, 400) * DAY,
  }));
  const [prod, staging, dbs, web, pve] = hostGroups;
  const hosts: PatchmonHost[] = [];
  for (const m of world.machines) {
    if (m.kind === 'router' || !m.os.linux) continue;
    const p = m.decommissioned
      ? 1
      : m.kind === 'pve-node'
        ? 0.7
        : m.kind === 'bare-metal'
          ? 0.8
          : 0.85;
    if (!rng.chance(p)) continue;
    const pending = !m.decommissioned && rng.chance(0.01);
    const stale = m.decommissioned || rng.chance(0.05);
    const overdue = !stale && rng.chance(0.03);
    const lastUpdate = m.decommissioned
      ? now - rng.int(3, 60) * DAY
      : stale
        ? now - rng.int(180, 30 * 1440) * MINUTE
        : now - (overdue ? rng.int(65, 115) : rng.int(0, 55)) * MINUTE;
    const total = pending ? 0 : m.os.pkg === 'apt' ? rng.int(400, 1600) : rng.int(350, 1200);
    const updates = pending || rng.chance(0.3) ? 0 : rng.int(1, 60);
    const groups: string[] = [];
    if (m.kind === 'pve-node') groups.push(pve!.id);
    else if (rng.chance(0.6)) groups.push(rng.chance(0.7) ? prod!.id : staging!.id);
    if (m.hostname.startsWith('db')) groups.push(dbs!.id);
    if (m.hostname.startsWith('web') && rng.chance(0.8)) groups.push(web!.id);
    const needsReboot = !pending && rng.chance(0.2);
    const current = stale ? (m.formerHostname ?? m.hostname) : m.hostname;
    hosts.push({
      id: uuidFromHex(rng.hex(16)),
      machine: m.id,
      reportedMachineId: pending ? `pending-${uuidFromHex(rng.hex(16))}` : (m.machineId ?? ''),
      friendlyName: m.formerHostname ?? m.hostname,
      hostname: pending ? '' : rng.chance(0.7) ? `${current}.${m.domain}` : current,
      ip: pending ? '' : stale ? (m.formerIp ?? m.ip) : m.ip,
      osType: pending ? 'unknown' : m.os.name,
      osVersion: pending ? 'unknown' : m.os.version,
      architecture: 'x86_64',
      kernel: m.os.kernel,
      agentVersion: pending ? '' : rng.pick(patchmonAgentVersions),
      apiId: `patchmon_${rng.hex(8)}`,
      hostGroupIds: groups,
      status: pending ? 'pending' : 'active',
      lastUpdate,
      createdAt: lastUpdate - rng.int(1, 500) * DAY,
      needsReboot,
      rebootReason: needsReboot ? rng.pick(['Kernel update pending', 'libc upgraded']) : null,
      totalPackages: total,
      updatesCount: updates,
      securityUpdatesCount: updates === 0 ? 0 : rng.int(0, Math.ceil(updates / 3)),
      totalRepos: pending ? 0 : rng.int(3, 14),
      cpuModel:
        m.kind === 'pve-node' || m.kind === 'bare-metal'
          ? 'AMD EPYC 7313P 16-Core Processor'
          : 'QEMU Virtual CPU version 2.5+',
      cpuCores: m.cores,
      ramGb: Math.round((m.memoryMiB / 1024) * 100) / 100,
      bootTime: m.bootTime,
      dockerEnabled: rng.chance(0.1),
      notes: rng.chance(0.05) ? 'Owned by the platform team' : null,
      pkgSeed: rng.fork(),
    });
  }
  return { hosts, hostGroups };
}

export function buildRouters(rng: Rng, world: MachineWorld, now: number): RouterDevice[] {
  const devices: RouterDevice[] = world.routers.map((m) => {
    const board = rng.weighted(routerBoards.map((b) => [b, b.routerboard ? 3 : 1] as const));
    const [version, channel] = rng.pick(routerVersions);
    const failed = rng.chance(0.05);
    const neverChecked = !failed && rng.chance(0.2);
    const latest = failed || neverChecked ? null : (latestOnChannel[channel] ?? version);
    const lagging = board.routerboard && rng.chance(0.15);
    const interfaces: RouterInterface[] = [];
    const add = (
      name: string,
      type: RouterInterface['type'],
      mac: string,
      extra: Partial<RouterInterface> = {},
    ): RouterInterface => {
      const iface: RouterInterface = {
        id: `*${(interfaces.length + 1).toString(16).toUpperCase()}`,
        name,
        defaultName: type === 'ether' || type === 'sfp-sfpplus' || type === 'wlan' ? name : null,
        type,
        mac: mac.toUpperCase(),
        mtu: 1500,
        running: true,
        disabled: false,
        comment: null,
        slave: false,
        ...extra,
      };
      interfaces.push(iface);
      return iface;
    };
    add('ether1', 'ether', m.mac, { comment: 'WAN' });
    for (let p = 2; p <= board.ports; p++) {
      add(`ether${p}`, 'ether', world.macs.next(MIKROTIK_OUI), {
        slave: board.routerboard,
        running: p === 2 || rng.chance(0.5),
      });
    }
    for (let s = 1; s <= board.sfp; s++) {
      add(`sfp-sfpplus${s}`, 'sfp-sfpplus', world.macs.next(MIKROTIK_OUI), { running: false });
    }
    if (board.wlan) {
      add('wlan1', 'wlan', world.macs.next(MIKROTIK_OUI), {
        running: false,
        disabled: true,
        slave: true,
      });
    }
    const lanMac = interfaces[1]?.mac ?? m.mac;
    const lan = board.routerboard
      ? add('bridge', 'bridge', lanMac, { comment: 'defconf' }).name
      : 'ether2';
    return {
      machine: m.id,
      identity: m.hostname,
      ip: m.ip,
      boardName: board.boardName,
      model: board.model,
      serial: board.routerboard ? rng.hex(6).toUpperCase() : `CHR-${rng.hex(5).toUpperCase()}`,
      routerboard: board.routerboard,
      architecture: board.architecture,
      cpu: board.cpu,
      cpuCount: board.cpuCount,
      totalMemory: board.totalMemory,
      version,
      channel,
      latestVersion: latest,
      updateStatus: failed
        ? 'ERROR: could not resolve dns name'
        : neverChecked
          ? null
          : latest === version
            ? 'System is already up to date'
            : 'New version is available',
      factoryFirmware: board.routerboard ? '6.42.3' : '7.1',
      currentFirmware: lagging ? '7.16.2' : version,
      upgradeFirmware: version,
      firmwareType: board.firmwareType,
      uptimeSeconds: Math.floor((now - m.bootTime) / 1000),
      interfaces,
      addresses: [
        {
          id: '*1',
          address: `${m.ip}/24`,
          network: m.ip.replace(/\.\d+$/, '.0'),
          interface: lan,
          dynamic: false,
          disabled: false,
          comment: 'defconf',
        },
      ],
    };
  });
  // Each router is the gateway of some subnets: one VLAN interface and address per subnet.
  world.alloc.subnets.forEach((subnet, i) => {
    const device = devices[i % devices.length];
    if (!device) return;
    const lan = device.addresses[0]!.interface;
    const lanMac = device.interfaces.find((x) => x.name === lan)?.mac ?? device.interfaces[0]!.mac;
    const name = `vlan${subnet.vlanid ?? i}`;
    device.interfaces.push({
      id: `*${(device.interfaces.length + 1).toString(16).toUpperCase()}`,
      name,
      defaultName: null,
      type: 'vlan',
      mac: lanMac,
      mtu: 1500,
      running: true,
      disabled: false,
      comment: subnet.name,
      slave: false,
    });
    const address: RouterAddress = {
      id: `*${(device.addresses.length + 1).toString(16).toUpperCase()}`,
      address: `${subnet.gateway}/24`,
      network: subnet.network,
      interface: name,
      dynamic: false,
      disabled: false,
      comment: null,
    };
    device.addresses.push(address);
  });
  devices.forEach((device, i) => {
    device.addresses.push({
      id: `*${(device.addresses.length + 1).toString(16).toUpperCase()}`,
      address: `100.64.${Math.floor(i / 250)}.${(i % 250) + 2}/24`,
      network: `100.64.${Math.floor(i / 250)}.0`,
      interface: 'ether1',
      dynamic: true,
      disabled: false,
      comment: null,
    });
  });
  return devices;
}
