/** A Foreman host (summary, details, facts) → the normalized `SourceRecord`. */
import { addUnique, normalizeIp, normalizeMac } from '../identity';
import type { SourceRecord } from '../types';
import {
  ipsFromFacts,
  kindFromFacts,
  machineIdFromFacts,
  macsFromFacts,
  serialFromFacts,
  smbiosUuidFromFacts,
  type Facts,
} from './facts';
import { foremanTime, type HostDetails } from './schemas';

/** Names of the reference collections, by id, to fill in what a host leaves null. */
export interface ForemanLookups {
  hostgroups: ReadonlyMap<number, string>;
  organizations: ReadonlyMap<number, string>;
  locations: ReadonlyMap<number, string>;
  computeResources: ReadonlyMap<number, string>;
  operatingSystems: ReadonlyMap<number, string>;
}

export const emptyLookups: ForemanLookups = {
  hostgroups: new Map(),
  organizations: new Map(),
  locations: new Map(),
  computeResources: new Map(),
  operatingSystems: new Map(),
};

function named(
  own: string | null | undefined,
  id: number | null | undefined,
  lookup: ReadonlyMap<number, string>,
): string | null {
  if (own !== null && own !== undefined && own !== '') return own;
  return id === null || id === undefined ? null : (lookup.get(id) ?? null);
}

export function normalizeHost(
  host: HostDetails,
  facts: Facts | null,
  lookups: ForemanLookups,
): SourceRecord {
  const fqdnOrName = host.name.trim().toLowerCase().replace(/\.$/, '');
  const short = fqdnOrName.split('.')[0] ?? fqdnOrName;
  const nics = (host.interfaces ?? []).filter((nic) => nic.type !== 'bmc');
  const ips: string[] = [];
  addUnique(ips, [host.ip, host.ip6, ...nics.flatMap((nic) => [nic.ip, nic.ip6])], normalizeIp);
  const macs: string[] = [];
  addUnique(macs, [host.mac, ...nics.map((nic) => nic.mac)], normalizeMac);
  if (facts !== null) {
    ipsFromFacts(facts, ips);
    macsFromFacts(facts, macs);
  }
  const kind =
    (facts === null ? null : kindFromFacts(facts)) ??
    (host.compute_resource_id === null || host.compute_resource_id === undefined ? 'host' : 'vm');
  const location = named(host.location_name, host.location_id, lookups.locations);
  return {
    system: 'foreman',
    externalId: String(host.id),
    kind,
    name: short,
    fqdn: fqdnOrName.includes('.') ? fqdnOrName : null,
    // Foreman knows power state only by asking the compute resource; that is Proxmox's job here.
    status: 'unknown',
    os: named(host.operatingsystem_name, host.operatingsystem_id, lookups.operatingSystems),
    ips,
    macs,
    machineId: facts === null ? null : machineIdFromFacts(facts),
    smbiosUuid: facts === null ? null : smbiosUuidFromFacts(facts),
    serial: facts === null ? null : serialFromFacts(facts),
    cluster: named(host.compute_resource_name, host.compute_resource_id, lookups.computeResources),
    site: location,
    group: named(host.hostgroup_title, host.hostgroup_id, lookups.hostgroups),
    organization: named(host.organization_name, host.organization_id, lookups.organizations),
    location,
    tags: [],
    patch: null,
    lastSeenAt: foremanTime(host.last_report),
    changeStamp: host.updated_at ?? null,
    raw: { host, facts },
  };
}
