/** Scoped-search field definitions per Foreman resource. */
import { foremanFacts } from '../fleet';
import type {
  Domain,
  ForemanComputeResource,
  ForemanHost,
  ForemanHostgroup,
  ForemanOs,
  Subnet,
} from '../fleet';
import type { SearchFields } from './search';
import type { ViewContext } from './views';

const statusEnum = { enum: { ok: 0, warning: 1, error: 2 } };
const buildEnum = { enum: { built: 0, pending: 1, token_expired: 2, build_failed: 3 } };

export function hostFields(ctx: ViewContext): SearchFields<ForemanHost> {
  const { fleet } = ctx;
  const os = (h: ForemanHost) => ctx.os.get(h.operatingsystemId);
  const hg = (h: ForemanHost) =>
    h.hostgroupId === null ? undefined : ctx.hostgroups.get(h.hostgroupId);
  const cr = (h: ForemanHost) =>
    h.computeResourceId === null ? undefined : ctx.computeResources.get(h.computeResourceId);
  return {
    name: { get: (h) => h.name },
    id: { get: (h) => h.id, type: 'number' },
    ip: { get: (h) => h.ip },
    mac: { get: (h) => h.mac },
    has_ip: { get: (h) => h.ip },
    has_mac: { get: (h) => h.mac },
    os: { get: (h) => os(h)?.name },
    os_title: { get: (h) => os(h)?.title },
    os_major: { get: (h) => os(h)?.major },
    os_minor: { get: (h) => os(h)?.minor },
    hostgroup: { get: (h) => hg(h)?.name },
    hostgroup_name: { get: (h) => hg(h)?.name },
    hostgroup_title: { get: (h) => hg(h)?.title },
    hostgroup_fullname: { get: (h) => hg(h)?.title },
    hostgroup_id: { get: (h) => h.hostgroupId, type: 'number' },
    location: { get: (h) => fleet.locations[h.locationId - 1]?.name },
    location_id: { get: (h) => h.locationId, type: 'number' },
    organization: { get: (h) => fleet.organizations[h.organizationId - 1]?.name },
    organization_id: { get: (h) => h.organizationId, type: 'number' },
    domain: { get: (h) => fleet.domains[h.domainId - 1]?.name },
    subnet: { get: (h) => fleet.subnets[h.subnetId - 1]?.name },
    compute_resource: { get: (h) => cr(h)?.name },
    compute_resource_id: { get: (h) => h.computeResourceId, type: 'number' },
    model: { get: (h) => h.modelName },
    architecture: { get: (h) => h.architecture },
    managed: { get: (h) => h.managed },
    build: { get: (h) => h.build },
    build_status: { get: (h) => h.buildStatus, type: buildEnum },
    global_status: { get: (h) => h.globalStatus, type: statusEnum },
    last_report: { get: (h) => h.lastReport, type: 'date' },
    created_at: { get: (h) => h.createdAt, type: 'date' },
    installed_at: { get: (h) => h.installedAt, type: 'date' },
    uuid: { get: (h) => h.uuid },
    comment: { get: (h) => h.comment },
    'facts.*': { get: (h, key) => (key === undefined ? undefined : foremanFacts(fleet, h)[key]) },
  };
}

export const hostgroupFields: SearchFields<ForemanHostgroup> = {
  name: { get: (g) => g.name },
  title: { get: (g) => g.title },
  id: { get: (g) => g.id, type: 'number' },
};

export const taxonomyFields: SearchFields<{ id: number; name: string }> = {
  name: { get: (t) => t.name },
  title: { get: (t) => t.name },
  id: { get: (t) => t.id, type: 'number' },
};

export const computeResourceFields: SearchFields<ForemanComputeResource> = {
  name: { get: (c) => c.name },
  id: { get: (c) => c.id, type: 'number' },
  type: { get: () => 'Proxmox' },
};

export const osFields: SearchFields<ForemanOs> = {
  name: { get: (o) => o.name },
  title: { get: (o) => o.title },
  major: { get: (o) => o.major },
  minor: { get: (o) => o.minor },
  family: { get: (o) => o.family },
  id: { get: (o) => o.id, type: 'number' },
};

export const domainFields: SearchFields<Domain> = {
  name: { get: (d) => d.name },
  fullname: { get: (d) => d.fullname },
  id: { get: (d) => d.id, type: 'number' },
};

export const subnetFields: SearchFields<Subnet> = {
  name: { get: (s) => s.name },
  network: { get: (s) => s.network },
  vlanid: { get: (s) => s.vlanid, type: 'number' },
  id: { get: (s) => s.id, type: 'number' },
};
