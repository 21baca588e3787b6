import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch, type Agent } from 'undici';
import { generateFleet } from '../fleet';
import { createLabTls, trustingDispatcher } from '../common';
import { startForeman, type ForemanLab } from '.';

const fleet = generateFleet({ size: 300, seed: 11 });
let lab: ForemanLab;
let dispatcher: Agent;

beforeAll(async () => {
  const tls = await createLabTls();
  lab = await startForeman({ fleet, tls: tls.selfSigned, bruteForceLimit: 0 });
  dispatcher = trustingDispatcher(tls.selfSigned);
});
afterAll(() => lab.close());

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

interface Envelope<T> {
  total: number;
  subtotal: number;
  page: number;
  per_page: number;
  search: string | null;
  sort: { by: string | null; order: string | null };
  results: T;
}
interface Row {
  id: number;
  name: string;
  [key: string]: unknown;
}
interface ErrorBody {
  error: { message: string; [key: string]: unknown };
}
type Hosts = Envelope<Row[]>;

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- callers name the body shape they expect
async function call<T = Record<string, unknown>>(
  path: string,
  init: { auth?: string | null; method?: string; body?: string; type?: string } = {},
) {
  const headers: Record<string, string> = {};
  const auth =
    init.auth === undefined ? basic(lab.credentials.username, lab.credentials.password) : init.auth;
  if (auth !== null) headers.authorization = auth;
  if (init.type) headers['content-type'] = init.type;
  const res = await fetch(`${lab.url}${path}`, {
    dispatcher,
    method: init.method ?? 'GET',
    headers,
    body: init.body,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    headers: res.headers,
    body: body as T,
  };
}

describe('Foreman transport and auth', () => {
  it('answers /api/ping without auth and /api/status only with auth', async () => {
    const ping = await call<{ results: { foreman: { database: unknown } } }>('/api/ping', {
      auth: null,
    });
    expect(ping.status).toBe(200);
    expect(ping.body.results.foreman.database).toEqual({ active: true, duration_ms: '0' });
    const denied = await call('/api/status', { auth: null });
    expect(denied.status).toBe(401);
    expect(denied.body).toEqual({ error: { message: 'Unable to authenticate user ' } });
    const status = await call('/api/v2/status');
    expect(status.body).toEqual({ result: 'ok', status: 200, version: '3.13.0', api_version: 2 });
    expect(status.type).toBe('application/json; charset=utf-8');
    expect(status.headers.get('foreman_version')).toBe('3.13.0');
    expect(status.headers.get('foreman_api_version')).toBe('2');
    expect(status.headers.get('foreman_current_organization')).toBe('; ANY');
    expect((await call('/api')).body.links).toBeDefined();
  });

  it('accepts Basic with a password or a PAT, and refuses everything else with exact bodies', async () => {
    const c = lab.credentials;
    expect(
      (await call('/api/status', { auth: basic(c.username, c.personalAccessToken) })).status,
    ).toBe(200);
    const wrong = await call('/api/status', { auth: basic('admin', 'nope') });
    expect(wrong.body).toEqual({ error: { message: 'Unable to authenticate user admin' } });
    expect((await call('/api/status', { auth: `Bearer ${c.personalAccessToken}` })).status).toBe(
      401,
    );
    expect((await call('/api/status', { auth: basic('admin', c.expiredToken) })).status).toBe(401);
    expect((await call('/api/status', { auth: basic('admin', c.revokedToken) })).status).toBe(401);
    const disabled = await call<ErrorBody>('/api/status', {
      auth: basic(c.disabled.username, c.disabled.password),
    });
    expect(disabled.body.error.message).toBe(
      'User account is disabled, please contact your administrator',
    );
  });

  it('locks an IP out after too many failures, even for correct credentials', async () => {
    const tls = await createLabTls();
    const locked = await startForeman({ fleet, tls: null, bruteForceLimit: 2 });
    try {
      const get = (auth: string) =>
        fetch(`${locked.url}/api/status`, { headers: { authorization: auth } }).then(async (r) => ({
          status: r.status,
          body: await r.json(),
        }));
      await get(basic('admin', 'x'));
      await get(basic('admin', 'y'));
      const after = await get(basic('admin', locked.credentials.password));
      expect(after).toEqual({
        status: 401,
        body: { error: { message: 'Too many tries, please try again in a few minutes.' } },
      });
      expect(tls.selfSigned.cert).toContain('BEGIN CERTIFICATE');
    } finally {
      await locked.close();
    }
  });

  it('refuses POST without JSON content type (415) and malformed JSON (400, unwrapped)', async () => {
    const media = await call<ErrorBody>('/api/hosts', {
      method: 'POST',
      body: 'x',
      type: 'text/plain',
    });
    expect(media.status).toBe(415);
    expect(media.body.error.message).toContain("Please use 'Content-Type: application/json'");
    const bad = await call<{ status: number; error: string }>('/api/hosts', {
      method: 'POST',
      body: '{',
      type: 'application/json',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.status).toBe(400);
    expect(bad.body.error).toMatch(/^There was a problem in the JSON you submitted: /);
    const blank = await call<{ error: { full_messages: string[] } }>('/api/hosts', {
      method: 'POST',
      body: '{"host":{}}',
      type: 'application/json',
    });
    expect(blank.status).toBe(422);
    expect(blank.body.error.full_messages).toEqual(["Name can't be blank"]);
  });

  it('answers unknown routes with the HTML 404 page', async () => {
    const res = await call('/api/v2/nonsense');
    expect(res.status).toBe(404);
    expect(res.type).toContain('text/html');
  });
});

describe('Foreman hosts', () => {
  it('lists hosts in the index envelope with default paging and name order', async () => {
    const res = await call<Hosts>('/api/hosts');
    expect(Object.keys(res.body)).toEqual([
      'total',
      'subtotal',
      'page',
      'per_page',
      'search',
      'sort',
      'results',
    ]);
    expect(res.body).toMatchObject({
      total: fleet.foreman.hosts.length,
      subtotal: fleet.foreman.hosts.length,
      page: 1,
      per_page: 20,
      search: null,
      sort: { by: null, order: null },
    });
    const names = res.body.results.map((h) => h.name);
    expect(names).toEqual([...names].sort());
    const host = res.body.results[0]!;
    for (const key of [
      'ip',
      'ip6',
      'mac',
      'last_report',
      'operatingsystem_name',
      'hostgroup_title',
      'global_status_label',
      'build_status_label',
      'compute_resource_name',
      'organization_name',
      'location_name',
      'uuid',
    ]) {
      expect(host).toHaveProperty(key);
    }
    expect(host).not.toHaveProperty('environment_name');
    expect((await call<Hosts>('/api/hosts?search=')).body.search).toBe('');
  });

  it('handles per_page=all, the last page and pages past the end', async () => {
    const total = fleet.foreman.hosts.length;
    const all = await call<Hosts>('/api/hosts?per_page=all&thin=true');
    expect(all.body.per_page).toBe(total);
    expect(all.body.results).toHaveLength(total);
    expect(Object.keys(all.body.results[0]!)).toEqual(['id', 'name']);
    const lastPage = Math.ceil(total / 50);
    const last = await call<Hosts>(`/api/hosts?per_page=50&page=${lastPage}`);
    expect(last.body.results).toHaveLength(total - 50 * (lastPage - 1));
    const past = await call<Hosts>(`/api/hosts?per_page=50&page=${lastPage + 1}`);
    expect(past.body).toMatchObject({ total, subtotal: total, page: lastPage + 1, results: [] });
    const zero = await call('/api/hosts?page=0');
    expect(zero.status).toBe(500);
    expect(zero.body).toEqual({ error: { message: 'invalid page: 0' } });
  });

  it('searches on name, os, hostgroup, location and organization', async () => {
    const target = fleet.foreman.hosts[5]!;
    const byName = await call<Hosts>(
      `/api/hosts?search=${encodeURIComponent(`name = ${target.name}`)}`,
    );
    expect(byName.body.subtotal).toBe(1);
    expect(byName.body.results[0]!.id).toBe(target.id);
    const os = await call<Hosts>(
      `/api/hosts?per_page=all&search=${encodeURIComponent('os = Ubuntu and location = Berlin')}`,
    );
    expect(os.body.subtotal).toBeGreaterThan(0);
    for (const h of os.body.results) {
      expect(h.operatingsystem_name).toMatch(/^Ubuntu/);
      expect(h.location_name).toBe('Berlin');
    }
    const hg = await call<Hosts>(
      `/api/hosts?per_page=all&search=${encodeURIComponent('hostgroup_title = base/proxmox or organization = "Default Organization"')}`,
    );
    expect(hg.body.subtotal).toBeGreaterThan(0);
    expect(hg.body.subtotal).toBeLessThan(hg.body.total);
    const none = await call<Hosts>(
      `/api/hosts?search=${encodeURIComponent('name = nosuch.example.com')}`,
    );
    expect(none.body).toMatchObject({ subtotal: 0, results: [] });
    const bad = await call('/api/hosts?search=foo%20%3D%201');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: {
        message: "Field 'foo' not recognized for searching!",
        class: 'ScopedSearch::QueryNotSupported',
      },
    });
  });

  it('orders by a search field and rejects unknown order fields', async () => {
    const res = await call<Hosts>('/api/hosts?order=name%20DESC');
    expect(res.body.sort).toEqual({ by: 'name', order: 'DESC' });
    const names = res.body.results.map((h) => h.name);
    expect(names).toEqual([...names].sort().reverse());
    expect((await call('/api/hosts?order=bogus')).status).toBe(400);
  });

  it('shows a host by id or FQDN, and 404s unknown ones', async () => {
    const target = fleet.foreman.hosts[3]!;
    const byId = await call<Row & { interfaces: unknown[] }>(`/api/hosts/${target.id}`);
    const byName = await call<Row>(`/api/hosts/${target.name}`);
    expect(byId.body.name).toBe(target.name);
    expect(byName.body.id).toBe(target.id);
    expect(byId.body.interfaces[0]).toMatchObject({ mac: target.mac, primary: true });
    const missing = await call('/api/hosts/nosuch.example.com');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { message: "Resource host not found by id 'nosuch.example.com'" },
    });
  });

  it('pages facts per fact value, keyed by host name, with string values', async () => {
    const target = fleet.foreman.hosts.find((h) => h.hasFacts)!;
    const first = await call<Envelope<Record<string, Record<string, string>>>>(
      `/api/hosts/${target.id}/facts?per_page=5`,
    );
    expect(first.body.search).toBe(` host = ${target.id}`);
    expect(first.body.subtotal).toBe(1);
    const facts = first.body.results[target.name] ?? {};
    expect(Object.keys(facts)).toHaveLength(5);
    expect(Object.values(facts).every((v) => typeof v === 'string')).toBe(true);
    const all = await call<Envelope<Record<string, Record<string, string>>>>(
      `/api/hosts/${target.id}/facts?per_page=1000`,
    );
    expect(all.body.results[target.name]?.machine_id).toMatch(/^[0-9a-f]{32}$/);
    const allParam = await call<Hosts>(`/api/hosts/${target.id}/facts?per_page=all`);
    expect(allParam.body.results).toEqual({});
    const unknown = await call<Hosts>('/api/hosts/999999/facts');
    expect(unknown.status).toBe(200);
    expect(unknown.body.results).toEqual({});
  });

  it('applies permissions (403) and organization scope (404) for a restricted user', async () => {
    const r = lab.credentials.restricted;
    const facts = await call(`/api/hosts/1/facts`, { auth: basic(r.username, r.password) });
    expect(facts.status).toBe(403);
    expect(facts.body).toEqual({
      error: {
        message: 'Access denied',
        details: 'Missing one of the required permissions: view_facts',
        missing_permissions: ['view_facts'],
      },
    });
    const outside = fleet.foreman.hosts.find((h) => h.organizationId !== 1)!;
    expect(
      (await call(`/api/hosts/${outside.id}`, { auth: basic(r.username, r.password) })).status,
    ).toBe(404);
  });

  it('filters nested host routes and taxonomy parameters', async () => {
    const org = await call<Hosts>('/api/organizations/2/hosts?per_page=all');
    expect(org.body.results.every((h) => h.organization_id === 2)).toBe(true);
    const loc = await call<Hosts>('/api/hosts?location_id=1&per_page=all');
    expect(loc.headers.get('foreman_current_location')).toBe('1; Berlin');
    expect(loc.body.total).toBe(fleet.foreman.hosts.filter((h) => h.locationId === 1).length);
    const missing = await call('/api/hostgroups/777/hosts');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: "Hostgroup not found by id '777'" });
  });

  it('deletes a host for the lab lifetime', async () => {
    const victim = fleet.foreman.hosts[fleet.foreman.hosts.length - 1]!;
    expect((await call(`/api/hosts/${victim.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`/api/hosts/${victim.id}`)).status).toBe(404);
  });
});

describe('Foreman collections', () => {
  it.each([
    ['hostgroups', ['id', 'name', 'title', 'parent_id', 'inherited_operatingsystem_id']],
    ['organizations', ['id', 'name', 'title', 'ancestry', 'created_at']],
    ['locations', ['id', 'name', 'title', 'parent_name']],
    ['compute_resources', ['id', 'name', 'provider', 'url', 'ssl_verify_peer']],
    ['operatingsystems', ['id', 'name', 'title', 'major', 'minor', 'family']],
    ['domains', ['id', 'name', 'fullname', 'dns_id', 'dns']],
    ['subnets', ['id', 'name', 'network_address', 'cidr', 'mask', 'gateway', 'from', 'to']],
  ])('lists %s with the index envelope and shows one by id', async (name, keys) => {
    const list = await call<Hosts>(`/api/v2/${name}?per_page=all`);
    expect(list.status).toBe(200);
    expect(list.body.results.length).toBe(list.body.total);
    const first = list.body.results[0]!;
    for (const key of keys) expect(first).toHaveProperty(key);
    const one = await call<Row>(`/api/${name}/${first.id}`);
    expect(one.body.id).toBe(first.id);
    expect((await call(`/api/${name}/99999`)).status).toBe(404);
  });

  it('keeps OS major and minor as strings and timestamps in Foreman format', async () => {
    const os = await call<Hosts>('/api/operatingsystems');
    expect(typeof os.body.results[0]!.major).toBe('string');
    expect(os.body.results[0]!.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });
});

describe('Foreman faults', () => {
  it('answers injected 5xx with the Foreman error body and marks expired credentials', async () => {
    const faulty = await startForeman({
      fleet,
      tls: null,
      faults: {
        seed: 1,
        systems: {
          foreman: [
            { route: '/api/hosts', error5xx: 1 },
            { route: '/api/status', credentials: 'expired' },
          ],
        },
      },
    });
    try {
      const auth = basic(faulty.credentials.username, faulty.credentials.password);
      const hosts = await fetch(`${faulty.url}/api/hosts`, { headers: { authorization: auth } });
      expect(hosts.status).toBe(500);
      expect(((await hosts.json()) as { error: { message: string } }).error.message).toMatch(
        /^Internal Server Error/,
      );
      const status = await fetch(`${faulty.url}/api/status`, { headers: { authorization: auth } });
      expect(status.status).toBe(401);
    } finally {
      await faulty.close();
    }
  });
});
