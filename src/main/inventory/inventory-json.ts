import type { AssetRow, SourceFreshness } from '../../shared/inventory';
import type { Sqlite } from '../db/sqlite';

/** One source record an asset merges: which system and profile it came from, and why it joined. */
export interface RecordSummary {
  system: string;
  profile: string;
  externalId: string;
  name: string;
  matchKey: string;
  confidence: number;
}

interface LinkRow {
  asset_id: number;
  profile_id: string;
  external_id: string;
  match_key: string;
  confidence: number;
  system: string;
  name: string;
}

/**
 * The source records behind each asset, by asset id, read 500 assets at a time. Profiles are
 * named by `profileNames`; a record whose profile has no name there is named by its id.
 */
export function recordsByAsset(
  db: Sqlite,
  profileNames: ReadonlyMap<string, string>,
  rows: readonly AssetRow[],
): Map<number, RecordSummary[]> {
  const out = new Map<number, RecordSummary[]>();
  const statement = db.prepare(
    `SELECT l.asset_id, l.profile_id, l.external_id, l.match_key, l.confidence, r.system, r.name
     FROM asset_links l JOIN source_records r USING (profile_id, external_id)
     WHERE l.asset_id IN (SELECT value FROM json_each(?)) ORDER BY r.system, l.external_id`,
  );
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((r) => r.id);
    for (const link of statement.all(JSON.stringify(ids)) as LinkRow[]) {
      const list = out.get(link.asset_id) ?? [];
      list.push({
        system: link.system,
        profile: profileNames.get(link.profile_id) ?? link.profile_id,
        externalId: link.external_id,
        name: link.name,
        matchKey: link.match_key,
        confidence: link.confidence,
      });
      out.set(link.asset_id, list);
    }
  }
  return out;
}

/**
 * The inventory as JSON, the same from `rackside inventory --format json` and the app's export:
 * the match count, the freshness of every source, and each asset with the records it merges.
 */
export function inventoryJson(
  db: Sqlite,
  profileNames: ReadonlyMap<string, string>,
  total: number,
  sources: readonly SourceFreshness[],
  rows: readonly AssetRow[],
): string {
  const records = recordsByAsset(db, profileNames, rows);
  const assets = rows.map((row) => ({ ...row, records: records.get(row.id) ?? [] }));
  return `${JSON.stringify({ total, sources, assets }, null, 2)}\n`;
}
