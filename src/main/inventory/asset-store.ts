import type { Statement } from 'better-sqlite3';
import { nameSortKey, sortKeyOrNull } from '../../shared/name-sort';
import type { Sqlite } from '../db/sqlite';
import { assetHash, mergeRecords, type LinkedRecord, type MergedAsset } from './asset-merge';
import {
  correlate,
  recordKey,
  sameMachine,
  type CorrelationInput,
  type Override,
} from './correlate';
import { RecordStore, type StoredRecord } from './record-store';
import { listText, valueText } from './search-text';

export interface CorrelationSummary {
  assets: number;
  written: number;
  removed: number;
}

interface LinkRow {
  asset_id: number;
  profile_id: string;
  external_id: string;
}

/**
 * The hand joins and splits that still apply. A join whose record now describes another machine
 * than the one it was made for (a Proxmox VMID given to a new guest) is deleted: it would glue
 * the new machine onto the old one's records.
 */
export function loadOverrides(
  db: Sqlite,
  records: readonly (CorrelationInput & { profileId: string })[],
): Override[] {
  const rows = db
    .prepare(
      'SELECT id, kind, a_profile, a_external, b_profile, b_external, a_identity, b_identity FROM link_overrides',
    )
    .all() as {
    id: number;
    kind: 'join' | 'split';
    a_profile: string;
    a_external: string;
    b_profile: string;
    b_external: string;
    a_identity: string | null;
    b_identity: string | null;
  }[];
  const byKey = new Map(records.map((r) => [recordKey(r.profileId, r.externalId), r]));
  const still = (key: string, identity: string | null): boolean => {
    const record = byKey.get(key);
    return record === undefined || sameMachine(identity, record);
  };
  const out: Override[] = [];
  const stale: number[] = [];
  for (const r of rows) {
    const a = recordKey(r.a_profile, r.a_external);
    const b = recordKey(r.b_profile, r.b_external);
    if (r.kind === 'join' && (!still(a, r.a_identity) || !still(b, r.b_identity))) {
      stale.push(r.id);
      continue;
    }
    out.push({ kind: r.kind, a, b });
  }
  const remove = db.prepare('DELETE FROM link_overrides WHERE id = ?');
  for (const id of stale) remove.run(id);
  return out;
}

/**
 * Re-runs correlation over every stored record and writes the difference to `assets`,
 * `asset_links` and the search index. Asset ids stay stable: a new group takes the id of the old
 * asset it shares the most records with. Call inside the transaction that changed the records,
 * so records and assets always agree.
 */
