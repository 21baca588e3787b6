/**
 * Foreman users, personal access tokens and the API authentication rules of reference §2:
 * Basic with a password or a PAT (PAT tried first), no Bearer PATs, brute-force lockout per IP.
 */
import { createRng, hashSeed } from '../fleet/prng';
import type { LabRequest } from '../common/http';

export type Permission =
  | 'view_hosts'
  | 'destroy_hosts'
  | 'create_hosts'
  | 'view_facts'
  | 'view_hostgroups'
  | 'view_organizations'
  | 'view_locations'
  | 'view_compute_resources'
  | 'view_operatingsystems'
  | 'view_domains'
  | 'view_subnets';

export interface ForemanUser {
  id: number;
  login: string;
  firstname: string;
  lastname: string;
  mail: string;
  admin: boolean;
  disabled: boolean;
  password: string;
  /** Permissions of a non-admin user. */
  permissions: ReadonlySet<Permission>;
  /** Organizations a non-admin user may see (null: all). */
  organizationIds: readonly number[] | null;
}

export interface PersonalAccessToken {
  id: number;
  userId: number;
  name: string;
  value: string;
  revoked: boolean;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

export interface ForemanCredentials {
  username: string;
  password: string;
  personalAccessToken: string;
  /** A user with `view_hosts` but no `view_facts`, restricted to organization 1. */
  restricted: { username: string; password: string };
  /** A disabled account with a valid password. */
  disabled: { username: string; password: string };
  /** PATs of `admin` that must be refused. */
  expiredToken: string;
  revokedToken: string;
}

const URLSAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class ForemanAuth {
  readonly users: ForemanUser[];
  readonly tokens: PersonalAccessToken[];
  readonly credentials: ForemanCredentials;
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(
    seed: number,
    private readonly clock: () => number,
    private readonly bruteForceLimit: number,
  ) {
    const rng = createRng(hashSeed(seed, 'foreman-auth'));
    const pat = () =>
      Array.from({ length: 22 }, () => URLSAFE.charAt(rng.int(0, URLSAFE.length - 1))).join('');
    const all = new Set<Permission>();
    const now = clock();
    this.users = [
      user(4, 'admin', 'Admin', 'User', true, `lab-${rng.hex(6)}`, all, null),
      user(5, 'auditor', 'Audit', 'Reader', false, `lab-${rng.hex(6)}`, readOnly, [1]),
      user(6, 'leaver', 'Former', 'Employee', false, `lab-${rng.hex(6)}`, readOnly, null, true),
    ];
    this.tokens = [
      {
        id: 1,
        userId: 4,
        name: 'rackside',
        value: pat(),
        revoked: false,
        expiresAt: null,
        lastUsedAt: null,
      },
      {
        id: 2,
        userId: 4,
        name: 'old',
        value: pat(),
        revoked: false,
        expiresAt: now - 86_400_000,
        lastUsedAt: null,
      },
      {
        id: 3,
        userId: 4,
        name: 'revoked',
        value: pat(),
        revoked: true,
        expiresAt: null,
        lastUsedAt: null,
      },
    ];
    const [admin, auditor, leaver] = this.users as [ForemanUser, ForemanUser, ForemanUser];
    this.credentials = {
      username: admin.login,
      password: admin.password,
      personalAccessToken: this.tokens[0]!.value,
      restricted: { username: auditor.login, password: auditor.password },
      disabled: { username: leaver.login, password: leaver.password },
      expiredToken: this.tokens[1]!.value,
      revokedToken: this.tokens[2]!.value,
    };
  }

  /** Authenticates a request: the user, or the 401 message. */
  authenticate(req: LabRequest): { user: ForemanUser } | { error: string } {
    const now = this.clock();
    const ip = req.remoteAddress;
    const failed = this.failures.get(ip);
    if (failed && now - failed.last > 5 * 60_000) this.failures.delete(ip);
    const locked =
      this.bruteForceLimit > 0 && (this.failures.get(ip)?.count ?? 0) >= this.bruteForceLimit;
    if (locked) return { error: 'Too many tries, please try again in a few minutes.' };
    const header = req.headers.authorization ?? '';
    let login = '';
    let secret = '';
    if (/^basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      login = colon < 0 ? decoded : decoded.slice(0, colon);
      secret = colon < 0 ? '' : decoded.slice(colon + 1);
    }
    const found = this.users.find((u) => u.login === login);
    let ok = false;
    if (found && secret !== '' && req.credentialFault === null) {
      const token = this.tokens.find((t) => t.userId === found.id && t.value === secret);
      if (token && !token.revoked && (token.expiresAt === null || token.expiresAt > now)) {
        token.lastUsedAt = now;
        ok = true;
      } else {
        ok = secret === found.password;
      }
    }
    if (!ok || !found) {
      const entry = this.failures.get(ip) ?? { count: 0, last: now };
      this.failures.set(ip, { count: entry.count + 1, last: now });
      return { error: `Unable to authenticate user ${login}` };
    }
    if (found.disabled) {
      return { error: 'User account is disabled, please contact your administrator' };
    }
    return { user: found };
  }
}

const readOnly: ReadonlySet<Permission> = new Set<Permission>([
  'view_hosts',
  'view_hostgroups',
  'view_organizations',
  'view_locations',
  'view_operatingsystems',
  'view_domains',
  'view_subnets',
]);

function user(
  id: number,
  login: string,
  firstname: string,
  lastname: string,
  admin: boolean,
  password: string,
  permissions: ReadonlySet<Permission>,
  organizationIds: number[] | null,
  disabled = false,
): ForemanUser {
  return {
    id,
    login,
    firstname,
    lastname,
    mail: `${login}@lab.example.com`,
    admin,
    disabled,
    password,
    permissions,
    organizationIds,
  };
}

export function can(user: ForemanUser, permission: Permission): boolean {
  return user.admin || user.permissions.has(permission);
}
