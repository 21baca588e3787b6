/**
 * Node, storage, pool and SDN payloads (`extract_node_stats` and friends), node status and the
 * node's pending package updates.
 */
import type { SimNode, SimStorage } from './model';
import { type SimState, fraction, hashString } from './state';

/** `extract_node_stats`: stats only for callers with Sys.Audit; only max* when offline. */
export function nodeEntry(
  state: SimState,
  node: SimNode,
  withStats: boolean,
): Record<string, unknown> {
  const e: Record<string, unknown> = {
    id: `node/${node.name}`,
    type: 'node',
    node: node.name,
    status: node.online ? 'online' : 'offline',
  };
  if (!withStats) return e;
  if (node.online) {
    const s = nodeStats(state, node);
    Object.assign(e, {
      level: node.level,
      'cgroup-mode': 2,
      uptime: state.nodeUptimeS(node.name),
      cpu: s.cpu,
      maxcpu: node.threads,
      mem: s.memUsed,
      maxmem: node.memoryBytes,
      disk: s.rootUsed,
      maxdisk: node.rootfsBytes,
    });
  } else {
    Object.assign(e, {
      level: '',
      maxcpu: node.threads,
      maxmem: node.memoryBytes,
      maxdisk: node.rootfsBytes,
    });
  }
  return e;
}

function nodeStats(
  state: SimState,
  node: SimNode,
): { cpu: number; memUsed: number; rootUsed: number } {
  const h = hashString(node.name);
  return {
    cpu: Math.round(fraction(state.cluster.seed, h, 1) * 0.4 * 10000) / 10000,
    memUsed: Math.floor(node.memoryBytes * (0.2 + 0.5 * fraction(state.cluster.seed, h, 2))),
    rootUsed: Math.floor(node.rootfsBytes * (0.05 + 0.3 * fraction(state.cluster.seed, h, 3))),
  };
}

/** `GET /nodes/{node}/status`. */
export function nodeStatus(state: SimState, node: SimNode): Record<string, unknown> {
  const s = nodeStats(state, node);
  const h = hashString(node.name);
  const load = (k: number): string => (fraction(state.cluster.seed, h, 10 + k) * 2).toFixed(2);
  const swapTotal = 8589930496;
  const kver = `#1 SMP PREEMPT_DYNAMIC PMX ${node.kernel.replace(/-pve$/, '')} (2024-11-06T15:04Z)`;
  const amd = node.cpuModel.includes('AMD');
  return {
    uptime: state.nodeUptimeS(node.name),
    idle: 0,
    loadavg: [load(1), load(2), load(3)],
    cpu: s.cpu,
    wait: Math.round(fraction(state.cluster.seed, h, 4) * 0.002 * 10000) / 10000,
    kversion: `Linux ${node.kernel} ${kver}`,
    'current-kernel': { sysname: 'Linux', release: node.kernel, version: kver, machine: 'x86_64' },
    'boot-info': { mode: 'efi', secureboot: 0 },
    cpuinfo: {
      model: node.cpuModel,
      sockets: node.sockets,
      cores: node.cores,
      cpus: node.threads,
      mhz: amd ? '3400.000' : '2100.000',
      hvm: '1',
      flags:
        'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm abm avx2 bmi1 bmi2',
      user_hz: 100,
      vendor: amd ? 'AuthenticAMD' : 'GenuineIntel',
      family: amd ? '25' : '6',
    },
    memory: {
      total: node.memoryBytes,
      used: s.memUsed,
      free: node.memoryBytes - s.memUsed,
      available: Math.floor((node.memoryBytes - s.memUsed) * 0.97),
    },
    swap: { total: swapTotal, used: 0, free: swapTotal },
    ksm: { shared: 0 },
    rootfs: {
      total: node.rootfsBytes,
      used: s.rootUsed,
      avail: Math.floor((node.rootfsBytes - s.rootUsed) * 0.94),
      free: node.rootfsBytes - s.rootUsed,
    },
    pveversion: state.flavor.manager,
  };
}

/** `/cluster/resources` storage entries: one per node per storage. */
export function storageEntry(
  state: SimState,
  node: SimNode,
  st: SimStorage,
): Record<string, unknown> {
  const e: Record<string, unknown> = {
    id: `storage/${node.name}/${st.id}`,
    type: 'storage',
    storage: st.id,
    node: node.name,
    plugintype: st.type,
    status: node.online ? 'available' : 'unknown',
    shared: st.shared ? 1 : 0,
    content: st.content,
  };
  if (node.online) {
    const used = Math.floor(
      st.totalBytes * (0.1 + 0.6 * fraction(state.cluster.seed, hashString(node.name + st.id))),
    );
    e.disk = used;
    e.maxdisk = st.totalBytes;
  }
  return e;
}

export function sdnEntry(node: SimNode): Record<string, unknown> {
  return {
    id: `sdn/${node.name}/localnetwork`,
    type: 'sdn',
    sdn: 'localnetwork',
    node: node.name,
    status: node.online ? 'ok' : 'unknown',
  };
}

interface AptPackage {
  Package: string;
  Title: string;
  Description: string;
  Origin: string;
  Section: string;
  Priority: string;
  Arch: string;
  OldVersion: string;
  Version: string;
}

const APT_CANDIDATES: [string, string, string, string, string, string][] = [
  ['pve-manager', 'The Proxmox Virtual Environment', 'admin', 'Proxmox', '8.3.0', '8.3.2'],
  ['proxmox-kernel-6.8', 'Latest Proxmox Kernel Image', 'admin', 'Proxmox', '6.8.12-4', '6.8.12-5'],
  ['pve-qemu-kvm', 'Full virtualization on x86 hardware', 'admin', 'Proxmox', '9.0.2-4', '9.2.0-2'],
  ['libpve-common-perl', 'Proxmox VE base library', 'perl', 'Proxmox', '8.2.9', '8.3.1'],
  [
    'openssl',
    'Secure Sockets Layer toolkit - cryptographic utility',
    'utils',
    'Debian',
    '3.0.15-1~deb12u1',
    '3.0.16-1~deb12u1',
  ],
  [
    'libc6',
    'GNU C Library: Shared libraries',
    'libs',
    'Debian',
    '2.36-9+deb12u8',
    '2.36-9+deb12u9',
  ],
  [
    'tzdata',
    'time zone and daylight-saving time data',
    'localization',
    'Debian',
    '2024a-0+deb12u1',
    '2024b-0+deb12u1',
  ],
  [
    'curl',
    'command line tool for transferring data with URL syntax',
    'web',
    'Debian',
    '7.88.1-10+deb12u7',
    '7.88.1-10+deb12u8',
  ],
];

/** `GET /nodes/{node}/apt/update`: a deterministic subset of pending updates per node. */
export function aptUpdates(state: SimState, node: SimNode): AptPackage[] {
  const h = hashString(node.name);
  return APT_CANDIDATES.filter((_, i) => fraction(state.cluster.seed, h, 100 + i) < 0.6).map(
    ([pkg, title, section, origin, oldVersion, version]) => ({
      Package: pkg,
      Title: title,
      Description: `${title}.`,
      Origin: origin,
      Section: section,
      Priority: pkg === 'libc6' ? 'required' : 'optional',
      Arch: pkg === 'tzdata' ? 'all' : 'amd64',
      OldVersion: oldVersion,
      Version: version,
    }),
  );
}
