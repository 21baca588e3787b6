/**
 * The simulated `user.cfg`: users, groups, API tokens, pools, roles and the ACL tree. Lives for
 * the server's lifetime; every change bumps `version` so cached permission results expire.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { builtinRoles, type PveMajor, type RoleDef } from './privileges';

export interface TokenRecord {
  tokenid: string;
  privsep: boolean;
  /** Epoch seconds; 0 = never. */
  expire: number;
  comment?: string;
  secret: string;
}

export interface UserRecord {
  userid: string;
  enable: boolean;
  expire: number;
  firstname?: string;
  lastname?: string;
  email?: string;
  comment?: string;
  password?: string;
  /**
   * A second factor: a password login must also send this code as `otp`, or it is refused. The
   * lab's stand-in for a TOTP entry (the code does not change with time); tests set it.
   */
  otp?: string;
  groups: Set<string>;
  tokens: Map<string, TokenRecord>;
}

export interface GroupRecord {
  comment?: string;
  members: Set<string>;
}

export interface PoolRecord {
  comment?: string;
  vms: Set<number>;
  storage: Set<string>;
}

export type AclKind = 'users' | 'groups' | 'tokens';

/** One ACL path: per kind, per member, role → propagate flag. */
export type AclNode = Record<AclKind, Map<string, Map<string, boolean>>>;

export interface AclEntry {
  path: string;
  type: 'user' | 'group' | 'token';
  ugid: string;
  roleid: string;
  propagate: 0 | 1;
}

export const REALMS: Record<string, { type: string; comment: string }> = {
  pam: { type: 'pam', comment: 'Linux PAM standard authentication' },
  pve: { type: 'pve', comment: 'Proxmox VE authentication server' },
};

export const USERID_RE = /^([^\s:/]+)@([A-Za-z][A-Za-z0-9.\-_]+)$/;
export const TOKEN_NAME_RE = /^[A-Za-z][A-Za-z0-9.\-_]+$/;
export const FULL_TOKENID_RE = /^([^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+)$/;

export function splitTokenId(authid: string): { userid: string; tokenid: string } | undefined {
  const m = FULL_TOKENID_RE.exec(authid);
  return m ? { userid: m[1]!, tokenid: m[2]! } : undefined;
}

export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AccessStore {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly pools = new Map<string, PoolRecord>();
  readonly roles: Map<string, RoleDef>;
  readonly acl = new Map<string, AclNode>();
  /** Bumped on every change; permission caches key on it. */
  version = 0;

  constructor(readonly major: PveMajor) {
    this.roles = builtinRoles(major);
    this.users.set('root@pam', {
      userid: 'root@pam',
      enable: true,
      expire: 0,
      groups: new Set(),
      tokens: new Map(),
    });
  }

  touch(): void {
    this.version++;
  }

  addUser(user: Omit<UserRecord, 'groups' | 'tokens'> & { groups?: string[] }): UserRecord {
    const record: UserRecord = { ...user, groups: new Set(), tokens: new Map() };
    this.users.set(user.userid, record);
    for (const g of user.groups ?? []) this.joinGroup(user.userid, g);
    this.touch();
    return record;
  }

  joinGroup(userid: string, groupid: string): void {
    const group = this.groups.get(groupid) ?? { members: new Set<string>() };
    this.groups.set(groupid, group);
    group.members.add(userid);
    this.users.get(userid)?.groups.add(groupid);
    this.touch();
  }

  deleteUser(userid: string): void {
    this.users.delete(userid);
    for (const g of this.groups.values()) g.members.delete(userid);
    for (const node of this.acl.values()) {
      node.users.delete(userid);
      for (const tokenid of [...node.tokens.keys()]) {
        if (tokenid.startsWith(`${userid}!`)) node.tokens.delete(tokenid);
      }
    }
    this.touch();
  }

  addToken(
    userid: string,
    tokenid: string,
    info: { privsep: boolean; expire: number; comment?: string },
  ): TokenRecord {
    const user = this.users.get(userid);
    if (!user) throw new Error(`no such user ('${userid}')`);
    const token: TokenRecord = { tokenid, ...info, secret: randomUUID() };
    user.tokens.set(tokenid, token);
    this.touch();
    return token;
  }

  regenerateSecret(token: TokenRecord): string {
    token.secret = randomUUID();
    this.touch();
    return token.secret;
  }

  removeToken(userid: string, tokenid: string): void {
    this.users.get(userid)?.tokens.delete(tokenid);
    for (const node of this.acl.values()) node.tokens.delete(`${userid}!${tokenid}`);
    this.touch();
  }

  token(authid: string): { user: UserRecord; token: TokenRecord } | undefined {
    const split = splitTokenId(authid);
    if (!split) return undefined;
    const user = this.users.get(split.userid);
    const token = user?.tokens.get(split.tokenid);
    return user && token ? { user, token } : undefined;
  }

  /** Adds (or with `remove`, deletes) one role for one member on a path. */
  setAcl(
    path: string,
    kind: AclKind,
    member: string,
    role: string,
    propagate: boolean,
    remove = false,
  ): void {
    let node = this.acl.get(path);
    if (!node) {
      node = { users: new Map(), groups: new Map(), tokens: new Map() };
      this.acl.set(path, node);
    }
    const roles = node[kind].get(member) ?? new Map<string, boolean>();
    if (remove) roles.delete(role);
    else roles.set(role, propagate);
    if (roles.size === 0) node[kind].delete(member);
    else node[kind].set(member, roles);
    this.touch();
  }

  aclEntries(): AclEntry[] {
    const out: AclEntry[] = [];
    const types = { users: 'user', groups: 'group', tokens: 'token' } as const;
    for (const [path, node] of this.acl) {
      for (const kind of ['users', 'groups', 'tokens'] as const) {
        for (const [ugid, roles] of node[kind]) {
          for (const [roleid, propagate] of roles) {
            out.push({ path, type: types[kind], ugid, roleid, propagate: propagate ? 1 : 0 });
          }
        }
      }
    }
    return out;
  }

  isUserEnabled(userid: string, nowSec: number): boolean {
    const user = this.users.get(userid);
    if (!user?.enable) return false;
    return user.expire === 0 || user.expire > nowSec;
  }
}

/** `normalize_path` plus the path syntax `PUT /access/acl` accepts. */
export function normalizeAclPath(path: string): string | undefined {
  let p = `/${path}`.replace(/\/+/g, '/');
  if (p.length > 1) p = p.replace(/\/$/, '');
  const ok =
    p === '/' ||
    /^\/(access|nodes|pool|storage|vms|sdn|mapping)$/.test(p) ||
    /^\/access\/(groups|realm)(\/[A-Za-z0-9.\-_]+)?$/.test(p) ||
    /^\/nodes\/[A-Za-z0-9.\-_]+$/.test(p) ||
    /^\/pool\/[A-Za-z0-9.\-_]+(\/[A-Za-z0-9.\-_]+)*$/.test(p) ||
    /^\/storage\/[A-Za-z0-9.\-_]+$/.test(p) ||
    /^\/vms\/\d+$/.test(p) ||
    /^\/sdn\/(zones|vnets)(\/[A-Za-z0-9.\-_]+){0,2}$/.test(p) ||
    /^\/mapping\/(pci|usb|dir)(\/[A-Za-z0-9.\-_]+)?$/.test(p);
  return ok ? p : undefined;
}
