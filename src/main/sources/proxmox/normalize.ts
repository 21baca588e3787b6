import type { RecordStatus, SourceRecord } from '../types';
import { addUnique, isPlumbingInterface, normalizeIp, normalizeMac } from '../identity';
import { guestNics, smbiosUuid, splitTags } from './property-string';
import type {
  AgentInterface,
  GuestConfig,
  GuestResource,
  LxcInterfaces,
  NodeResource,
  NodeStatus,
} from './schemas';

/**
 * What a sync learned about one guest beyond `/cluster/resources`. Kept in the record's `raw`
 * so a re-sync can reuse it when the guest did not change (see `reuse.ts`).
 */
export interface GuestDetails {
  config: GuestConfig | null;
  /** LXC `interfaces` or the QEMU agent's interface list; null when none could be read. */
  interfaces: NonNullable<LxcInterfaces> | AgentInterface[] | null;
  /** Why there are no live interfaces, when there are none (`stopped`, `agent-not-running`…). */
  interfacesNote: string | null;
  /** When the details were fetched (ISO time). */
  fetchedAt: string;
}

const ostypeNames: Record<string, string> = {
  l26: 'Linux',
  l24: 'Linux 2.4',
  win11: 'Windows 11/2022/2025',
  win10: 'Windows 10/2016/2019',
  win8: 'Windows 8/2012',
  win7: 'Windows 7/2008r2',
  w2k8: 'Windows Vista/2008',
  wxp: 'Windows XP/2003',
  solaris: 'Solaris',
  other: 'Other',
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  // Proxmox sets up AlmaLinux, Rocky and other RHEL rebuilds as `centos` containers.
  centos: 'CentOS/RHEL family',
  fedora: 'Fedora',
  opensuse: 'openSUSE',
  archlinux: 'Arch Linux',
  alpine: 'Alpine Linux',
  gentoo: 'Gentoo',
  nixos: 'NixOS',
  devuan: 'Devuan',
  unmanaged: 'Unmanaged',
};

export function osName(ostype: unknown): string | null {
  if (typeof ostype !== 'string' || ostype === '') return null;
  return ostypeNames[ostype] ?? ostype;
}

export function guestStatus(status: string): RecordStatus {
  switch (status) {
    case 'running':
      return 'running';
    case 'stopped':
      return 'stopped';
    case 'paused':
    case 'suspended':
      return 'paused';
    default:
      return 'unknown';
  }
}

/**
 * Live addresses from either interface shape (LXC `inet`/`ip-addresses`, QGA `ip-addresses`),
 * without loopback and container plumbing: a guest running Docker lists `docker0` (172.17.0.1,
 * as on every Docker host) and a `veth…` per container (reference/proxmox.md §5.11).
 */
function liveAddresses(interfaces: GuestDetails['interfaces']): { ips: string[]; macs: string[] } {
  const ips: string[] = [];
  const macs: string[] = [];
  for (const entry of interfaces ?? []) {
    if (entry.name.startsWith('Loopback') || isPlumbingInterface(entry.name)) continue;
    const withLegacy = entry as { hwaddr?: string; inet?: string; inet6?: string };
    addUnique(macs, [entry['hardware-address'], withLegacy.hwaddr], normalizeMac);
    const listed = entry['ip-addresses']?.map((address) => address['ip-address']) ?? [];
    addUnique(ips, listed.length > 0 ? listed : [withLegacy.inet, withLegacy.inet6], normalizeIp);
  }
  return { ips, macs };
}

function configString(config: GuestConfig | null, key: string): string | undefined {
  const value = config?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function normalizeGuest(
  cluster: string,
  resource: GuestResource,
  details: GuestDetails | null,
  observedAt: string,
): SourceRecord {
  const config = details?.config ?? null;
  const configName = configString(config, resource.type === 'lxc' ? 'hostname' : 'name');
  const name = (resource.name ?? configName ?? `${resource.type}-${resource.vmid}`).toLowerCase();
  const nics = config ? guestNics(config, resource.type) : [];
  const macs: string[] = [];
  const ips: string[] = [];
  addUnique(
    macs,
    nics.map((nic) => nic.mac),
    normalizeMac,
  );
  const live = liveAddresses(details?.interfaces ?? null);
  addUnique(ips, live.ips, normalizeIp);
  addUnique(
    ips,
    nics.flatMap((nic) => nic.staticIps),
    normalizeIp,
  );
  addUnique(macs, live.macs, normalizeMac);
  const tags = splitTags(resource.tags ?? configString(config, 'tags'));
  return {
    system: 'proxmox',
    externalId: `${cluster}/${resource.type}/${resource.vmid}`,
    kind: resource.type === 'qemu' ? 'vm' : 'container',
    name,
    fqdn: name.includes('.') ? name : null,
    status: guestStatus(resource.status),
    os: osName(config?.ostype),
    ips,
    macs,
    machineId: null,
    smbiosUuid: config ? smbiosUuid(config) : null,
    serial: null,
    cluster,
    site: resource.node,
    group: resource.pool ?? null,
    organization: null,
    location: null,
    tags,
    patch: null,
    lastSeenAt: null,
    changeStamp: configString(config, 'digest') ?? null,
    raw: {
      resource,
      config,
      interfaces: details?.interfaces ?? null,
      interfacesNote: details?.interfacesNote ?? null,
      nics,
      detailsFetchedAt: details?.fetchedAt ?? null,
      observedAt,
    },
  };
}

export interface NodeFacts {
  resource: NodeResource | null;
  /** From `/cluster/status` (needs Sys.Audit on `/`). */
  ip: string | null;
  online: boolean | null;
  status: NodeStatus | null;
}

export function normalizeNode(cluster: string, name: string, facts: NodeFacts): SourceRecord {
  const online = facts.online ?? (facts.resource ? facts.resource.status === 'online' : null);
  const pve = facts.status?.pveversion;
  const version = pve === undefined ? undefined : /^pve-manager\/([^/]+)/.exec(pve)?.[1];
  return {
    system: 'proxmox',
    externalId: `${cluster}/node/${name}`,
    kind: 'node',
    name: name.toLowerCase(),
    fqdn: null,
    status: online === null ? 'unknown' : online ? 'running' : 'offline',
    os: version === undefined ? 'Proxmox VE' : `Proxmox VE ${version}`,
    ips: facts.ip === null ? [] : [normalizeIp(facts.ip)].filter((ip) => ip !== null),
    macs: [],
    machineId: null,
    smbiosUuid: null,
    serial: null,
    cluster,
    site: name,
    group: null,
    organization: null,
    location: null,
    tags: [],
    patch: null,
    lastSeenAt: null,
    changeStamp: null,
    raw: { resource: facts.resource, ip: facts.ip, online: facts.online, status: facts.status },
  };
}
