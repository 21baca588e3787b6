import {
  systemLabels,
  type DriftItem,
  type DriftPage,
  type SourceFreshness,
  type SourceSystem,
} from '../../shared/inventory';
import type { Sqlite } from '../db/sqlite';
import type { AssetDbRow } from './asset-rows';
import { configuredSystems, expectedIn } from './drift-rule';

const sourceSystems: readonly SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];
/** The order a drift names the systems an asset is missing from. */
const expectedOrder: readonly SourceSystem[] = ['foreman', 'patchmon', 'proxmox'];

const staleAfterMs = 7 * 24 * 3600_000;

/** The systems that should know an asset (drift-rule.ts), among those with a profile. */
function expected(row: AssetDbRow, configured: ReadonlySet<SourceSystem>): SourceSystem[] {
  return expectedOrder.filter((s) => configured.has(s) && expectedIn(s, row.kind, row.os));
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
  const configured = new Set(configuredSystems(sources));
  const items: DriftItem[] = [];
  for (const row of db
    .prepare('SELECT * FROM assets ORDER BY name_sort, id')
    .iterate() as IterableIterator<AssetDbRow>) {
    const present = sourceSystems.filter((s) => row[`in_${s}`] === 1);
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
