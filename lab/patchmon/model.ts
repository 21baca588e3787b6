/** PatchMon simulator state: users, sessions, credentials (tokens), host groups and hosts. */
import type { Fleet, PatchmonHost, PatchmonHostGroup } from '../fleet';
import { createRng, hashSeed, uuidFromHex, type Rng } from '../fleet/prng';
import { ListIndex } from '../common/list-index';

export type Role = 'superadmin' | 'admin' | 'user';
export type IntegrationType = 'proxmox-lxc' | 'direct-host' | 'api' | 'gethomepage';

export interface PmUser {
  id: string;
  username: string;
  email: string;
  password: string;
  role: Role;
  isActive: boolean;
  firstName: string | null;
  lastName: string | null;
  /** Base32 TOTP secret when two-factor auth is on. */
  tfaSecret: string | null;
  backupCodes: string[];
  lastLogin: number | null;
  updatedAt: number;
}

export interface PmSession {
  id: string;
  userId: string;
  revoked: boolean;
}

export interface PmToken {
  id: string;
  tokenName: string;
  tokenKey: string;
  secret: string;
  isActive: boolean;
  allowedIpRanges: string[];
  maxHostsPerDay: number;
  hostsCreatedToday: number;
  /** UTC date (YYYY-MM-DD) the daily counter belongs to. */
  counterDate: string;
  lastUsedAt: number | null;
  expiresAt: number | null;
  createdAt: number;
  defaultHostGroupId: string | null;
  metadata: Record<string, unknown> | null;
  scopes: Record<string, string[]> | null;
  createdBy: string | null;
}

/** A host as the simulator serves it: a fleet host or one enrolled during the lab's lifetime. */
export interface PmHost extends PatchmonHost {
  apiKey: string | null;
}

export const permissions = {
  superadmin: ['can_view_hosts', 'can_manage_hosts', 'can_manage_settings'],
  admin: ['can_view_hosts', 'can_manage_hosts', 'can_manage_settings'],
  user: ['can_view_hosts'],
} as const satisfies Record<Role, readonly string[]>;

export type PmPermission = (typeof permissions.superadmin)[number];

export interface PatchmonCredentials {
  username: string;
  password: string;
  /** A second admin with TFA on; `totpSecret` (base32) generates codes, `backupCode` works once. */
  tfa: { username: string; password: string; totpSecret: string; backupCode: string };
  /** A `user`-role account without settings permissions. */
  viewer: { username: string; password: string };
  /** Integration API credential (Basic `key:secret`), scopes `host: get, delete`. */
  api: { key: string; secret: string };
  /** gethomepage widget credential. */
  gethomepage: { key: string; secret: string };
  /** Auto-enrollment token (proxmox-lxc) for `/auto-enrollment/enroll`. */
  enrollment: { key: string; secret: string };
}

export class PatchmonState {
  readonly users: PmUser[] = [];
  readonly sessions = new Map<string, PmSession>();
  readonly tokens: PmToken[] = [];
  readonly groups: PatchmonHostGroup[];
  readonly hosts: PmHost[];
  readonly #hostsById = new ListIndex<PmHost, string>(
    () => this.hosts,
    (h) => h.id,
  );
  readonly jwtSecret: string;
  readonly credentials: PatchmonCredentials;
  /** Single-use TFA tickets → user id. */
  readonly tfaTickets = new Map<string, { userId: string; expires: number }>();
  readonly rng: Rng;

  constructor(
    readonly fleet: Fleet,
    readonly clock: () => number,
  ) {
    this.rng = createRng(hashSeed(fleet.seed, 'patchmon'));
    this.jwtSecret = this.rng.hex(32);
    this.groups = fleet.patchmon.hostGroups.map((g) => ({ ...g }));
    this.hosts = fleet.patchmon.hosts.map((h) => ({ ...h, apiKey: null }));
    const now = clock();
    const admin = this.addUser('admin', 'superadmin', null, 'Ada', 'Admin');
    const tfa = this.addUser('secops', 'admin', 'JBSWY3DPEHPK3PXP', 'Sec', 'Ops');
    tfa.backupCodes = [this.rng.hex(3).toUpperCase()];
    const viewer = this.addUser('viewer', 'user', null, null, null);
    const api = this.createToken('Rackside (read+delete)', 'api', { host: ['get', 'delete'] }, now);
    const home = this.createToken('Homepage widget', 'gethomepage', null, now);
    const enroll = this.createToken('Proxmox LXC enrollment', 'proxmox-lxc', null, now);
    this.credentials = {
      username: admin.username,
      password: admin.password,
      tfa: {
        username: tfa.username,
        password: tfa.password,
        totpSecret: tfa.tfaSecret ?? '',
        backupCode: tfa.backupCodes[0] ?? '',
      },
      viewer: { username: viewer.username, password: viewer.password },
      api: { key: api.tokenKey, secret: api.secret },
      gethomepage: { key: home.tokenKey, secret: home.secret },
      enrollment: { key: enroll.tokenKey, secret: enroll.secret },
    };
  }

  uuid(): string {
    return uuidFromHex(this.rng.hex(16));
  }

  private addUser(
    username: string,
    role: Role,
    tfaSecret: string | null,
    firstName: string | null,
    lastName: string | null,
  ): PmUser {
    const user: PmUser = {
      id: this.uuid(),
      username,
      email: `${username}@example.com`,
      password: `Lab-${this.rng.hex(6)}!`,
      role,
      isActive: true,
      firstName,
      lastName,
      tfaSecret,
      backupCodes: [],
      lastLogin: null,
      updatedAt: this.fleet.now - 86_400_000,
    };
    this.users.push(user);
    return user;
  }

  createToken(
    name: string,
    type: string,
    scopes: Record<string, string[]> | null,
    now: number,
    extra: Partial<PmToken> = {},
  ): PmToken {
    const token: PmToken = {
      id: this.uuid(),
      tokenName: name,
      tokenKey: `patchmon_ae_${this.rng.hex(16)}`,
      secret: this.rng.hex(32),
      isActive: true,
      allowedIpRanges: [],
      maxHostsPerDay: 100,
      hostsCreatedToday: 0,
      counterDate: new Date(now).toISOString().slice(0, 10),
      lastUsedAt: null,
      expiresAt: null,
      createdAt: now,
      defaultHostGroupId: null,
      metadata: { integration_type: type },
      scopes: type === 'api' ? scopes : null,
      createdBy: this.users[0]?.id ?? null,
      ...extra,
    };
    this.tokens.push(token);
    return token;
  }

  /** A host by its id (a map lookup: detail requests come once per host of a large fleet). */
  host(id: string): PmHost | undefined {
    return this.#hostsById.get(id);
  }

  /** Call after adding or removing hosts. */
  hostsChanged(): void {
    this.#hostsById.changed();
  }

  group(id: string | null): PatchmonHostGroup | undefined {
    return id === null ? undefined : this.groups.find((g) => g.id === id);
  }
}
