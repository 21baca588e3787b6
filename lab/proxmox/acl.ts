/**
 * Permission evaluation after pve-access-control's `PVE::AccessControl::roles` and
 * `PVE::RPCEnvironment::permissions`: walk the ACL tree from `/` to the path, deeper entries
 * replace shallower ones, token entries beat user entries beat group entries, `propagate=0`
 * only counts on the exact path, `NoAccess` cancels everything, pool ACLs apply (without
 * propagation) to member guests and storages, and privilege-separated tokens get the
 * intersection of their own privileges and their user's.
 */
import { type AccessStore, splitTokenId } from './access-store';
import { permissionError } from './errors';

/** privilege → propagate flag (1/0); a key being present means the privilege is held. */
export type PrivMap = Map<string, 0 | 1>;

type RoleMap = Map<string, boolean>;

export class PermissionEngine {
  private cache = new Map<string, PrivMap>();
  private cacheVersion = -1;

  constructor(private readonly store: AccessStore) {}

  permissions(authid: string, path: string): PrivMap {
    if (this.cacheVersion !== this.store.version) {
      this.cache.clear();
      this.cacheVersion = this.store.version;
    }
    const key = `${authid}\u0000${path}`;
    let privs = this.cache.get(key);
    if (!privs) {
      privs = this.compute(authid, path);
      this.cache.set(key, privs);
    }
    return privs;
  }

  has(authid: string, path: string, priv: string): boolean {
    return this.permissions(authid, path).has(priv);
  }

  /** `$rpcenv->check`: all privileges, else 403 naming the first missing one. */
  check(authid: string, path: string, privs: string[]): void {
    const held = this.permissions(authid, path);
    for (const p of privs) if (!held.has(p)) throw permissionError(`${path}, ${p}`);
  }

  /** `$rpcenv->check_any`: one of the privileges, else 403 naming them joined by `|`. */
  checkAny(authid: string, path: string, privs: string[]): void {
    const held = this.permissions(authid, path);
    if (!privs.some((p) => held.has(p))) throw permissionError(`${path}, ${privs.join('|')}`);
  }

  hasAny(authid: string, path: string, privs: string[]): boolean {
    const held = this.permissions(authid, path);
    return privs.some((p) => held.has(p));
  }

  private compute(authid: string, path: string): PrivMap {
    if (authid === 'root@pam') {
      return new Map([...this.roleDef('Administrator')].map((p) => [p, 1 as const]));
    }
    const split = splitTokenId(authid);
    let ownerPrivs: PrivMap | undefined;
    if (split) {
      const found = this.store.token(authid);
      if (!found) return new Map();
      const userPrivs = this.permissions(split.userid, path);
      if (!found.token.privsep) return userPrivs;
      if (split.userid !== 'root@pam') ownerPrivs = userPrivs;
    } else if (!this.store.users.has(authid)) {
      return new Map();
    }
    let roles = this.roles(authid, path);
    roles = this.applyPoolRoles(authid, path, roles);
    const privs: PrivMap = new Map();
    for (const [role, propagate] of roles) {
      for (const p of this.roleDef(role)) {
        if (privs.get(p) !== 1) privs.set(p, propagate ? 1 : 0);
      }
    }
    if (ownerPrivs) {
      const owner = ownerPrivs;
      for (const [p, flag] of [...privs]) {
        const userFlag = owner.get(p);
        if (userFlag === undefined) privs.delete(p);
        else privs.set(p, userFlag === 1 && flag === 1 ? 1 : 0);
      }
    }
    return privs;
  }

  private roleDef(role: string): Set<string> {
    return this.store.roles.get(role)?.privs ?? new Set();
  }

