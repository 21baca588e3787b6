import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch, type Agent } from 'undici';
import { generateFleet } from '../fleet';
import { createLabTls, trustingDispatcher } from '../common';
import { startPatchmon, totp, type PatchmonLab } from '.';

const fleet = generateFleet({ size: 200, seed: 5 });
let lab: PatchmonLab;
let dispatcher: Agent;

beforeAll(async () => {
  const tls = await createLabTls();
  lab = await startPatchmon({ fleet, tls: tls.selfSigned });
  dispatcher = trustingDispatcher(tls.selfSigned);
});
afterAll(() => lab.close());

interface Reply<T> {
  status: number;
  type: string | null;
  headers: Headers;
  text: string;
  body: T;
}
type Obj = Record<string, unknown>;

async function call<T = Obj>(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    base?: PatchmonLab;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${(init.base ?? lab).url}${path}`, {
    dispatcher,
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    headers: res.headers as unknown as Headers,
    text,
    body: body as T,
  };
}

const basic = (key: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
});

async function adminToken(): Promise<string> {
  const res = await call<{ token: string }>('/api/v1/auth/login', {
    method: 'POST',
    body: { username: lab.credentials.username, password: lab.credentials.password },
  });
  return res.body.token;
}

describe('PatchMon admin login and JWT', () => {
  it('logs in by username or email with a trimmed password and sets cookies', async () => {
    const res = await call<Obj & { user: Obj }>('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'admin@example.com', password: ` ${lab.credentials.password} ` },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ message: 'Login successful', expires_in: 3600 });
    expect(res.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(res.body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(res.body.user.role).toBe('superadmin');
    expect(res.headers.get('set-cookie')).toContain('refresh_token=');
  });

  it('refuses bad credentials and locks out after five failures', async () => {
    const bad = await call('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'viewer', password: 'x' },
    });
    expect(bad.body).toEqual({ error: 'Invalid credentials' });
    for (let i = 0; i < 4; i++) {
      await call('/api/v1/auth/login', {
        method: 'POST',
        body: { username: 'viewer', password: 'x' },
      });
    }
    const locked = await call('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'viewer', password: lab.credentials.viewer.password },
    });
    expect(locked.status).toBe(429);
    expect(locked.body.message).toBe('Too many failed login attempts. Try again later.');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const malformed = await call('/api/v1/auth/login', { method: 'POST', body: 'nope' });
    expect(malformed.body).toEqual({ error: 'Invalid request body' });
  });

  it('requires a TFA step with a single-use ticket', async () => {
    const t = lab.credentials.tfa;
    const first = await call('/api/v1/auth/login', {
      method: 'POST',
      body: { username: t.username, password: t.password },
    });
    expect(first.body).toMatchObject({ message: 'TFA verification required', requiresTfa: true });
    const ticket = first.body.tfaTicket as string;
    const wrong = await call('/api/v1/auth/verify-tfa', {
      method: 'POST',
      body: { username: t.username, token: '000000', tfa_ticket: ticket },
    });
    expect(wrong.status).toBe(401);
    const reused = await call('/api/v1/auth/verify-tfa', {
      method: 'POST',
      body: { username: t.username, token: totp(t.totpSecret, Date.now()), tfa_ticket: ticket },
    });
    expect(reused.body).toEqual({ error: 'Login session expired, please sign in again' });
    const again = await call('/api/v1/auth/login', {
      method: 'POST',
      body: { username: t.username, password: t.password },
    });
    const done = await call('/api/v1/auth/verify-tfa', {
      method: 'POST',
      body: {
        username: t.username,
        token: totp(t.totpSecret, Date.now()),
        tfa_ticket: again.body.tfaTicket,
      },
    });
    expect(done.body.message).toBe('Login successful');
    const short = await call('/api/v1/auth/verify-tfa', { method: 'POST', body: { token: '123' } });
    expect(short.body).toEqual({ error: '6-character token required' });
  });

  it('answers JWT failures as text/plain JSON with a newline, and revokes on logout', async () => {
    const none = await call('/api/v1/host-groups');
    expect(none.status).toBe(401);
    expect(none.type).toBe('text/plain; charset=utf-8');
    expect(none.text).toBe('{"error":"Unauthorized"}\n');
    const token = await adminToken();
    const auth = { authorization: `Bearer ${token}` };
    expect((await call('/api/v1/auth/profile', { headers: auth })).status).toBe(200);
    expect(
      (await call('/api/v1/auth/profile', { headers: { cookie: `token=${token}` } })).status,
    ).toBe(200);
    expect((await call('/api/v1/auth/logout', { method: 'POST', headers: auth })).body).toEqual({
      message: 'Logged out',
    });
    const after = await call('/api/v1/auth/profile', { headers: auth });
    expect(after.text).toBe('{"error":"Session expired"}\n');
    const garbage = await call('/api/v1/auth/profile', {
      headers: { authorization: 'Bearer a.b.c' },
    });
    expect(garbage.text).toBe('{"error":"Invalid token"}\n');
  });

  it('refreshes only from the refresh_token cookie and returns the new token as a cookie', async () => {
    const login = await call<{ refresh_token: string }>('/api/v1/auth/login', {
      method: 'POST',
      body: { username: lab.credentials.username, password: lab.credentials.password },
    });
    const res = await call('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { cookie: `refresh_token=${login.body.refresh_token}` },
    });
    expect(Object.keys(res.body)).toEqual(['expires_at']);
    expect(res.headers.get('set-cookie')).toMatch(/^token=/);
    expect(
      (
        await call('/api/v1/auth/refresh', {
          method: 'POST',
          body: { refresh_token: login.body.refresh_token },
        })
      ).status,
    ).toBe(401);
  });

  it('gives a user-role account 403 Insufficient permissions on admin routes', async () => {
    const login = await call<{ token: string }>('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'x-forwarded-for': 'ignored' },
      body: { username: 'viewer@example.com', password: lab.credentials.viewer.password },
    });
    const res = await call('/api/v1/auto-enrollment/tokens', {
      headers: { authorization: `Bearer ${login.body.token}` },
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'Insufficient permissions' });
    const groups = await call<unknown[]>('/api/v1/host-groups', {
      headers: { authorization: `Bearer ${login.body.token}` },
    });
    expect(groups.status).toBe(200);
  });
});

describe('PatchMon tokens and the integration API', () => {
  it('creates API credentials with the documented defaults and returns the secret once', async () => {
    const auth = { authorization: `Bearer ${await adminToken()}` };
    const created = await call<{ token: Obj; warning: string }>('/api/v1/auto-enrollment/tokens', {
      method: 'POST',
      headers: auth,
      body: {
        token_name: 'test',
        max_hosts_per_day: 5000,
        expires_at: 'soon',
        metadata: { integration_type: 'api' },
        scopes: { host: ['get'] },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.token.token_key).toMatch(/^patchmon_ae_[0-9a-f]{32}$/);
    expect(created.body.token.token_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created.body.token).toMatchObject({
      max_hosts_per_day: 100,
      expires_at: null,
      scopes: { host: ['get'] },
    });
    expect(created.body.token).not.toHaveProperty('metadata');
    const plain = await call<{ token: Obj }>('/api/v1/auto-enrollment/tokens', {
      method: 'POST',
      headers: auth,
      body: { token_name: 'lxc', scopes: { host: ['get'] } },
    });
    expect(plain.body.token.scopes).toBeNull();
    const list = await call<Obj[]>('/api/v1/auto-enrollment/tokens', { headers: auth });
    expect(list.body[0]!.token_name).toBe('lxc');
    expect(list.body[0]!.metadata).toEqual({ integration_type: 'proxmox-lxc' });
    expect(list.body.every((t) => !('token_secret' in t))).toBe(true);
    const patch = await call(`/api/v1/auto-enrollment/tokens/${String(list.body[0]!.id)}`, {
      method: 'PATCH',
      headers: auth,
      body: { max_hosts_per_day: 5000 },
    });
    expect(patch.body).toEqual({ error: 'Max hosts per day must be between 1 and 1000' });
    const scopes = await call(`/api/v1/auto-enrollment/tokens/${String(list.body[0]!.id)}`, {
      method: 'PATCH',
      headers: auth,
      body: { scopes: {} },
    });
    expect(scopes.body).toEqual({ error: 'Scopes can only be updated for API integration tokens' });
    expect(
      (await call('/api/v1/auto-enrollment/tokens', { method: 'POST', headers: auth, body: {} }))
        .body,
    ).toEqual({
      error: 'Token name is required (max 255 characters)',
    });
  });

  it('checks Basic credentials in order with exact messages', async () => {
    const { api, gethomepage } = lab.credentials;
    const cases: [Record<string, string>, number, string][] = [
      [{}, 401, 'Missing or invalid authorization header'],
      [
        { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` },
        401,
        'Invalid credentials format',
      ],
      [basic('patchmon_ae_unknown', 'x'), 401, 'Invalid API key'],
      [basic(gethomepage.key, gethomepage.secret), 401, 'Invalid API key type'],
      [basic(api.key, 'wrong'), 401, 'Invalid API secret'],
    ];
    for (const [headers, status, error] of cases) {
      const res = await call('/api/v1/api/hosts', { headers });
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error });
    }
  });

  it('lists hosts with stats and hostgroup filters', async () => {
    const { api } = lab.credentials;
    const all = await call<{ hosts: Obj[]; total: number }>('/api/v1/api/hosts?include=stats', {
      headers: basic(api.key, api.secret),
    });
    expect(all.body.total).toBe(lab.state.hosts.length);
    const host = all.body.hosts[0]!;
    for (const key of [
      'id',
      'friendly_name',
      'hostname',
      'ip',
      'host_groups',
      'os_type',
      'last_update',
      'effective_status',
      'reporting_state',
      'update_state',
      'security_updates_count',
    ]) {
      expect(host).toHaveProperty(key);
    }
    expect(all.body.hosts.some((h) => h.reporting_state === 'stale')).toBe(true);
    expect(all.body).not.toHaveProperty('filtered_by_groups');
    const grouped = await call<{ hosts: Obj[]; filtered_by_groups: string[] }>(
      '/api/v1/api/hosts?hostgroup=Production',
      { headers: basic(api.key, api.secret) },
    );
    expect(grouped.body.hosts.length).toBeGreaterThan(0);
    expect(grouped.body.filtered_by_groups).toEqual(['Production']);
    const none = await call('/api/v1/api/hosts?hostgroup=production', {
      headers: basic(api.key, api.secret),
    });
    expect(none.body).toEqual({ hosts: [], total: 0, filtered_by_groups: ['production'] });
  });

  it('serves host details and 404s unknown ids', async () => {
    const { api } = lab.credentials;
    const h = lab.state.hosts.find((x) => x.updatesCount > 0)!;
    const info = await call(`/api/v1/api/hosts/${h.id}/info`, {
      headers: basic(api.key, api.secret),
    });
    expect(info.body.machine_id).toBe(h.reportedMachineId);
    const pkgs = await call<{ packages: Obj[]; total: number }>(
      `/api/v1/api/hosts/${h.id}/packages?updates_only=true`,
      { headers: basic(api.key, api.secret) },
    );
    expect(pkgs.body.total).toBe(h.updatesCount);
    for (const view of [
      'stats',
      'network',
      'system',
      'package_reports',
      'agent_queue',
      'notes',
      'integrations',
    ]) {
      const res = await call(`/api/v1/api/hosts/${h.id}/${view}`, {
        headers: basic(api.key, api.secret),
      });
      expect(res.status).toBe(200);
    }
    const missing = await call('/api/v1/api/hosts/not-a-uuid/info', {
      headers: basic(api.key, api.secret),
    });
    expect(missing).toMatchObject({ status: 404, body: { error: 'Host not found' } });
    const badDelete = await call('/api/v1/api/hosts/nope', {
      method: 'DELETE',
      headers: basic(api.key, api.secret),
    });
    expect(badDelete.body).toEqual({ error: 'Invalid host ID format' });
  });

  it('enforces scopes with the two-key 403 and IP allow-lists', async () => {
    const auth = { authorization: `Bearer ${await adminToken()}` };
    const created = await call<{ token: { token_key: string; token_secret: string; id: string } }>(
      '/api/v1/auto-enrollment/tokens',
      {
        method: 'POST',
        headers: auth,
        body: {
          token_name: 'readonly',
          metadata: { integration_type: 'api' },
          scopes: { host: ['get'] },
          allowed_ip_ranges: ['10.0.0.0/8'],
        },
      },
    );
    const { token_key: key, token_secret: secret, id } = created.body.token;
    expect((await call('/api/v1/api/hosts', { headers: basic(key, secret) })).body).toEqual({
      error: 'IP address not allowed',
    });
    await call(`/api/v1/auto-enrollment/tokens/${id}`, {
      method: 'PATCH',
      headers: auth,
      body: { allowed_ip_ranges: ['127.0.0.0/8'] },
    });
    const host = lab.state.hosts[0]!;
    const del = await call(`/api/v1/api/hosts/${host.id}`, {
      method: 'DELETE',
      headers: basic(key, secret),
    });
    expect(del.status).toBe(403);
    expect(del.body).toEqual({
      error: 'Access denied',
      message: 'This API key does not have permission to delete host',
    });
  });

  it('enrolls hosts as pending with one-time agent credentials, and enforces the daily quota', async () => {
    const { enrollment, api } = lab.credentials;
    const headers = {
      'x-auto-enrollment-key': enrollment.key,
      'x-auto-enrollment-secret': enrollment.secret,
    };
    const res = await call<{ host: Obj }>('/api/v1/auto-enrollment/enroll', {
      method: 'POST',
      headers,
      body: { friendly_name: 'ct-new-01' },
    });
    expect(res.status).toBe(201);
    expect(res.body.host).toMatchObject({ friendly_name: 'ct-new-01', status: 'pending' });
    expect(res.body.host.api_id).toMatch(/^patchmon_[0-9a-f]{16}$/);
    expect(res.body.host.api_key).toMatch(/^[0-9a-f]{64}$/);
    const listed = await call<{ hosts: Obj[] }>('/api/v1/api/hosts?include=stats', {
      headers: basic(api.key, api.secret),
    });
    expect(listed.body.hosts.find((h) => h.id === res.body.host.id)).toMatchObject({
      status: 'pending',
      effective_status: 'pending',
    });
    // A new host answers at once by id, and a deleted one is gone at once.
    const hostUrl = `/api/v1/api/hosts/${String(res.body.host.id)}`;
    const shown = await call(`${hostUrl}/info`, { headers: basic(api.key, api.secret) });
    expect(shown.status).toBe(200);
    const deleted = await call(hostUrl, { method: 'DELETE', headers: basic(api.key, api.secret) });
    expect(deleted.status).toBe(200);
    expect(await call(`${hostUrl}/info`, { headers: basic(api.key, api.secret) })).toMatchObject({
      status: 404,
      body: { error: 'Host not found' },
    });
    expect(
      (await call('/api/v1/auto-enrollment/enroll', { method: 'POST', body: {} })).body,
    ).toEqual({ error: 'Auto-enrollment credentials required' });
    const wrong = await call('/api/v1/auto-enrollment/enroll', {
      method: 'POST',
      headers: { ...headers, 'x-auto-enrollment-secret': 'x' },
      body: {},
    });
    expect(wrong.body).toEqual({ error: 'Invalid token secret' });
    const token = lab.state.tokens.find((t) => t.tokenKey === enrollment.key)!;
    token.hostsCreatedToday = token.maxHostsPerDay;
    const quota = await call('/api/v1/auto-enrollment/enroll', {
      method: 'POST',
      headers,
      body: { friendly_name: 'x' },
    });
    expect(quota.status).toBe(429);
    expect(quota.body).toEqual({
      error: 'Rate limit exceeded',
      message: 'Maximum hosts per day allowed for this token',
    });
    token.hostsCreatedToday = 0;
  });

  it('serves the install script as text/plain, no-store', async () => {
    const { enrollment } = lab.credentials;
    const res = await call(
      `/api/v1/auto-enrollment/script?type=proxmox-lxc&token_key=${enrollment.key}&token_secret=${enrollment.secret}`,
    );
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).toContain(`export AUTO_ENROLLMENT_KEY="${enrollment.key}"`);
    expect(
      (
        await call(
          `/api/v1/auto-enrollment/script?token_key=${enrollment.key}&token_secret=${enrollment.secret}`,
        )
      ).status,
    ).toBe(400);
    expect((await call('/api/v1/auto-enrollment/script?type=direct-host')).status).toBe(401);
  });
});

