/**
 * Types of the lab fleet. One `Machine` is the ground truth for a physical or virtual machine; the
 * per-system records (Proxmox guests and nodes, Foreman hosts, PatchMon hosts, RouterOS devices)
 * are what each simulator serves and may disagree with the machine on purpose (renames, moved
 * DHCP addresses, stale agents). MAC addresses are stored lower-case with colons; simulators
 * format them as their system does. Times are epoch milliseconds.
 */

export type SystemKind = 'proxmox' | 'foreman' | 'patchmon' | 'routeros';

export type MachineKind = 'qemu' | 'lxc' | 'pve-node' | 'bare-metal' | 'router';

export interface OsInfo {
  /** Distribution or product name as PatchMon and Foreman show it, e.g. `Ubuntu`, `AlmaLinux`. */
  name: string;
  /** Full version string, e.g. `22.04`, `9.4`, `12`. */
  version: string;
  major: string;
  minor: string;
  /** Foreman OS family: `Debian`, `Redhat`, `Windows`. */
  family: 'Debian' | 'Redhat' | 'Windows';
  /** Proxmox `ostype` for this OS (LXC: `ubuntu`, `debian`, `centos`…; QEMU: `l26`, `win11`). */
  pveOstypeLxc: string;
  pveOstypeQemu: string;
  kernel: string;
  linux: boolean;
  /** Package manager family for synthetic package lists. */
  pkg: 'apt' | 'dnf' | 'none';
}

export interface Subnet {
  id: number;
  name: string;
  /** Network address, e.g. `10.0.3.0`. */
  network: string;
  cidr: number;
  mask: string;
  gateway: string;
  dnsPrimary: string;
  /** First and last address of the DHCP range. */
  from: string;
  to: string;
  vlanid: number | null;
  domainId: number;
  locationId: number;
}

export interface Domain {
  id: number;
  name: string;
  fullname: string | null;
}

export interface Location {
  id: number;
  name: string;
}

export interface Organization {
  id: number;
  name: string;
}

export interface NetInterface {
  /** Interface name inside the machine (`eth0`, `ens18`, `eno1`). */
  ifname: string;
  mac: string;
  /** IPv4 address, or null when the interface has none. */
  ip: string | null;
  prefix: number;
  gateway: string | null;
  /** Proxmox bridge (`vmbr0`) for guests, otherwise null. */
  bridge: string | null;
  vlan: number | null;
  /** True when the address comes from DHCP (Proxmox config says `ip=dhcp`). */
  dhcp: boolean;
}

/** Ground truth for one machine. */
export interface Machine {
  /** Stable lab id: `m-000001`. */
  id: string;
  kind: MachineKind;
  /** Service role the name derives from (`web`, `db`, `proxmox`, `router` …). */
  role: string;
  /** Current short host name (what Proxmox / the machine itself says now). */
  hostname: string;
  domain: string;
  fqdn: string;
  /** Current primary IPv4 address. */
  ip: string;
  mac: string;
  interfaces: NetInterface[];
  subnetId: number;
  locationId: number;
  organizationId: number;
  os: OsInfo;
  /** `/etc/machine-id`, 32 lower-case hex characters; null for routers. */
  machineId: string | null;
  /** SMBIOS system UUID; null for LXC containers and routers. */
  smbiosUuid: string | null;
  cores: number;
  memoryMiB: number;
  diskGiB: number;
  bootTime: number;
  /** Name before a rename (Foreman and PatchMon still use it), otherwise null. */
  formerHostname: string | null;
  /** Address before a DHCP move (Foreman still has it), otherwise null. */
  formerIp: string | null;
  /** True when the machine no longer exists but PatchMon still lists it. */
  decommissioned: boolean;
}

export interface PveNode {
  name: string;
  cluster: string;
  /** Lab machine id (`Machine.id`). */
  machine: string;
  ip: string;
  status: 'online' | 'offline';
  cores: number;
  memoryBytes: number;
  rootfsBytes: number;
  uptime: number;
  pveVersion: string;
  kernel: string;
  cpuModel: string;
}

export interface PveCluster {
  name: string;
  nodes: string[];
}

export interface PveGuest {
  cluster: string;
  node: string;
  type: 'qemu' | 'lxc';
  vmid: number;
  /** Current name (hostname for LXC). */
  name: string;
  /** Lab machine id (`Machine.id`). */
  machine: string;
  status: 'running' | 'stopped';
  template: boolean;
  tags: string[];
  pool: string | null;
  cores: number;
  memoryMiB: number;
  diskGiB: number;
  /** QEMU guest agent enabled in config. */
  agent: boolean;
  /** Guest agent actually answering (false → 500 "QEMU guest agent is not running"). */
  agentRunning: boolean;
  ostype: string;
  uptime: number;
  /** Same interfaces as the machine, in config order (`net0`, `net1`, …). */
  interfaces: NetInterface[];
  description: string;
  onboot: boolean;
  unprivileged: boolean;
  /** QEMU `smbios1` uuid; null for LXC. */
  smbiosUuid: string | null;
}

export interface ForemanHostgroup {
  id: number;
  name: string;
  title: string;
  parentId: number | null;
  operatingsystemId: number | null;
  domainId: number | null;
  subnetId: number | null;
  computeResourceId: number | null;
}