export function recorrelate(db: Sqlite): CorrelationSummary {
  const records = new RecordStore(db).allForCorrelation();
  const groups = correlate(records, loadOverrides(db, records));

  const previous = new Map<string, number>();
  for (const row of db
    .prepare('SELECT asset_id, profile_id, external_id FROM asset_links')
    .iterate() as IterableIterator<LinkRow>) {
    previous.set(recordKey(row.profile_id, row.external_id), row.asset_id);
  }
  const oldHashes = new Map(
    (db.prepare('SELECT id, hash FROM assets').all() as { id: number; hash: string }[]).map((r) => [
      r.id,
      r.hash,
    ]),
  );

  const linked: LinkedRecord[][] = groups.map((group) =>
    group.flatMap((m) => {
      const record = records[m.index];
      return record === undefined
        ? []
        : [{ record, matchKey: m.matchKey, confidence: m.confidence }];
    }),
  );
  const ids = assignIds(linked, previous, oldHashes);

  const upsertAsset = db.prepare(`INSERT INTO assets (id, kind, name, fqdn, status, os, ips,
      macs, cluster, site, groups, organization, location, tags, updates, security,
      reboot_needed, in_foreman, in_proxmox, in_patchmon, in_routeros, last_seen, hash,
      name_sort, os_sort, fqdn_sort, cluster_sort, group_sort, aka)
    VALUES (@id, @kind, @name, @fqdn, @status, @os, @ips, @macs, @cluster, @site, @groups,
      @organization, @location, @tags, @updates, @security, @reboot_needed, @in_foreman,
      @in_proxmox, @in_patchmon, @in_routeros, @last_seen, @hash, @name_sort, @os_sort,
      @fqdn_sort, @cluster_sort, @group_sort, @aka)
    ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
      name_sort = excluded.name_sort, os_sort = excluded.os_sort,
      fqdn_sort = excluded.fqdn_sort, cluster_sort = excluded.cluster_sort,
      group_sort = excluded.group_sort,
      fqdn = excluded.fqdn, status = excluded.status, os = excluded.os, ips = excluded.ips,
      macs = excluded.macs, cluster = excluded.cluster, site = excluded.site,
      groups = excluded.groups, organization = excluded.organization,
      location = excluded.location, tags = excluded.tags, updates = excluded.updates,
      security = excluded.security, reboot_needed = excluded.reboot_needed,
      in_foreman = excluded.in_foreman, in_proxmox = excluded.in_proxmox,
      in_patchmon = excluded.in_patchmon, in_routeros = excluded.in_routeros,
      last_seen = excluded.last_seen, hash = excluded.hash, aka = excluded.aka`);
  const deleteFts = db.prepare('DELETE FROM asset_fts WHERE rowid = ?');
  const insertFts = db.prepare(
    'INSERT INTO asset_fts (rowid, name, fqdn, ips, macs, os, groups, tags, aka) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const deleteLinks = db.prepare('DELETE FROM asset_links WHERE asset_id = ?');
  const insertLink = db.prepare(
    'INSERT OR REPLACE INTO asset_links (asset_id, profile_id, external_id, match_key, confidence) VALUES (?, ?, ?, ?, ?)',
  );
  const deleteAsset = db.prepare('DELETE FROM assets WHERE id = ?');

  const keep = new Set<number>();
  const changed: { id: number; existed: boolean; hash: string; links: LinkedRecord[] }[] = [];
  linked.forEach((links, i) => {
    const id = ids[i];
    if (id === undefined) return;
    keep.add(id);
    const hash = assetHash(links);
    if (oldHashes.get(id) === hash) return;
    // A new asset has no search row or links to clear (a first sync creates every asset).
    changed.push({ id, existed: oldHashes.has(id), hash, links });
  });
  // One table at a time rather than asset by asset: after a first sync that is tens of
  // thousands of rows, and each pass keeps to the pages of its own table and indexes.
  const merged = changed.map(({ id, hash, links }) => {
    const asset = mergeRecords(links.map((l) => l.record));
    upsertAsset.run(assetRow(id, asset, hash));
    return asset;
  });
  changed.forEach(({ id, existed }, i) => {
    const asset = merged[i];
    if (asset === undefined) return;
    if (existed) deleteFts.run(id);
    insertFts.run(
      id,
      valueText(asset.name),
      valueText(asset.fqdn ?? ''),
      listText(asset.ips),
      listText(asset.macs),
      valueText(asset.os ?? ''),
      listText(asset.groups),
      listText(asset.tags),
      listText(asset.aka),
    );
  });
  for (const { id, existed } of changed) if (existed) deleteLinks.run(id);
  for (const { id, links } of changed) {
    for (const l of links) {
      insertLink.run(id, l.record.profileId, l.record.externalId, l.matchKey, l.confidence);
    }
  }
  const written = changed.length;
  let removed = 0;
  for (const id of oldHashes.keys()) {
    if (keep.has(id)) continue;
    deleteAsset.run(id);
    deleteFts.run(id);
    removed++;
  }
  mergeSearchIndex(db, written + removed, linked.length);
  if (written + removed > 0) {
    db.prepare('UPDATE inventory_state SET generation = generation + 1 WHERE id = 1').run();
  }
  return { assets: linked.length, written, removed };
}

/**
 * After a large change (the first sync, a big import) the full-text index is left in many
 * segments that every search reads through, each probe seeking in all of them: merge them into
 * one (about 1 s at 100 000 assets). Small changes leave merging to the index's own automerge.
 */
function mergeSearchIndex(db: Sqlite, changed: number, assets: number): void {
  if (changed < 256 || changed * 10 < assets) return;
  db.prepare("INSERT INTO asset_fts (asset_fts) VALUES ('optimize')").run();
}

/** The inventory's generation: it moves with every change to the assets (migration 10). */
export function inventoryGeneration(db: Sqlite): number {
  // Read before every search: prepared once per connection.
  let statement = generationStatements.get(db);
  if (statement === undefined) {
    statement = db.prepare('SELECT generation FROM inventory_state WHERE id = 1');
    generationStatements.set(db, statement);
  }
  const row = statement.get() as { generation: number } | undefined;
  return row?.generation ?? 0;
}

const generationStatements = new WeakMap<Sqlite, Statement>();

/** Whether records changed since the last correlation (see `markDirty`). */
export function inventoryDirty(db: Sqlite): boolean {
  const row = db.prepare('SELECT dirty FROM inventory_state WHERE id = 1').get() as
    { dirty: number } | undefined;
  return row?.dirty === 1;
}

/** Records changed since the last correlation; set in the same transaction as the change. */
export function markDirty(db: Sqlite): void {
  db.prepare('UPDATE inventory_state SET dirty = 1 WHERE id = 1').run();
}

/**
 * Re-correlates in one transaction if records changed since the last correlation (also after a
 * crash between a source's commit and its correlation). Returns null when nothing was to do.
 * `beforeCommit` runs last inside the transaction: what it throws rolls everything back.
 */
export function correlateIfDirty(
  db: Sqlite,
  now = new Date(),
  beforeCommit?: () => void,
): CorrelationSummary | null {
  return db.transaction(() => {
    const state = db.prepare('SELECT dirty FROM inventory_state WHERE id = 1').get() as
      { dirty: number } | undefined;
    if (state?.dirty !== 1) return null;
    const summary = recorrelate(db);
    db.prepare('UPDATE inventory_state SET dirty = 0, correlated_at = ? WHERE id = 1').run(
      now.toISOString(),
    );
    beforeCommit?.();
    return summary;
  })();
}

/**
 * `correlateIfDirty` on a connection of its own (the correlation worker's). It reads and groups
 * without holding the write lock, so the app's own writes go on meanwhile; if one of them landed
 * first (SQLite then refuses this snapshot's writes), it starts again holding the lock from the
 * beginning.
 */
export function correlateInTransaction(
  db: Sqlite,
  now: Date,
  beforeCommit?: () => void,
): CorrelationSummary | null {
  try {
    return correlateIfDirty(db, now, beforeCommit);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY')) throw error;
    db.exec('BEGIN IMMEDIATE');
    try {
      const summary = correlateIfDirty(db, now, beforeCommit);
      db.exec('COMMIT');
      return summary;
    } catch (inner) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw inner;
    }
  }
}

