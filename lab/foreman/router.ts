/** Foreman API v2 routing: auth, permissions, taxonomy scope and every read route of reference §6. */
import type { Fleet, ForemanHost } from '../fleet';
import { json, parseJsonBody, text, type LabRequest, type LabResponse } from '../common/http';
import { ListIndex } from '../common/list-index';
import { can, type ForemanAuth, type ForemanUser, type Permission } from './auth';
import * as F from './fields';
import { ApiError, envelope, listItems } from './listing';
import type { SearchFields } from './search';
import * as V from './views';

export const FOREMAN_VERSION = '3.13.0';
const JSON_TYPE = 'application/json; charset=utf-8';

export interface ForemanSim {
  fleet: Fleet;
  auth: ForemanAuth;
  ctx: V.ViewContext;
  /** Live hosts sorted by name (deleted ones removed, created ones added). */
  hosts: ForemanHost[];
  defaultPerPage: number;
}

const NOT_FOUND_HTML = `<!DOCTYPE html>
<html>
<head><title>The page you were looking for doesn't exist (404)</title></head>
<body><div class="dialog"><h1>The page you were looking for doesn't exist.</h1>
<p>You may have mistyped the address or the page may have moved.</p></div></body>
</html>
`;

function headers(req: LabRequest, sim: ForemanSim): Record<string, string> {
  const org = sim.fleet.organizations.find(
    (o) => String(o.id) === req.query.get('organization_id'),
  );
  const loc = sim.fleet.locations.find((l) => String(l.id) === req.query.get('location_id'));
  return {
    Foreman_version: FOREMAN_VERSION,
    Foreman_api_version: '2',
    Foreman_current_organization: org ? `${org.id}; ${org.name}` : '; ANY',
    Foreman_current_location: loc ? `${loc.id}; ${loc.name}` : '; ANY',
  };
}

export function foremanError(status: number, body: unknown): LabResponse {
  return json(status, body, {}, JSON_TYPE);
}

function forbidden(permission: Permission): never {
  throw new ApiError(403, {
    error: {
      message: 'Access denied',
      details: `Missing one of the required permissions: ${permission}`,
      missing_permissions: [permission],
    },
  });
}

function notFound(resource: string, id: string): never {
  throw new ApiError(404, { error: { message: `Resource ${resource} not found by id '${id}'` } });
}

function require(user: ForemanUser, permission: Permission): void {
  if (!can(user, permission)) forbidden(permission);
}

/** Whether a host is visible to the user in the request's taxonomy scope; null: every host. */
function scopeOf(req: LabRequest, user: ForemanUser): ((h: ForemanHost) => boolean) | null {
  const org = req.query.get('organization_id');
  const loc = req.query.get('location_id');
  const allowed = user.admin ? null : user.organizationIds;
  if (org === null && loc === null && allowed === null) return null;
  return (h) =>
    (org === null || String(h.organizationId) === org) &&
    (loc === null || String(h.locationId) === loc) &&
    (allowed === null || allowed.includes(h.organizationId));
}

/** Hosts visible to the user in the request's taxonomy scope. */
function scopedHosts(req: LabRequest, sim: ForemanSim, user: ForemanUser): ForemanHost[] {
  const inScope = scopeOf(req, user);
  return inScope === null ? sim.hosts : sim.hosts.filter(inScope);
}

interface HostIndexes {
  byId: ListIndex<ForemanHost, number>;
  byName: ListIndex<ForemanHost, string>;
}
const hostIndexes = new WeakMap<ForemanSim, HostIndexes>();

function indexesOf(sim: ForemanSim): HostIndexes {
  let indexes = hostIndexes.get(sim);
  if (indexes === undefined) {
    indexes = {
      byId: new ListIndex(
        () => sim.hosts,
        (h) => h.id,
      ),
      byName: new ListIndex(
        () => sim.hosts,
        (h) => h.name,
      ),
    };
    hostIndexes.set(sim, indexes);
  }
  return indexes;
}

function hostsChanged(sim: ForemanSim): void {
  const indexes = indexesOf(sim);
  indexes.byId.changed();
  indexes.byName.changed();
}

/** One host by id or name, if the user may see it in the request's scope. */
function scopedHost(
  req: LabRequest,
  sim: ForemanSim,
  user: ForemanUser,
  id: string,
): ForemanHost | undefined {
  const indexes = indexesOf(sim);
  const host = /^\d+$/.test(id) ? indexes.byId.get(Number(id)) : indexes.byName.get(id);
  if (host === undefined) return undefined;
  const inScope = scopeOf(req, user);
  return inScope === null || inScope(host) ? host : undefined;
}