export interface ForemanOs {
  id: number;
  name: string;
  major: string;
  minor: string;
  family: 'Debian' | 'Redhat' | 'Windows';
  title: string;
}

export interface ForemanComputeResource {
  id: number;
  name: string;
  /** Proxmox cluster this compute resource points at. */
  cluster: string;
  url: string;
}

export interface ForemanHost {
  id: number;
  /** Lab machine id (`Machine.id`). */
  machine: string;
  /** FQDN as Foreman knows it (may be the former name). */
  name: string;
  ip: string;
  mac: string;
  ifname: string;
  domainId: number;
  subnetId: number;
  hostgroupId: number | null;
  operatingsystemId: number;
  organizationId: number;
  locationId: number;
  computeResourceId: number | null;
  /** Compute resource VM id (`<node>/<vmid>` style for Proxmox), null for bare metal. */
  uuid: string | null;
  modelName: string | null;
  architecture: 'x86_64';
  managed: boolean;
  enabled: boolean;
  build: boolean;
  buildStatus: 0 | 1 | 2 | 3;
  globalStatus: 0 | 1 | 2;
  /** Config-management last report, null when the host never reported. */
  lastReport: number | null;
  /** Whether facts were uploaded (uptime_seconds / reported_data present). */
  hasFacts: boolean;
  createdAt: number;
  updatedAt: number;
  installedAt: number | null;
  ownerId: number | null;
  comment: string;
}

export interface PatchmonHostGroup {
  id: string;
  name: string;
  description: string | null;
  color: string;
  createdAt: number;
}

export interface PatchmonHost {
  id: string;
  /** Lab machine id (`Machine.id`). */
  machine: string;
  /** `machine_id` as the agent reported it (`/etc/machine-id`, or `pending-<uuid>`). */
  reportedMachineId: string;
  friendlyName: string;
  hostname: string;
  ip: string;
  osType: string;
  osVersion: string;
  architecture: string;
  kernel: string;
  agentVersion: string;
  apiId: string;
  hostGroupIds: string[];
  status: 'active' | 'pending';
  lastUpdate: number;
  createdAt: number;
  needsReboot: boolean;
  rebootReason: string | null;
  totalPackages: number;
  updatesCount: number;
  securityUpdatesCount: number;
  totalRepos: number;
  cpuModel: string;
  cpuCores: number;
  ramGb: number;
  bootTime: number;
  dockerEnabled: boolean;
  notes: string | null;
  /** Seed for the lazily generated package list (see `patchmonPackages`). */
  pkgSeed: number;
}

export interface RouterInterface {
  /** RouterOS internal id, `*1`. */
  id: string;
  name: string;
  defaultName: string | null;
  /** `veth`: the router's end of a container's link (RouterOS's container feature). */
  type: 'ether' | 'bridge' | 'vlan' | 'wlan' | 'loopback' | 'sfp-sfpplus' | 'veth';
  mac: string;
  mtu: number;
  running: boolean;
  disabled: boolean;
  comment: string | null;
  /** Bridge port (`slave=true`). */
  slave: boolean;
}

export interface RouterAddress {
  id: string;
  /** `192.168.88.1/24`. */
  address: string;
  network: string;
  interface: string;
  dynamic: boolean;
  disabled: boolean;
  comment: string | null;
}

export interface RouterDevice {
  /** Lab machine id (`Machine.id`). */
  machine: string;
  identity: string;
  /** Management address (first address). */
  ip: string;
  boardName: string;
  model: string;
  /** Serial number, or the CHR software id; the RouterOS external id. */
  serial: string;
  routerboard: boolean;
  architecture: 'arm' | 'arm64' | 'mmips' | 'x86_64';
  cpu: string;
  cpuCount: number;
  totalMemory: number;
  version: string;
  channel: 'stable' | 'long-term' | 'testing';
  /** Latest version on the channel, or null when the last check failed. */
  latestVersion: string | null;
  /** Last update check status, or null if never checked. */
  updateStatus: string | null;
  factoryFirmware: string;
  currentFirmware: string;
  upgradeFirmware: string;
  firmwareType: string | null;
  uptimeSeconds: number;
  interfaces: RouterInterface[];
  addresses: RouterAddress[];
}

export interface TruthRecord {
  system: SystemKind;
  externalId: string;
}

export interface TruthEntry {
  machine: string;
  records: TruthRecord[];
}

export interface Fleet {
  seed: number;
  size: number;
  now: number;
  machines: Machine[];
  locations: Location[];
  organizations: Organization[];
  domains: Domain[];
  subnets: Subnet[];
  proxmox: {
    clusters: PveCluster[];
    nodes: PveNode[];
    guests: PveGuest[];
    pools: string[];
  };
  foreman: {
    hosts: ForemanHost[];
    hostgroups: ForemanHostgroup[];
    operatingsystems: ForemanOs[];
    computeResources: ForemanComputeResource[];
  };
  patchmon: {
    hosts: PatchmonHost[];
    hostGroups: PatchmonHostGroup[];
  };
  routeros: {
    devices: RouterDevice[];
  };
}

export interface FleetOptions {
  /** Number of assets (machines), 10..100 000. */
  size: number;
  seed: number;
  /** Reference time (ms or Date); defaults to a fixed instant so fleets are reproducible. */
  now?: number | Date;
}
