import { AppError } from '../../../shared/errors';
import { addUnique, isPlumbingInterface, normalizeIp, normalizeMac } from '../identity';
import type { PatchSummary, SourceRecord } from '../types';
import {
  rosBool,
  type Address,
  type Interface,
  type Package,
  type Resource,
  type Routerboard,
  type UpdateStatus,
} from './schemas';

/** Everything a sync reads from one router. */
export interface RouterFacts {
  identity: string;
  resource: Resource;
  routerboard: Routerboard;
  /** Only read for devices without a serial (CHR, x86). */
  license: Record<string, string> | null;
  interfaces: Interface[];
  addresses: Address[];
  packages: Package[];
  update: UpdateStatus | null;
}

/**
 * The device's external id: the RouterBOARD serial number, or for CHR / x86 (no RouterBOARD)
 * the license system id — the same scheme as the lab's ground truth.
 */
export function routerId(facts: Pick<RouterFacts, 'routerboard' | 'license'>): string {
  const serial = facts.routerboard['serial-number'];
  if (rosBool(facts.routerboard.routerboard) !== false && serial) return serial;
  const systemId = facts.license?.['system-id'] ?? facts.license?.['software-id'];
  if (systemId) return systemId;
  if (serial) return serial;
  throw new AppError(
    'protocol-error',
    'RouterOS: the router reports neither a serial number nor a license system id, so it cannot be identified.',
  );
}

/** `7.20.7 (long-term)` → `7.20.7`. */
export function bareVersion(version: string): string {
  return version.split(' ')[0] ?? version;
}

function patchSummary(update: UpdateStatus | null): PatchSummary | null {
  if (update === null) return null;
  const installed = update['installed-version'];
  const latest = update['latest-version'];
  const failed = /^error/i.test(update.status ?? '');
  return {
    updates:
      failed || latest === undefined || installed === undefined
        ? null
        : latest === installed
          ? 0
          : 1,
    security: null,
    rebootNeeded: null,
    lastReportAt: null,
  };
}

/**
 * Names of the interfaces that are not the router's own: a container's `veth` (RouterOS's
 * container feature), whose MAC is random and whose gateway address repeats on every router set up
 * alike, as Docker's do on a Linux host. RouterOS names interfaces freely (a LAN bridge may well be
 * `br-lan`) but reports their kind in `type`, which the shared plumbing rule is applied to.
 */
function plumbingInterfaces(interfaces: readonly Interface[]): Set<string> {
  return new Set(
    interfaces.filter((item) => isPlumbingInterface(item.type ?? '')).map((item) => item.name),
  );
}

export function normalizeRouter(facts: RouterFacts): SourceRecord {
  const plumbing = plumbingInterfaces(facts.interfaces);
  const macs: string[] = [];
  addUnique(
    macs,
    facts.interfaces.filter((item) => !plumbing.has(item.name)).map((item) => item['mac-address']),
    normalizeMac,
  );
  const ips: string[] = [];
  addUnique(
    ips,
    facts.addresses
      .filter(
        (item) =>
          rosBool(item.disabled) !== true &&
          rosBool(item.invalid) !== true &&
          !plumbing.has(item.interface ?? ''),
      )
      .map((item) => item.address),
    normalizeIp,
  );
  const serial = routerId(facts);
  return {
    system: 'routeros',
    externalId: serial,
    kind: 'router',
    name: facts.identity.toLowerCase(),
    fqdn: facts.identity.includes('.') ? facts.identity.toLowerCase() : null,
    status: 'running',
    os: `RouterOS ${bareVersion(facts.resource.version)}`,
    ips,
    macs,
    machineId: null,
    smbiosUuid: null,
    serial,
    cluster: null,
    site: null,
    group: null,
    organization: null,
    location: null,
    tags: [],
    patch: patchSummary(facts.update),
    // The router is its own source, so there is no report time of its own to show: what it
    // answered is as fresh as the profile's sync, which the asset's freshness says. (The time of
    // the poll here would change the record, and the inventory, on every sync.)
    lastSeenAt: null,
    changeStamp: null,
    raw: { ...facts },
  };
}