/** The host by id or name as a list of one, or none when it is unknown or out of scope. */
function scopedHostList(
  req: LabRequest,
  sim: ForemanSim,
  user: ForemanUser,
  id: string,
): ForemanHost[] {
  const host = scopedHost(req, sim, user, id);
  return host === undefined ? [] : [host];
}

function findBy<T extends { id: number; name: string }>(
  items: readonly T[],
  id: string,
): T | undefined {
  const numeric = /^(\d+)(-.*)?$/.exec(id);
  return numeric
    ? items.find((t) => t.id === Number(numeric[1]))
    : items.find((t) => t.name === id);
}

interface Collection<T extends { id: number; name: string }> {
  singular: string;
  permission: Permission;
  items: (sim: ForemanSim) => readonly T[];
  fields: SearchFields<T>;
  view: (sim: ForemanSim, item: T) => unknown;
  show?: (sim: ForemanSim, item: T) => unknown;
}

/** A collection with its record type erased, so one table can hold them all. */
interface AnyCollection {
  singular: string;
  permission: Permission;
  items: (sim: ForemanSim) => readonly { id: number; name: string }[];
  index: (req: LabRequest, sim: ForemanSim) => unknown;
  show: (sim: ForemanSim, id: string) => unknown;
}

function collection<T extends { id: number; name: string }>(c: Collection<T>): AnyCollection {
  return {
    singular: c.singular,
    permission: c.permission,
    items: c.items,
    index: (req, sim) =>
      envelope(
        listItems(req, c.items(sim), {
          fields: c.fields,
          defaultField: 'name',
          defaultPerPage: sim.defaultPerPage,
          now: sim.ctx.now,
        }),
        (item) => c.view(sim, item),
      ),
    show: (sim, id) => {
      const item = findBy(c.items(sim), id);
      if (!item) notFound(c.singular, id);
      return (c.show ?? c.view)(sim, item);
    },
  };
}

function taxonomy(
  singular: string,
  permission: Permission,
  items: (fleet: Fleet) => readonly { id: number; name: string }[],
  key: 'organizationId' | 'locationId',
): AnyCollection {
  return collection({
    singular,
    permission,
    items: (sim) => items(sim.fleet),
    fields: F.taxonomyFields,
    view: (_sim, t) => V.taxonomyView(t),
    show: (sim, t) => V.taxonomyShow(t, sim.hosts.filter((h) => h[key] === t.id).length),
  });
}

const collections: Record<string, AnyCollection> = {
  hostgroups: collection({
    singular: 'hostgroup',
    permission: 'view_hostgroups',
    items: (sim) => sim.fleet.foreman.hostgroups,
    fields: F.hostgroupFields,
    view: (sim, g) => V.hostgroupView(sim.ctx, g),
  }),
  organizations: taxonomy(
    'organization',
    'view_organizations',
    (f) => f.organizations,
    'organizationId',
  ),
  locations: taxonomy('location', 'view_locations', (f) => f.locations, 'locationId'),
  compute_resources: collection({
    singular: 'compute_resource',
    permission: 'view_compute_resources',
    items: (sim) => sim.fleet.foreman.computeResources,
    fields: F.computeResourceFields,
    view: (_sim, c) => V.computeResourceView(c),
  }),
  operatingsystems: collection({
    singular: 'operatingsystem',
    permission: 'view_operatingsystems',
    items: (sim) => sim.fleet.foreman.operatingsystems,
    fields: F.osFields,
    view: (_sim, o) => V.osView(o),
  }),
  domains: collection({
    singular: 'domain',
    permission: 'view_domains',
    items: (sim) => sim.fleet.domains,
    fields: F.domainFields,
    view: (_sim, d) => V.domainView(d),
  }),
  subnets: collection({
    singular: 'subnet',
    permission: 'view_subnets',
    items: (sim) => sim.fleet.subnets,
    fields: F.subnetFields,
    view: (_sim, s) => V.subnetView(s),
  }),
};

const nestedParents: Record<string, { label: string; key: keyof ForemanHost }> = {
  hostgroups: { label: 'Hostgroup', key: 'hostgroupId' },
  organizations: { label: 'Organization', key: 'organizationId' },
  locations: { label: 'Location', key: 'locationId' },
  domains: { label: 'Domain', key: 'domainId' },
  subnets: { label: 'Subnet', key: 'subnetId' },
  compute_resources: { label: 'ComputeResource', key: 'computeResourceId' },
};

