/**
 * Auto-enrollment tokens and API credentials (reference §5), the Basic-auth and scope
 * middleware of the integration API (§4, §8), enrollment (§6) and the install script.
 */
import type { LabRequest, LabResponse } from '../common/http';
import { sameSecret } from './crypto';
import type { PatchmonState, PmHost, PmToken } from './model';
import { clientIp, fail, ok, PmError, readJson, rfc3339, goTime } from './respond';

export function tokenListItem(state: PatchmonState, t: PmToken): Record<string, unknown> {
  const group = state.group(t.defaultHostGroupId);
  const user = state.users.find((u) => u.id === t.createdBy);
  return {
    id: t.id,
    token_name: t.tokenName,
    token_key: t.tokenKey,
    is_active: t.isActive,
    allowed_ip_ranges: t.allowedIpRanges,
    max_hosts_per_day: t.maxHostsPerDay,
    hosts_created_today: t.hostsCreatedToday,
    last_used_at: t.lastUsedAt === null ? null : goTime(t.lastUsedAt),
    expires_at: t.expiresAt === null ? null : goTime(t.expiresAt),
    created_at: goTime(t.createdAt),
    default_host_group_id: t.defaultHostGroupId,
    metadata: t.metadata,
    scopes: t.scopes,
    host_groups: group ? { id: group.id, name: group.name, color: group.color } : null,
    users: user
      ? {
          id: user.id,
          username: user.username,
          first_name: user.firstName,
          last_name: user.lastName,
        }
      : null,
  };
}

function parseScopes(value: unknown): Record<string, string[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(400, 'Scopes must be an object');
  }
  const out: Record<string, string[]> = {};
  for (const [resource, actions] of Object.entries(value)) {
    if (!Array.isArray(actions))
      throw fail(400, `Scopes for resource "${resource}" must be an array of actions`);
    if (!actions.every((a) => typeof a === 'string'))
      throw fail(400, 'All actions in scopes must be strings');
    out[resource] = actions;
  }
  return out;
}

function parseExpiry(value: unknown, allowShort: boolean): number | null | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === '') return null;
  const ok3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value);
  const okShort = allowShort && /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value);
  if (!ok3339 && !okShort) return undefined;
  const t = Date.parse(okShort ? `${value}:00Z` : value);
  return Number.isNaN(t) ? undefined : t;
}

export function createToken(state: PatchmonState, req: LabRequest, userId: string): LabResponse {
  const body = readJson(req);
  const name = typeof body.token_name === 'string' ? body.token_name : '';
  if (name.length < 1 || name.length > 255)
    throw fail(400, 'Token name is required (max 255 characters)');
  const groupId =
    typeof body.default_host_group_id === 'string' ? body.default_host_group_id : null;
  if (groupId !== null && groupId !== '' && !state.group(groupId))
    throw fail(400, 'Host group not found');
  const metadata =
    typeof body.metadata === 'object' && body.metadata !== null
      ? (body.metadata as Record<string, unknown>)
      : {};
  const type =
    typeof metadata.integration_type === 'string' ? metadata.integration_type : 'proxmox-lxc';
  const scopes = type === 'api' && body.scopes !== undefined ? parseScopes(body.scopes) : null;
  const max = typeof body.max_hosts_per_day === 'number' ? body.max_hosts_per_day : 0;
  const now = state.clock();
  const token = state.createToken(name, type, scopes, now, {
    maxHostsPerDay: max >= 1 && max <= 1000 ? Math.floor(max) : 100,
    allowedIpRanges: Array.isArray(body.allowed_ip_ranges)
      ? body.allowed_ip_ranges.filter((r): r is string => typeof r === 'string')
      : [],
    expiresAt: parseExpiry(body.expires_at, true) ?? null,
    defaultHostGroupId: groupId === '' ? null : groupId,
    metadata: { ...metadata, integration_type: type },
    createdBy: userId,
  });
  const group = state.group(token.defaultHostGroupId);
  const user = state.users.find((u) => u.id === userId);
  return ok(201, {
    message: 'Auto-enrollment token created successfully',
    token: {
      id: token.id,
      token_name: token.tokenName,
      token_key: token.tokenKey,
      token_secret: token.secret,
      max_hosts_per_day: token.maxHostsPerDay,
      default_host_group: group ? { id: group.id, name: group.name, color: group.color } : null,
      created_by: user
        ? {
            id: user.id,
            username: user.username,
            first_name: user.firstName,
            last_name: user.lastName,
          }
        : null,
      expires_at: token.expiresAt === null ? null : rfc3339(token.expiresAt),
      scopes: token.scopes,
    },
    warning: 'Save the token_secret now - it cannot be retrieved later!',
  });
}

