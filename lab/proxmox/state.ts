/**
 * Everything one simulated cluster holds for the server's lifetime: the guests' power state,
 * the access configuration, tickets and tasks.
 */
import { PermissionEngine } from './acl';
import { AccessStore } from './access-store';
import { TicketAuthority } from './auth';
import type { SimCluster, SimGuest, SimNode } from './model';
import type { PveMajor } from './privileges';
import { TaskTable } from './tasks';

export interface Flavor {
  major: PveMajor;
  /**
   * Pre-8.4 behaviour: no `message` key in JSON error bodies, LXC `vmid` as strings, no
   * `ip-addresses`/`hardware-address` in LXC interfaces.
   */
  legacy: boolean;
  /** `GET /nodes/{node}/lxc/{vmid}/interfaces` exists (PVE 8.1 and later; before, 501). */
  lxcInterfaces: boolean;
  version: string;
  release: string;
  repoid: string;
  manager: string;
}

/**
 * `legacy: true` imitates PVE 8.1 (before 8.4's wire changes); `'before-8.1'` goes back to PVE
 * 8.0, which has the same wire details and no LXC `interfaces` endpoint yet.
 */
export type LegacyMode = boolean | 'before-8.1';

export function makeFlavor(major: PveMajor, legacy: LegacyMode): Flavor {
  if (major === 9) {
    return {
      major,
      legacy: legacy !== false,
      lxcInterfaces: true,
      version: '9.0.10',
      release: '9.0',
      repoid: 'deb1ca707ec72a89',
      manager: 'pve-manager/9.0.10/deb1ca707ec72a89',
    };
  }
  if (legacy === 'before-8.1') {
    return {
      major,
      legacy: true,
      lxcInterfaces: false,
      version: '8.0.4',
      release: '8.0',
      repoid: 'd258a813cfa6b390',
      manager: 'pve-manager/8.0.4/d258a813cfa6b390',
    };
  }
  if (legacy) {
    return {
      major,
      legacy,
      lxcInterfaces: true,
      version: '8.1.10',
      release: '8.1',
      repoid: '4b06efb5db453f29',
      manager: 'pve-manager/8.1.10/4b06efb5db453f29',
    };
  }
  return {
    major,
    legacy,
    lxcInterfaces: true,
    version: '8.4.14',
    release: '8.4',
    repoid: 'b502d23c55afcba1',
    manager: 'pve-manager/8.4.14/b502d23c55afcba1',
  };
}

/** A guest plus what changes while the lab runs. */
export interface LiveGuest extends SimGuest {
  /** When the guest (last) booted, for `uptime`. */
  bootMs: number;
}

/** Deterministic 32-bit mix of a few integers (statistics that look alive but never change). */
export function mix(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h ^= p >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  }
  return h >>> 0;
}

export function fraction(...parts: number[]): number {
  return mix(...parts) / 0x100000000;
}

export class SimState {
  readonly store: AccessStore;
  readonly perms: PermissionEngine;
  readonly tickets: TicketAuthority;
  readonly tasks: TaskTable;
  readonly guests = new Map<number, LiveGuest>();
  readonly nodes = new Map<string, SimNode>();
  /** Node boot times, for node uptime. */
  readonly nodeBootMs = new Map<string, number>();

  constructor(
    readonly cluster: SimCluster,
    readonly flavor: Flavor,
    readonly now: () => number,
    taskDurationMs: number,
    /** SHA-256 fingerprint of the served certificate (`ssl_fingerprint`). */
    readonly fingerprint: string,
  ) {
    this.store = new AccessStore(flavor.major);
    this.perms = new PermissionEngine(this.store);
    this.tickets = new TicketAuthority(now);
    this.tasks = new TaskTable(now, taskDurationMs, cluster.seed);
    const start = now();
    for (const node of cluster.nodes) {
      this.nodes.set(node.name, node);
      const uptimeS =
        node.uptimeS ??
        86400 +
          Math.floor(fraction(cluster.seed, node.ip.length, hashString(node.name)) * 60 * 86400);
      this.nodeBootMs.set(node.name, start - uptimeS * 1000);
    }
    for (const g of cluster.guests) {
      const uptimeS = g.uptimeS ?? 600 + Math.floor(fraction(cluster.seed, g.vmid, 7) * 30 * 86400);
      this.guests.set(g.vmid, {
        ...g,
        tags: [...g.tags],
        nics: g.nics.map((n) => ({ ...n })),
        bootMs: start - uptimeS * 1000,
      });
    }
    for (const pool of cluster.pools) {
      this.store.pools.set(pool.id, {
        ...(pool.comment === undefined ? {} : { comment: pool.comment }),
        vms: new Set(),
        storage: new Set(),
      });
    }
    for (const g of cluster.guests) {
      if (g.pool !== undefined) {
        const pool = this.store.pools.get(g.pool) ?? {
          vms: new Set<number>(),
          storage: new Set<string>(),
        };
        this.store.pools.set(g.pool, pool);
        pool.vms.add(g.vmid);
      }
    }
  }

  nowSec(): number {
    return Math.floor(this.now() / 1000);
  }

  isClustered(): boolean {
    return this.cluster.name !== undefined;
  }

  nodeOnline(name: string): boolean {
    return this.nodes.get(name)?.online ?? false;
  }

  /** Guests whose node is offline or that lack fresh RRD data are reported as `unknown`. */
  guestUnknown(g: LiveGuest): boolean {
    return g.unknown === true || !this.nodeOnline(g.node);
  }

  uptimeS(g: LiveGuest): number {
    return g.status === 'running' ? Math.max(0, Math.floor((this.now() - g.bootMs) / 1000)) : 0;
  }

  nodeUptimeS(node: string): number {
    return Math.floor((this.now() - (this.nodeBootMs.get(node) ?? this.now())) / 1000);
  }
}

export function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) >>> 0;
  return h;
}
