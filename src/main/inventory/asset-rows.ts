import type {
  AssetFreshness,
  AssetKind,
  AssetRow,
  SourceFreshness,
  SourceSystem,
} from '../../shared/inventory';
import type { Sqlite } from '../db/sqlite';

export interface AssetDbRow {
  id: number;
  kind: string;
  name: string;
  fqdn: string | null;
  status: string;
  os: string | null;
  ips: string;
  macs: string;
  cluster: string | null;
  site: string | null;
  groups: string;
  organization: string | null;
  location: string | null;
  tags: string;
  updates: number | null;
  security: number | null;
  reboot_needed: number | null;
  in_foreman: number;
  in_proxmox: number;
  in_patchmon: number;
  in_routeros: number;
  last_seen: string;
}

const systems: readonly SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];

/** Links (asset → profiles) of the given assets, in one query. */
export function profilesOfAssets(db: Sqlite, ids: readonly number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (ids.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT asset_id, profile_id FROM asset_links
       WHERE asset_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as { asset_id: number; profile_id: string }[];
  for (const row of rows) {
    const list = out.get(row.asset_id) ?? [];
    if (!list.includes(row.profile_id)) list.push(row.profile_id);
    out.set(row.asset_id, list);
  }
  return out;
}

/**
 * An asset's freshness: offline when any source describing it failed its last sync or cannot be
 * reached now.
 */
export function assetFreshness(
  profileIds: readonly string[],
  sources: ReadonlyMap<string, SourceFreshness>,
): AssetFreshness {
  const known = profileIds.flatMap((id) => {
    const s = sources.get(id);
    return s === undefined ? [] : [s];
  });
  const times = known.flatMap((s) => (s.dataFrom === null ? [] : [s.dataFrom])).sort();
  const dataFrom = times[0] ?? null;
  const offline = known.filter((s) => s.offline);
  // A sync that went through with gaps: the data may miss what it could not get.
  const warned = known.filter((s) => !s.offline && (s.lastWarnings?.length ?? 0) > 0);
  const warnings =
    warned.length === 0
      ? ''
      : `; the last sync warned (${warned
          .map((s) => `${s.profileName}: ${(s.lastWarnings ?? []).join('; ')}`)
          .join('; ')})`;
  if (offline.length === 0) {
    return {
      offline: false,
      dataFrom,
      message: dataFrom === null ? '' : `data from ${dataFrom}${warnings}`,
    };
  }
  const oldest = offline.flatMap((s) => (s.dataFrom === null ? [] : [s.dataFrom])).sort()[0];
  return {
    offline: true,
    dataFrom,
    message: `offline — data from ${oldest ?? 'an earlier sync'} (${offline
      .map((s) => `${s.profileName}: ${s.offlineReason ?? 'last sync failed'}`)
      .join('; ')})${warnings}`,
  };
}

/** An asset as a page shows it, before its freshness is known. */
export type AssetView = Omit<AssetRow, 'freshness'>;

export function assetView(row: AssetDbRow): AssetView {
  return {
    id: row.id,
    kind: row.kind as AssetKind,
    name: row.name,
    fqdn: row.fqdn,
    status: row.status,
    os: row.os,
    ips: JSON.parse(row.ips) as string[],
    macs: JSON.parse(row.macs) as string[],
    cluster: row.cluster,
    site: row.site,
    groups: JSON.parse(row.groups) as string[],
    organization: row.organization,
    location: row.location,
    tags: JSON.parse(row.tags) as string[],
    patch: {
      updates: row.updates,
      security: row.security,
      rebootNeeded: row.reboot_needed === null ? null : row.reboot_needed === 1,
    },
    systems: systems.filter((s) => row[`in_${s}`] === 1),
    lastSeen: JSON.parse(row.last_seen) as Record<string, string>,
  };
}

/**
 * An asset row of a page: its view with its freshness. Written out field by field rather than
 * spread: a page's hundred rows are made on every keystroke, and a literal of known shape is
 * several times quicker to make than a copy of an object's properties.
 */
export function withFreshness(view: AssetView, freshness: AssetFreshness): AssetRow {
  return {
    id: view.id,
    kind: view.kind,
    name: view.name,
    fqdn: view.fqdn,
    status: view.status,
    os: view.os,
    ips: view.ips,
    macs: view.macs,
    cluster: view.cluster,
    site: view.site,
    groups: view.groups,
    organization: view.organization,
    location: view.location,
    tags: view.tags,
    patch: view.patch,
    systems: view.systems,
    lastSeen: view.lastSeen,
    freshness,
  };
}

export function toAssetRow(row: AssetDbRow, freshness: AssetFreshness): AssetRow {
  return withFreshness(assetView(row), freshness);
}