export function patchToken(state: PatchmonState, req: LabRequest, token: PmToken): LabResponse {
  const body = readJson(req);
  if (body.token_name !== undefined) {
    const n = typeof body.token_name === 'string' ? body.token_name : '';
    if (n.length < 1 || n.length > 255)
      throw fail(400, 'Token name must be between 1 and 255 characters');
    token.tokenName = n;
  }
  if (body.max_hosts_per_day !== undefined) {
    const m = body.max_hosts_per_day;
    if (typeof m !== 'number' || m < 1 || m > 1000)
      throw fail(400, 'Max hosts per day must be between 1 and 1000');
    token.maxHostsPerDay = Math.floor(m);
  }
  if (body.default_host_group_id !== undefined) {
    const g = body.default_host_group_id;
    if (g === '' || g === null) token.defaultHostGroupId = null;
    else if (typeof g === 'string' && state.group(g)) token.defaultHostGroupId = g;
    else throw fail(400, 'Host group not found');
  }
  if (body.scopes !== undefined) {
    if (token.metadata?.integration_type !== 'api') {
      throw fail(400, 'Scopes can only be updated for API integration tokens');
    }
    token.scopes = parseScopes(body.scopes);
  }
  if (typeof body.is_active === 'boolean') token.isActive = body.is_active;
  if (Array.isArray(body.allowed_ip_ranges)) {
    token.allowedIpRanges = body.allowed_ip_ranges.filter(
      (r): r is string => typeof r === 'string',
    );
  }
  const expiry = parseExpiry(body.expires_at, false);
  if (expiry !== undefined) token.expiresAt = expiry;
  return ok(200, { message: 'Token updated successfully', token: tokenListItem(state, token) });
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function ipAllowed(ip: string, ranges: readonly string[]): boolean {
  if (ranges.length === 0) return true;
  return ranges.some((range) => {
    const [base = '', bitsText] = range.split('/');
    if (bitsText === undefined) return base === ip;
    const a = ipv4ToInt(base);
    const b = ipv4ToInt(ip);
    const bits = Number(bitsText);
    if (a === null || b === null || !(bits >= 0 && bits <= 32)) return false;
    const size = 2 ** (32 - bits);
    return Math.floor(a / size) === Math.floor(b / size);
  });
}

/** The integration/gethomepage Basic-auth middleware, checks in reference §4 order. */
export function requireApiKey(
  state: PatchmonState,
  req: LabRequest,
  type: 'api' | 'gethomepage',
): PmToken {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) throw fail(401, 'Missing or invalid authorization header');
  const encoded = header.slice(6).trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded))
    throw fail(401, 'Missing or invalid authorization header');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon < 0 ? '' : decoded.slice(0, colon);
  const secret = colon < 0 ? '' : decoded.slice(colon + 1);
  if (key === '' || secret === '') throw fail(401, 'Invalid credentials format');
  const token = state.tokens.find((t) => t.tokenKey === key);
  if (!token) throw fail(401, 'Invalid API key');
  const now = state.clock();
  if (!token.isActive || req.credentialFault === 'revoked') throw fail(401, 'API key is disabled');
  if ((token.expiresAt !== null && token.expiresAt <= now) || req.credentialFault === 'expired') {
    throw fail(401, 'API key has expired');
  }
  if (token.metadata?.integration_type !== type) throw fail(401, 'Invalid API key type');
  if (!sameSecret(token.secret, secret)) throw fail(401, 'Invalid API secret');
  if (!ipAllowed(clientIp(req), token.allowedIpRanges)) throw fail(403, 'IP address not allowed');
  token.lastUsedAt = now;
  return token;
}