export async function handleForeman(req: LabRequest, sim: ForemanSim): Promise<LabResponse> {
  const m = /^\/api(?:\/v2)?(\/.*)?$/.exec(req.path);
  if (!m) return text(404, NOT_FOUND_HTML, 'text/html; charset=utf-8');
  const rest = (m[1] ?? '/').replace(/\/+$/, '') || '/';
  const segments = rest.split('/').slice(1).map(decodeURIComponent);
  const extra = headers(req, sim);
  try {
    const body = await route(req, sim, req.method, segments);
    if (body === undefined) return text(404, NOT_FOUND_HTML, 'text/html; charset=utf-8');
    const status = req.method === 'POST' ? 201 : 200;
    return json(status, body, extra, JSON_TYPE);
  } catch (error) {
    if (error instanceof ApiError) return json(error.status, error.body, extra, JSON_TYPE);
    throw error;
  }
}

/** Returns the response body, or undefined for "no such route". */
async function route(
  req: LabRequest,
  sim: ForemanSim,
  method: string,
  seg: string[],
): Promise<unknown> {
  const [a = '', b, c, d] = seg;
  if (method === 'GET' && a === 'ping' && b === undefined) {
    return {
      results: {
        foreman: {
          database: { active: true, duration_ms: '0' },
          cache: { servers: [{ status: 'ok', duration_ms: '1' }] },
        },
      },
    };
  }
  const known = isKnownRoute(method, seg);
  if (!known) return undefined;
  const auth = sim.auth.authenticate(req);
  if ('error' in auth) throw new ApiError(401, { error: { message: auth.error } });
  const user = auth.user;

  if (method === 'POST' || method === 'PUT') await checkBody(req);

  if (a === '') return { links: links() };
  if (a === 'status') {
    return { result: 'ok', status: 200, version: FOREMAN_VERSION, api_version: 2 };
  }
  if (a === 'current_user') {
    return {
      id: user.id,
      login: user.login,
      firstname: user.firstname,
      lastname: user.lastname,
      mail: user.mail,
      admin: user.admin,
      disabled: user.disabled,
      default_location: null,
      default_organization: null,
    };
  }
  if (a === 'hosts') return hostsRoute(req, sim, user, method, b, c);
  if (a === 'fact_values') {
    require(user, 'view_facts');
    const hostId = /^\s*host\s*=\s*(\S+)\s*$/.exec(req.query.get('search') ?? '')?.[1];
    const selected =
      hostId === undefined ? scopedHosts(req, sim, user) : scopedHostList(req, sim, user, hostId);
    return factsIndex(req, sim, selected, hostId ?? null);
  }
  const coll = collections[a];
  if (!coll) return undefined;
  if (b !== undefined && c === 'hosts' && d === undefined) {
    const parent = nestedParents[a]!;
    const owner = findBy(coll.items(sim), b);
    if (!owner) throw new ApiError(404, { message: `${parent.label} not found by id '${b}'` });
    require(user, 'view_hosts');
    const hosts = scopedHosts(req, sim, user).filter((h) => h[parent.key] === owner.id);
    return hostIndex(req, sim, hosts);
  }
  require(user, coll.permission);
  return b === undefined ? coll.index(req, sim) : coll.show(sim, b);
}

function isKnownRoute(method: string, seg: string[]): boolean {
  const [a = '', b, c, d] = seg;
  if (seg.length === 0 || a === '') return method === 'GET';
  if (a === 'hosts') {
    if (seg.length === 1) return method === 'GET' || method === 'POST';
    if (seg.length === 2) return method === 'GET' || method === 'DELETE';
    return seg.length === 3 && c === 'facts' && method === 'GET';
  }
  if (method !== 'GET') return false;
  if (['status', 'current_user', 'fact_values'].includes(a)) return seg.length === 1;
  if (!(a in collections)) return false;
  if (seg.length <= 2) return true;
  return (
    seg.length === 3 && c === 'hosts' && d === undefined && b !== undefined && a in nestedParents
  );
}

async function checkBody(req: LabRequest): Promise<void> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (type !== 'application/json') {
    throw new ApiError(415, {
      error: {
        message: `Media type in 'Content-Type: ${req.headers['content-type'] ?? ''}' is unsupported in API v2 for POST and PUT requests. Please use 'Content-Type: application/json'.`,
      },
    });
  }
  await Promise.resolve();
  if (req.body.length > 0 && parseJsonBody(req) === undefined) {
    let detail = 'unexpected token';
    try {
      JSON.parse(req.body.toString('utf8'));
    } catch (error) {
      detail = error instanceof Error ? error.message : detail;
    }
    throw new ApiError(400, {
      status: 400,
      error: `There was a problem in the JSON you submitted: ${detail}`,
    });
  }
}