function assignIds(
  groups: readonly LinkedRecord[][],
  previous: ReadonlyMap<string, number>,
  oldIds: ReadonlyMap<number, string>,
): number[] {
  const candidates: { group: number; id: number; votes: number }[] = [];
  groups.forEach((links, group) => {
    const votes = new Map<number, number>();
    for (const { record } of links) {
      const id = previous.get(recordKey(record.profileId, record.externalId));
      if (id !== undefined) votes.set(id, (votes.get(id) ?? 0) + 1);
    }
    for (const [id, count] of votes) candidates.push({ group, id, votes: count });
  });
  candidates.sort((a, b) => b.votes - a.votes || a.id - b.id);
  const ids: (number | undefined)[] = groups.map(() => undefined);
  const taken = new Set<number>();
  for (const c of candidates) {
    if (ids[c.group] !== undefined || taken.has(c.id)) continue;
    ids[c.group] = c.id;
    taken.add(c.id);
  }
  let next = 1;
  for (const id of oldIds.keys()) if (id >= next) next = id + 1;
  return ids.map((id) => id ?? next++);
}

function assetRow(id: number, a: MergedAsset, hash: string): Record<string, unknown> {
  const has = (s: string): number => (a.systems.includes(s as never) ? 1 : 0);
  return {
    id,
    kind: a.kind,
    name: a.name,
    fqdn: a.fqdn,
    status: a.status,
    os: a.os,
    ips: JSON.stringify(a.ips),
    macs: JSON.stringify(a.macs),
    cluster: a.cluster,
    site: a.site,
    groups: JSON.stringify(a.groups),
    organization: a.organization,
    location: a.location,
    tags: JSON.stringify(a.tags),
    updates: a.updates,
    security: a.security,
    reboot_needed: a.rebootNeeded === null ? null : a.rebootNeeded ? 1 : 0,
    in_foreman: has('foreman'),
    in_proxmox: has('proxmox'),
    in_patchmon: has('patchmon'),
    in_routeros: has('routeros'),
    last_seen: JSON.stringify(a.lastSeen),
    hash,
    name_sort: nameSortKey(a.name),
    os_sort: sortKeyOrNull(a.os),
    fqdn_sort: sortKeyOrNull(a.fqdn),
    cluster_sort: sortKeyOrNull(a.cluster),
    group_sort: sortKeyOrNull(a.groups[0] ?? null),
    aka: JSON.stringify(a.aka),
  };
}

export type { StoredRecord };