export function requireScope(token: PmToken, resource: string, action: string): void {
  const denied = (message: string) => new PmError(ok(403, { error: 'Access denied', message }));
  const scopes = token.scopes;
  if (scopes === null || Object.keys(scopes).length === 0) {
    throw denied('This API key does not have the required permissions');
  }
  const actions = scopes[resource];
  if (actions === undefined) throw denied(`This API key does not have access to ${resource}`);
  if (!actions.includes(action))
    throw denied(`This API key does not have permission to ${action} ${resource}`);
}

/** Header checks of `/auto-enrollment/enroll` (reference §6.1 steps 1–7). */
function requireEnrollmentToken(state: PatchmonState, req: LabRequest): PmToken {
  const key = req.headers['x-auto-enrollment-key'];
  const secret = req.headers['x-auto-enrollment-secret'];
  if (typeof key !== 'string' || typeof secret !== 'string' || key === '' || secret === '') {
    throw fail(401, 'Auto-enrollment credentials required');
  }
  const token = state.tokens.find((t) => t.tokenKey === key);
  if (!token?.isActive || req.credentialFault === 'revoked')
    throw fail(401, 'Invalid or inactive token');
  if (!sameSecret(token.secret, secret)) throw fail(401, 'Invalid token secret');
  const now = state.clock();
  if ((token.expiresAt !== null && token.expiresAt <= now) || req.credentialFault === 'expired') {
    throw fail(401, 'Token expired');
  }
  if (!ipAllowed(clientIp(req), token.allowedIpRanges)) {
    throw fail(403, 'IP address not authorized for this token');
  }
  const today = new Date(now).toISOString().slice(0, 10);
  if (token.counterDate !== today) {
    token.counterDate = today;
    token.hostsCreatedToday = 0;
  }
  return token;
}

function enrollOne(
  state: PatchmonState,
  token: PmToken,
  friendlyName: string,
  machineId: string | null,
): PmHost {
  const now = state.clock();
  const id = state.uuid();
  const host: PmHost = {
    id,
    machine: '',
    reportedMachineId: machineId ?? `pending-${state.uuid()}`,
    friendlyName,
    hostname: '',
    ip: '',
    osType: 'unknown',
    osVersion: 'unknown',
    architecture: '',
    kernel: '',
    agentVersion: '',
    apiId: `patchmon_${state.rng.hex(8)}`,
    hostGroupIds: token.defaultHostGroupId === null ? [] : [token.defaultHostGroupId],
    status: 'pending',
    lastUpdate: now,
    createdAt: now,
    needsReboot: false,
    rebootReason: null,
    totalPackages: 0,
    updatesCount: 0,
    securityUpdatesCount: 0,
    totalRepos: 0,
    cpuModel: '',
    cpuCores: 0,
    ramGb: 0,
    bootTime: now,
    dockerEnabled: false,
    notes: null,
    pkgSeed: 0,
    apiKey: state.rng.hex(32),
  };
  state.hosts.push(host);
  state.hostsChanged();
  token.hostsCreatedToday += 1;
  token.lastUsedAt = now;
  return host;
}

export function enroll(state: PatchmonState, req: LabRequest, v1: boolean): LabResponse {
  const token = requireEnrollmentToken(state, req);
  if (token.hostsCreatedToday >= token.maxHostsPerDay) {
    throw new PmError(
      ok(429, {
        error: 'Rate limit exceeded',
        message: 'Maximum hosts per day allowed for this token',
      }),
    );
  }
  const body = readJson(req);
  const name = typeof body.friendly_name === 'string' ? body.friendly_name : '';
  if (name.length < 1 || name.length > 255) {
    if (v1) {
      throw new PmError(
        ok(400, {
          errors: [
            {
              type: 'field',
              value: name,
              msg: 'Friendly name is required',
              path: 'friendly_name',
              location: 'body',
            },
          ],
        }),
      );
    }
    throw fail(400, 'Friendly name is required (max 255 characters)');
  }
  const machineId =
    typeof body.machine_id === 'string' && body.machine_id !== '' ? body.machine_id : null;
  if (machineId !== null && machineId.length > 255)
    throw fail(400, 'Machine ID must be at most 255 characters');
  const host = enrollOne(state, token, name, machineId);
  const group = state.group(token.defaultHostGroupId);
  return ok(201, {
    message: 'Host enrolled successfully',
    host: {
      id: host.id,
      friendly_name: host.friendlyName,
      api_id: host.apiId,
      api_key: host.apiKey,
      host_group: group ? { id: group.id, name: group.name, color: group.color } : null,
      status: 'pending',
    },
  });
}