describe('PatchMon groups, gethomepage and routing quirks', () => {
  it('lists groups as snake_case with _count and shows one in PascalCase', async () => {
    const auth = { authorization: `Bearer ${await adminToken()}` };
    const list = await call<Obj[]>('/api/v1/host-groups', { headers: auth });
    const names = list.body.map((g) => g.name as string);
    expect(names).toEqual([...names].sort());
    expect(list.body[0]).toHaveProperty('_count.hosts');
    const one = await call(`/api/v1/host-groups/${String(list.body[0]!.id)}`, {
      headers: auth,
    });
    expect(Object.keys(one.body)).toEqual([
      'ID',
      'Name',
      'Description',
      'Color',
      'CreatedAt',
      'UpdatedAt',
    ]);
  });

  it('serves gethomepage stats only to gethomepage credentials', async () => {
    const { gethomepage, api } = lab.credentials;
    const stats = await call('/api/v1/gethomepage/stats', {
      headers: basic(gethomepage.key, gethomepage.secret),
    });
    expect(stats.body).toHaveProperty('awaiting_data_hosts');
    expect(stats.body).toHaveProperty('top_os_3_name');
    expect(
      (await call('/api/v1/gethomepage/stats', { headers: basic(api.key, api.secret) })).body,
    ).toEqual({ error: 'Invalid API key type' });
  });

  it('answers unknown paths with the SPA (200 text/html) and wrong methods with an empty 405', async () => {
    const unknown = await call('/api/v1/auto-enrollment/enroll/bulk', {
      method: 'POST',
      body: { hosts: [] },
    });
    expect(unknown.status).toBe(200);
    expect(unknown.type).toContain('text/html');
    const wrong = await call('/api/v1/auth/login');
    expect(wrong.status).toBe(405);
    expect(wrong.text).toBe('');
  });

  it('offers v1 bulk enrollment and the errors-array shape behind a switch', async () => {
    const v1 = await startPatchmon({ fleet, tls: null, version: 'v1' });
    try {
      const { enrollment } = v1.credentials;
      const headers = {
        'x-auto-enrollment-key': enrollment.key,
        'x-auto-enrollment-secret': enrollment.secret,
        'content-type': 'application/json',
      };
      const post = (body: unknown) =>
        fetch(`${v1.url}/api/v1/auto-enrollment/enroll/bulk`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Obj }));
      const ok = await post({ hosts: [{ friendly_name: 'a' }, { friendly_name: 'b' }] });
      expect(ok.status).toBe(201);
      expect(ok.body.message).toBe('Bulk enrollment completed: 2 succeeded, 0 failed, 0 skipped');
      const bad = await post({ hosts: [] });
      expect(bad.status).toBe(400);
      expect(Array.isArray(bad.body.errors)).toBe(true);
    } finally {
      await v1.close();
    }
  });

  it('fails closed with 503 when Redis is down, and serves injected faults', async () => {
    const down = await startPatchmon({
      fleet,
      tls: null,
      redisDown: true,
      faults: {
        seed: 2,
        systems: {
          patchmon: [{ route: '/api/v1/gethomepage', tooManyRequests: 1, retryAfterSeconds: 4 }],
        },
      },
    });
    try {
      const res = await fetch(`${down.url}/api/v1/auth/login`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      const limited = await fetch(`${down.url}/api/v1/gethomepage/stats`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('4');
    } finally {
      await down.close();
    }
  });
});
