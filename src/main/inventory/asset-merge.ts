import { createHash } from 'node:crypto';
import type { AssetKind } from '../../shared/inventory';
import type { SourceSystem } from '../sources/types';
import type { MatchKey } from './correlate';
import { canonicalOsName } from './os-name';
import type { StoredRecord } from './record-store';

/** One asset as stored: the merged view of its records. */
export interface MergedAsset {
  kind: AssetKind;
  name: string;
  fqdn: string | null;
  status: string;
  os: string | null;
  ips: string[];
  macs: string[];
  cluster: string | null;
  site: string | null;
  groups: string[];
  organization: string | null;
  location: string | null;
  tags: string[];
  updates: number | null;
  security: number | null;
  rebootNeeded: boolean | null;
  systems: SourceSystem[];
  lastSeen: Partial<Record<SourceSystem, string>>;
  /** Names and FQDNs the records use besides `name` and `fqdn` (a rename one system missed). */
  aka: string[];
}

export interface LinkedRecord {
  record: StoredRecord;
  matchKey: MatchKey;
  confidence: number;
}

// Which system's word counts for each field: the hypervisor knows the current name and state,
// the patch agent the OS, Foreman the planned identity.
const nameOrder: readonly SourceSystem[] = ['proxmox', 'routeros', 'patchmon', 'foreman'];
const statusOrder: readonly SourceSystem[] = ['proxmox', 'routeros', 'patchmon', 'foreman'];
const osOrder: readonly SourceSystem[] = ['patchmon', 'foreman', 'routeros', 'proxmox'];
const ipOrder: readonly SourceSystem[] = ['proxmox', 'routeros', 'patchmon', 'foreman'];
const systemOrder: readonly SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];

function ordered(records: readonly StoredRecord[], order: readonly SourceSystem[]): StoredRecord[] {
  return [...records].sort((a, b) => order.indexOf(a.system) - order.indexOf(b.system));
}

function first<T>(
  records: readonly StoredRecord[],
  order: readonly SourceSystem[],
  pick: (r: StoredRecord) => T | null,
): T | null {
  for (const record of ordered(records, order)) {
    const value = pick(record);
    if (value !== null && value !== '') return value;
  }
  return null;
}

const unique = (values: Iterable<string>): string[] => [...new Set(values)];

/**
 * A name the Proxmox connector made up for a guest its node did not describe (`qemu-184`, the
 * node unreachable): any name another source gives wins over it.
 */
function madeUpName(record: StoredRecord): boolean {
  if (record.system !== 'proxmox') return false;
  const made = /^(qemu|lxc)-(\d+)$/.exec(record.name);
  return made !== null && record.externalId.endsWith(`/${made[1] ?? ''}/${made[2] ?? ''}`);
}

export function mergeRecords(records: readonly StoredRecord[]): MergedAsset {
  const name =
    first(records, nameOrder, (r) => (madeUpName(r) ? null : r.name)) ??
    first(records, nameOrder, (r) => r.name) ??
    '(unnamed)';
  const fqdns = records.flatMap((r) => (r.fqdn === null ? [] : [r.fqdn]));
  const fqdn =
    fqdns.find((f) => f.split('.')[0] === name) ??
    first(records, ['foreman', 'patchmon', 'proxmox', 'routeros'], (r) => r.fqdn);
  const kinds = ordered(records, ['proxmox', 'routeros', 'foreman', 'patchmon']).map((r) => r.kind);
  const patchRecord = records
    .filter((r) => r.patch !== null)
    .sort((a, b) => (b.patch?.lastReportAt ?? '').localeCompare(a.patch?.lastReportAt ?? ''))[0];
  const lastSeen: Partial<Record<SourceSystem, string>> = {};
  for (const r of records) {
    const seen = r.lastSeenAt;
    if (seen === null) continue;
    const before = lastSeen[r.system];
    if (before === undefined || seen > before) lastSeen[r.system] = seen;
  }
  return {
    kind: kinds.find((k) => k !== 'host') ?? 'host',
    name,
    fqdn,
    status:
      first(records, statusOrder, (r) => (r.status === 'unknown' ? null : r.status)) ?? 'unknown',
    os: canonicalOsName(first(records, osOrder, (r) => r.os)),
    ips: unique(ordered(records, ipOrder).flatMap((r) => r.ips)),
    macs: unique(records.flatMap((r) => r.macs)),
    cluster: first(records, ['proxmox', 'foreman', 'patchmon', 'routeros'], (r) => r.cluster),
    site: first(records, ['proxmox', 'routeros', 'foreman', 'patchmon'], (r) => r.site),
    groups: unique(records.flatMap((r) => (r.group === null ? [] : [r.group]))),
    organization: first(records, systemOrder, (r) => r.organization),
    location: first(records, systemOrder, (r) => r.location),
    tags: unique(records.flatMap((r) => r.tags)),
    updates: patchRecord?.patch?.updates ?? null,
    security: patchRecord?.patch?.security ?? null,
    rebootNeeded: patchRecord?.patch?.rebootNeeded ?? null,
    systems: systemOrder.filter((s) => records.some((r) => r.system === s)),
    lastSeen,
    aka: otherNames(records, name, fqdn),
  };
}

/** The records' names and FQDNs other than those shown, each once (case aside), in order. */
function otherNames(records: readonly StoredRecord[], name: string, fqdn: string | null): string[] {
  const seen = new Set([name.toLowerCase(), (fqdn ?? '').toLowerCase(), '']);
  const out: string[] = [];
  for (const value of records.flatMap((r) => [r.name, r.fqdn ?? ''])) {
    const folded = value.toLowerCase();
    if (seen.has(folded)) continue;
    seen.add(folded);
    out.push(value);
  }
  return out;
}

/**
 * Bump when `mergeRecords` or the search text written for an asset changes, so every asset is
 * merged and written again.
 */
const mergeVersion = 6;

/**
 * What an asset is made of: its records (by id and content hash, in merge order) and how each was
 * matched. Equal hashes mean `mergeRecords` would give the same asset, so an unchanged group is
 * neither merged nor written again.
 */
export function assetHash(links: readonly LinkedRecord[]): string {
  const hash = createHash('sha256').update(`v${mergeVersion}`);
  for (const l of links) {
    hash.update(
      `\n${l.record.profileId}\u0000${l.record.externalId}\u0000${l.record.hash}\u0000${l.matchKey}\u0000${l.confidence}`,
    );
  }
  return hash.digest('base64url').slice(0, 32);
}