  /** `PVE::AccessControl::roles` (pools not considered). */
  roles(authid: string, path: string): RoleMap {
    if (authid === 'root@pam') return new Map([['Administrator', true]]);
    const split = splitTokenId(authid);
    if (split) {
      const found = this.store.token(authid);
      if (!found) return new Map();
      if (!found.token.privsep) return this.roles(split.userid, path);
    }
    let roles: RoleMap = new Map();
    const segments = path === '/' ? [] : path.split('/').filter((s) => s !== '');
    for (let depth = 0; depth <= segments.length; depth++) {
      const prefix = depth === 0 ? '/' : `/${segments.slice(0, depth).join('/')}`;
      const node = this.store.acl.get(prefix);
      if (!node) continue;
      const final = depth === segments.length;
      const pick = (entries: Iterable<[string, boolean]>, into: RoleMap): void => {
        for (const [role, propagate] of entries) {
          if (final || propagate) into.set(role, propagate);
        }
      };
      const fromToken: RoleMap = new Map();
      pick(node.tokens.get(authid) ?? [], fromToken);
      if (fromToken.size > 0) {
        roles = fromToken;
        continue;
      }
      const fromUser: RoleMap = new Map();
      pick(node.users.get(authid) ?? [], fromUser);
      if (fromUser.size > 0) {
        roles = fromUser;
        continue;
      }
      const fromGroups: RoleMap = new Map();
      for (const [group, entries] of node.groups) {
        if (this.store.groups.get(group)?.members.has(authid)) pick(entries, fromGroups);
      }
      if (fromGroups.size > 0) roles = fromGroups;
    }
    const noAccess = roles.get('NoAccess');
    return noAccess === undefined ? roles : new Map([['NoAccess', noAccess]]);
  }

  private applyPoolRoles(authid: string, path: string, roles: RoleMap): RoleMap {
    const vm = /^\/vms\/(\d+)$/.exec(path);
    const storage = /^\/storage\/([^/]+)$/.exec(path);
    if (!vm && !storage) return roles;
    const fromPools = new Set<string>();
    for (const [poolid, pool] of this.store.pools) {
      const member = vm ? pool.vms.has(Number(vm[1])) : pool.storage.has(storage?.[1] ?? '');
      if (!member) continue;
      for (const role of this.roles(authid, `/pool/${poolid}`).keys()) fromPools.add(role);
    }
    if (fromPools.size === 0 || roles.has('NoAccess')) return roles;
    if (fromPools.has('NoAccess')) return new Map([['NoAccess', false]]);
    const merged = new Map(roles);
    for (const role of fromPools) if (!merged.has(role)) merged.set(role, false);
    return merged;
  }

  /** `get_effective_permissions`: every interesting path where the identity holds something. */
  effective(authid: string): Record<string, Record<string, 0 | 1>> {
    const paths = new Set([
      '/',
      '/access',
      '/access/groups',
      '/nodes',
      '/pool',
      '/sdn',
      '/storage',
      '/vms',
    ]);
    for (const p of this.store.acl.keys()) paths.add(p);
    for (const pool of this.store.pools.values()) {
      for (const vmid of pool.vms) paths.add(`/vms/${vmid}`);
      for (const s of pool.storage) paths.add(`/storage/${s}`);
    }
    const out: Record<string, Record<string, 0 | 1>> = {};
    for (const path of paths) {
      const privs = this.permissions(authid, path);
      if (privs.size > 0) out[path] = Object.fromEntries(privs);
    }
    return out;
  }

  /** `compute_api_permission`: the `cap` object of a ticket response. */
  capabilities(authid: string): Record<string, Record<string, 1>> {
    const re: Record<string, RegExp> = {
      vms: /^(VM\.|Permissions\.Modify)/,
      access: /^((User|Group)\.|Permissions\.Modify)/,
      storage: /^(Datastore\.|Permissions\.Modify)/,
      nodes: /^(Sys\.|Permissions\.Modify)/,
      sdn: /^(SDN\.|Permissions\.Modify)/,
      dc: /^(Sys\.Audit|Sys\.Modify|SDN\.)/,
      mapping: /^(Mapping\.|Permissions.Modify)/,
    };
    const res: Record<string, Record<string, 1>> = {};
    for (const k of Object.keys(re)) res[k] = {};
    const paths = new Set([
      '/',
      '/nodes',
      '/access/groups',
      '/vms',
      '/storage',
      '/sdn',
      '/mapping',
    ]);
    for (const p of this.store.acl.keys()) paths.add(p);
    for (const path of paths) {
      const privs = this.permissions(authid, path);
      const top = /^\/(\w+)/.exec(path)?.[1] ?? 'dc';
      for (const priv of privs.keys()) {
        if (top === 'pool') {
          if (priv.startsWith('VM.')) res.vms![priv] = 1;
          else if (priv.startsWith('Datastore.')) res.storage![priv] = 1;
          else if (priv === 'Permissions.Modify') {
            res.storage![priv] = 1;
            res.vms![priv] = 1;
          }
          continue;
        }
        const r = re[top];
        if (r?.test(priv)) res[top]![priv] = 1;
      }
    }
    return res;
  }
}
