/**
 * The simulator's own view of one Proxmox VE cluster. The seeded fleet is converted into this
 * shape (fleet-adapter.ts) so the HTTP layer never depends on how the fleet is generated.
 */

export type GuestType = 'qemu' | 'lxc';
export type PowerState = 'running' | 'stopped';

export interface SimNic {
  /** netN index. */
  index: number;
  /** Upper-case MAC as written in the guest config. */
  mac: string;
  bridge: string;
  /** Static IPv4 with prefix (`192.168.50.53/24`), or the literal `dhcp`. */
  ipConfig: string;
  /** The address the guest actually holds (differs from ipConfig for DHCP). */
  address?: string;
  /** Prefix length of `address`. */
  prefix?: number;
  gateway?: string;
  vlan?: number;
  firewall?: boolean;
  /** Interface name inside the guest (`eth0`, `ens18`, `Ethernet 2`). */
  guestName?: string;
}

/**
 * `command-disabled`: the agent answers, but refuses `guest-network-get-interfaces` (disabled
 * by its configuration, or unsupported on an old Windows agent); PVE passed that QGA error on
 * inside a 200 (reference/proxmox.md §5.11).
 */
export type AgentState = 'none' | 'running' | 'not-running' | 'command-disabled';

export interface SimGuest {
  vmid: number;
  type: GuestType;
  node: string;
  name: string;
  status: PowerState;
  /** No fresh RRD data: listed with status `unknown` and no name or stats. */
  unknown?: boolean;
  template?: boolean;
  tags: string[];
  pool?: string;
  lock?: string;
  hastate?: string;
  cores: number;
  memoryMiB: number;
  diskGiB: number;
  /** `debian`, `ubuntu`, `alpine`, … for LXC; `l26`, `win11`, … for QEMU. */
  ostype: string;
  nics: SimNic[];
  /** QEMU only: whether the guest agent is configured and answering. */
  agent?: AgentState;
  /**
   * QEMU only: Docker runs inside, so the agent also lists `docker0` (172.17.0.1 on every such
   * VM) and a `veth…` with a random MAC per container, as in reference/proxmox.md §5.11.
   */
  docker?: boolean;
  description?: string;
  onboot?: boolean;
  /** LXC only. */
  unprivileged?: boolean;
  /** QEMU `smbios1` uuid (matches the guest's SMBIOS UUID elsewhere in the fleet). */
  smbiosUuid?: string;
  searchdomain?: string;
  nameserver?: string;
  /** Seconds since boot when the lab starts (running guests). */
  uptimeS?: number;
  /** A start task for this guest ends with this error text instead of `OK`. */
  failStart?: string;
}

export interface SimNode {
  name: string;
  ip: string;
  online: boolean;
  /** Subscription level: '', 'c', 'b', 's', 'p'. */
  level: string;
  cpuModel: string;
  sockets: number;
  cores: number;
  threads: number;
  memoryBytes: number;
  rootfsBytes: number;
  kernel: string;
  /** Seconds since boot when the lab starts. */
  uptimeS?: number;
}

export interface SimStorage {
  id: string;
  type: string;
  content: string;
  shared: boolean;
  totalBytes: number;
}

export interface SimPool {
  id: string;
  comment?: string;
}

export interface SimCluster {
  /** Cluster name; undefined for a standalone node (no corosync cluster). */
  name?: string;
  nodes: SimNode[];
  guests: SimGuest[];
  storages: SimStorage[];
  pools: SimPool[];
  /** Salt for the deterministic statistics (uptime, counters). */
  seed: number;
}