function links(): Record<string, Record<string, string>> {
  const names = ['hosts', 'hostgroups', 'organizations', 'locations', 'compute_resources'];
  const more = ['operatingsystems', 'domains', 'subnets', 'fact_values'];
  const out: Record<string, string> = {};
  for (const n of [...names, ...more]) out[n.replace(/_/g, ' ')] = `/api/${n}`;
  return { foreman: out };
}

function hostIndex(req: LabRequest, sim: ForemanSim, hosts: readonly ForemanHost[]): unknown {
  const listing = listItems(req, hosts, {
    fields: F.hostFields(sim.ctx),
    defaultField: 'name',
    defaultPerPage: sim.defaultPerPage,
    now: sim.ctx.now,
  });
  const thin = ['true', '1'].includes(req.query.get('thin') ?? '');
  return envelope(listing, (h) => (thin ? { id: h.id, name: h.name } : V.hostMain(sim.ctx, h)));
}

function hostsRoute(
  req: LabRequest,
  sim: ForemanSim,
  user: ForemanUser,
  method: string,
  id: string | undefined,
  sub: string | undefined,
): unknown {
  if (id === undefined && method === 'POST') return createHost(req, sim, user);
  if (id === undefined) {
    require(user, 'view_hosts');
    return hostIndex(req, sim, scopedHosts(req, sim, user));
  }
  if (sub === 'facts') {
    require(user, 'view_facts');
    return factsIndex(req, sim, scopedHostList(req, sim, user, id), id);
  }
  require(user, method === 'DELETE' ? 'destroy_hosts' : 'view_hosts');
  const host = scopedHost(req, sim, user, id);
  if (!host) notFound('host', id);
  if (method === 'DELETE') {
    sim.hosts.splice(sim.hosts.indexOf(host), 1);
    hostsChanged(sim);
    return V.hostMain(sim.ctx, host);
  }
  return V.hostShow(sim.ctx, host);
}

function createHost(req: LabRequest, sim: ForemanSim, user: ForemanUser): unknown {
  require(user, 'create_hosts');
  const body = parseJsonBody(req) as { host?: { name?: unknown } } | undefined;
  const name = typeof body?.host?.name === 'string' ? body.host.name.trim() : '';
  if (name === '') {
    throw new ApiError(422, {
      error: {
        id: null,
        errors: { name: ["can't be blank"] },
        full_messages: ["Name can't be blank"],
      },
    });
  }
  const fqdn = name.includes('.')
    ? name
    : `${name}.${sim.fleet.domains[0]?.name ?? 'lab.example.com'}`;
  if (sim.hosts.some((h) => h.name === fqdn)) {
    throw new ApiError(422, {
      error: {
        id: null,
        errors: { name: ['has already been taken'] },
        full_messages: ['Name has already been taken'],
      },
    });
  }
  const now = sim.ctx.now;
  const host: ForemanHost = {
    ...sim.fleet.foreman.hosts[0]!,
    id: Math.max(0, ...sim.hosts.map((h) => h.id), sim.fleet.foreman.hosts.length) + 1,
    machine: '',
    name: fqdn,
    computeResourceId: null,
    uuid: null,
    managed: false,
    lastReport: null,
    hasFacts: false,
    createdAt: now,
    updatedAt: now,
    installedAt: null,
    hostgroupId: null,
  };
  sim.hosts.push(host);
  sim.hosts.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  hostsChanged(sim);
  return V.hostShow(sim.ctx, host);
}

/** Facts index: dict-of-dicts keyed by host name, paginated per fact value (reference §6.6). */
function factsIndex(
  req: LabRequest,
  sim: ForemanSim,
  selected: readonly ForemanHost[],
  hostId: string | null,
): unknown {
  const pairs: [string, string, string][] = [];
  for (const h of selected) {
    const facts = V.hostFacts(sim.ctx, h);
    for (const key of Object.keys(facts).sort()) pairs.push([h.name, key, facts[key]!]);
  }
  const listing = listItems(req, pairs, {
    fields: { name: { get: (p) => p[1] }, value: { get: (p) => p[2] }, host: { get: (p) => p[0] } },
    defaultField: 'name',
    defaultPerPage: sim.defaultPerPage,
    now: sim.ctx.now,
  });
  // will_paginate is called directly here: per_page=all becomes LIMIT 0.
  const rows = req.query.get('per_page') === 'all' ? [] : listing.results;
  const results: Record<string, Record<string, string>> = {};
  for (const [host, key, value] of rows) (results[host] ??= {})[key] = value;
  return {
    total: listing.total,
    subtotal: Object.keys(results).length,
    page: listing.page,
    per_page: listing.perPage,
    search: hostId === null ? listing.search : ` host = ${hostId}`,
    sort: listing.sort,
    results,
  };
}