/** v1.x only: `POST /auto-enrollment/enroll/bulk`. */
export function enrollBulk(state: PatchmonState, req: LabRequest): LabResponse {
  const token = requireEnrollmentToken(state, req);
  const body = readJson(req);
  const hosts = Array.isArray(body.hosts) ? (body.hosts as unknown[]) : null;
  if (!hosts || hosts.length < 1 || hosts.length > 50) {
    throw new PmError(
      ok(400, {
        errors: [
          {
            type: 'field',
            value: hosts?.length ?? 0,
            msg: 'Hosts array must contain 1-50 items',
            path: 'hosts',
            location: 'body',
          },
        ],
      }),
    );
  }
  const remaining = token.maxHostsPerDay - token.hostsCreatedToday;
  if (hosts.length > remaining) {
    throw new PmError(
      ok(429, {
        error: 'Rate limit exceeded',
        message: `Only ${remaining} hosts remaining in daily quota`,
      }),
    );
  }
  const success: unknown[] = [];
  const failed: unknown[] = [];
  for (const entry of hosts) {
    const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >;
    const name = typeof item.friendly_name === 'string' ? item.friendly_name : '';
    if (name === '') {
      failed.push({ friendly_name: name, error: 'Friendly name is required' });
      continue;
    }
    const machineId = typeof item.machine_id === 'string' ? item.machine_id : null;
    const host = enrollOne(state, token, name, machineId);
    success.push({
      id: host.id,
      friendly_name: host.friendlyName,
      api_id: host.apiId,
      api_key: host.apiKey,
    });
  }
  return ok(201, {
    message: `Bulk enrollment completed: ${success.length} succeeded, ${failed.length} failed, 0 skipped`,
    results: { success, failed, skipped: [] },
  });
}

export function installScript(state: PatchmonState, req: LabRequest, baseUrl: string): LabResponse {
  const key = req.query.get('token_key') ?? '';
  const secret = req.query.get('token_secret') ?? '';
  if (key === '' || secret === '') throw fail(401, 'Auto-enrollment credentials required');
  const token = state.tokens.find((t) => t.tokenKey === key);
  if (!token?.isActive || !sameSecret(token.secret, secret))
    throw fail(401, 'Invalid or inactive token');
  const type = req.query.get('type');
  if (type !== 'proxmox-lxc' && type !== 'direct-host') {
    throw fail(400, 'Invalid script type. Must be proxmox-lxc or direct-host');
  }
  const force = req.query.get('force') === 'true' ? 'true' : 'false';
  const script = [
    '#!/bin/sh',
    `export PATCHMON_URL="${baseUrl}"`,
    `export AUTO_ENROLLMENT_KEY="${key}"`,
    `export AUTO_ENROLLMENT_SECRET="${secret}"`,
    'export CURL_FLAGS="-sk"',
    `export FORCE_INSTALL="${force}"`,
    '',
    `# PatchMon ${type} auto-enrollment (lab simulator)`,
    type === 'proxmox-lxc'
      ? 'for vmid in $(pct list | awk \'NR>1 && $2=="running" {print $1}\'); do'
      : 'set -e',
    type === 'proxmox-lxc'
      ? '  curl $CURL_FLAGS -X POST -H "X-Auto-Enrollment-Key: $AUTO_ENROLLMENT_KEY" -H "X-Auto-Enrollment-Secret: $AUTO_ENROLLMENT_SECRET" -H "Content-Type: application/json" -d "{\\"friendly_name\\":\\"$(pct config $vmid | awk \'/^hostname/ {print $2}\')\\"}" "$PATCHMON_URL/api/v1/auto-enrollment/enroll"\ndone'
      : 'curl $CURL_FLAGS -X POST -H "X-Auto-Enrollment-Key: $AUTO_ENROLLMENT_KEY" -H "X-Auto-Enrollment-Secret: $AUTO_ENROLLMENT_SECRET" -H "Content-Type: application/json" -d "{\\"friendly_name\\":\\"$(hostname)\\"}" "$PATCHMON_URL/api/v1/auto-enrollment/enroll"',
    '',
  ].join('\n');
  return {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    body: script,
  };
}
