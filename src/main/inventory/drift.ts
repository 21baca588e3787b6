import {
  systemLabels,
  type DriftItem,
  type DriftPage,
  type SourceFreshness,
  type SourceSystem,
} from '../../shared/inventory';
import type { Sqlite } from '../db/sqlite';
import type { AssetDbRow } from './asset-rows';

const staleAfterMs = 7 * 24 * 3600_000;

/**
 * Which systems should know an asset: Foreman manages every server and guest (not routers);
 * PatchMon patches Linux machines; Proxmox hosts the guests Foreman says are virtual. Only
 * systems with at least one configured profile are expected.
 */
function expected(row: AssetDbRow, configured: ReadonlySet<SourceSystem>): SourceSystem[] {
  const out: SourceSystem[] = [];
  if (row.kind === 'router') return out;
  const linux = row.os === null || !/windows|win\d|^w2k|proxmox/i.test(row.os);
  if (configured.has('foreman')) out.push('foreman');
  if (configured.has('patchmon') && linux && row.kind !== 'node') out.push('patchmon');
  if (configured.has('proxmox') && (row.kind === 'vm' || row.kind === 'container')) {
    out.push('proxmox');
  }
  return out;
}

function reasonFor(row: AssetDbRow, present: SourceSystem[], missing: SourceSystem[]): string {
  if (present.length === 1 && present[0] === 'patchmon') {
    const seen = (JSON.parse(row.last_seen) as Record<string, string>).patchmon;
    if (seen !== undefined && Date.now() - Date.parse(seen) > staleAfterMs) {
      return `only PatchMon lists it, last report ${seen}: probably decommissioned`;
    }
  }
  const what = present.includes('proxmox')
    ? `Proxmox ${row.kind === 'container' ? 'container' : 'guest'}`
    : `${row.kind} known to ${present.map((s) => systemLabels[s]).join(', ')}`;
  return `${what} unknown to ${missing.map((s) => systemLabels[s]).join(' and ')}`;
}

/** Assets present in one system but missing where they are expected. */
export function driftOf(
  db: Sqlite,
  sources: readonly SourceFreshness[],
  offset: number,
  limit: number,
): DriftPage {
  const configured = new Set(sources.filter((s) => s.dataFrom !== null).map((s) => s.system));
  const items: DriftItem[] = [];
  const systems: SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];
  for (const row of db
    .prepare('SELECT * FROM assets ORDER BY name_sort, id')
    .iterate() as IterableIterator<AssetDbRow>) {
    const present = systems.filter((s) => row[`in_${s}`] === 1);
    const missing = expected(row, configured).filter((s) => !present.includes(s));
    if (missing.length === 0) continue;
    items.push({
      assetId: row.id,
      name: row.name,
      kind: row.kind as DriftItem['kind'],
      presentIn: present,
      missingFrom: missing,
      reason: reasonFor(row, present, missing),
    });
  }
  return { items: items.slice(offset, offset + limit), total: items.length };
}
