import { createHash } from 'node:crypto';
import type { Sqlite } from '../db/sqlite';
import type {
  PatchSummary,
  PreviousRecord,
  RecordKind,
  RecordStatus,
  SourceRecord,
  SourceSystem,
} from '../sources/types';
import { stableRaw } from '../sources/volatile';
import { altNameOf } from './correlate';

/** A stored source record: the normalized fields plus where and when it came from. */
export interface StoredRecord extends SourceRecord {
  profileId: string;
  fetchedAt: string;
  hash: string;
}

export interface RecordRow {
  profile_id: string;
  system: string;
  external_id: string;
  kind: string;
  name: string;
  fqdn: string | null;
  status: string;
  os: string | null;
  ips: string;
  macs: string;
  machine_id: string | null;
  smbios_uuid: string | null;
  serial: string | null;
  cluster: string | null;
  site: string | null;
  grp: string | null;
  organization: string | null;
  location: string | null;
  tags: string;
  patch: string | null;
  last_seen_at: string | null;
  change_stamp: string | null;
  raw: string;
  fetched_at: string;
  hash: string;
}

/**
 * A profile's fresh records on their way to `writeBatch`, possibly on another thread's connection
 * (plain data: it survives `postMessage`).
 */
export interface RecordBatch {
  /** Records the connector returned (before duplicates were dropped). */
  fetched: number;
  /** Rows of the new and changed records, in `identityColumns` order and then `raw`. */
  rows: RecordTuple[];
  /** Every record of the fresh set, external id → change hash; stored ones not here are removed. */
  kept: Map<string, string>;
}

export interface WriteCounts {
  fetched: number;
  added: number;
  changed: number;
  removed: number;
}

/**
 * Content hash of a record: equal hashes mean nothing the user could see has changed. Counters
 * and uptimes in `raw` (see `volatileRawFields`) are not part of it, so an unchanged machine keeps
 * its stored row, raw values as of its last real change included.
 */
export function recordHash(record: SourceRecord): string {
  return hashAndRaw(record).hash;
}

/** A record's change hash and, when it could be had for free, the raw JSON to store. */
interface Hashed {
  hash: string;
  rawJson: string | null;
}

/** Main-thread time preparing a batch may take before it lets pending network answers through. */
const prepareSliceMs = 8;

function hashAndRaw(record: SourceRecord): Hashed {
  const stable = stableRaw(record.system, record.raw);
  const stableJson = JSON.stringify(stable);
  const hash = createHash('sha256')
    .update(JSON.stringify({ ...record, raw: null }))
    .update('\n')
    .update(stableJson)
    .digest('base64url')
    .slice(0, 32);
  return { hash, rawJson: stable === record.raw ? stableJson : null };
}

export function rowToRecord(row: RecordRow, withRaw = true): StoredRecord {
  return {
    profileId: row.profile_id,
    system: row.system as SourceSystem,
    externalId: row.external_id,
    kind: row.kind as RecordKind,
    name: row.name,
    fqdn: row.fqdn,
    status: row.status as RecordStatus,
    os: row.os,
    ips: JSON.parse(row.ips) as string[],
    macs: JSON.parse(row.macs) as string[],
    machineId: row.machine_id,
    smbiosUuid: row.smbios_uuid,
    serial: row.serial,
    cluster: row.cluster,
    site: row.site,
    group: row.grp,
    organization: row.organization,
    location: row.location,
    tags: JSON.parse(row.tags) as string[],
    patch: row.patch === null ? null : (JSON.parse(row.patch) as PatchSummary),
    lastSeenAt: row.last_seen_at,
    changeStamp: row.change_stamp,
    raw: withRaw ? (JSON.parse(row.raw) as Record<string, unknown>) : {},
    fetchedAt: row.fetched_at,
    hash: row.hash,
  };
}

const identityColumns = `profile_id, system, external_id, kind, name, fqdn, status, os, ips, macs,
  machine_id, smbios_uuid, serial, cluster, site, grp, organization, location, tags, patch,
  last_seen_at, change_stamp, fetched_at, hash`;

/** A row of `identityColumns` (in that order) plus one extra column, as `.raw()` returns it. */
type IdentityTuple = [
  string,
  string,
  string,
  string,
  string,
  string | null,
  string,
  string | null,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
  string | null,
  string | null,
  string | null,
  string,
  string,
  unknown,
  unknown,
];

function tupleToRecord(
  t: IdentityTuple,
): StoredRecord & { vmRef: string | null; altName: string | null } {
  return {
    profileId: t[0],
    system: t[1] as SourceSystem,
    externalId: t[2],
    kind: t[3] as RecordKind,
    name: t[4],
    fqdn: t[5],
    status: t[6] as RecordStatus,
    os: t[7],
    ips: JSON.parse(t[8]) as string[],
    macs: JSON.parse(t[9]) as string[],
    machineId: t[10],
    smbiosUuid: t[11],
    serial: t[12],
    cluster: t[13],
    site: t[14],
    group: t[15],
    organization: t[16],
    location: t[17],
    tags: JSON.parse(t[18]) as string[],
    patch: t[19] === null ? null : (JSON.parse(t[19]) as PatchSummary),
    lastSeenAt: t[20],
    changeStamp: t[21],
    raw: {},
    fetchedAt: t[22],
    hash: t[23],
    vmRef: vmRef(t[1], t[2], t[14], t[24]),
    altName: altNameOf(t[1], t[4], t[25]),
  };
}

/** Source records in SQLite: written per profile as one batch, read for correlation and views. */
export class RecordStore {
  constructor(private readonly db: Sqlite) {}

  /**
   * Every record without its raw JSON: what correlation needs, plus the compute-resource VM id
   * Foreman keeps for Proxmox guests (`<node>_<vmid>`), which names a guest even when Proxmox
   * could not read its config, and PatchMon's friendly name (`altName`). Rows come as arrays (no
   * per-row object with two dozen keys): this runs over the whole fleet after every sync.
   */
  allForCorrelation(): (StoredRecord & { vmRef: string | null; altName: string | null })[] {
    const rows = this.db
      .prepare(
        `SELECT ${identityColumns},
           CASE system WHEN 'foreman' THEN json_extract(raw, '$.host.uuid') END AS foreman_vm,
           CASE system WHEN 'patchmon' THEN json_extract(raw, '$.host.friendly_name') END
             AS friendly_name
         FROM source_records`,
      )
      .raw(true)
      .all() as IdentityTuple[];
    return rows.map(tupleToRecord);
  }

  get(profileId: string, externalId: string): StoredRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM source_records WHERE profile_id = ? AND external_id = ?')
      .get(profileId, externalId) as RecordRow | undefined;
    return row === undefined ? undefined : rowToRecord(row);
  }

  /** Change stamps and raw records of a profile, for connectors that skip unchanged details. */
  previousLookup(profileId: string): (externalId: string) => PreviousRecord | undefined {
    const statement = this.db.prepare(
      'SELECT change_stamp, raw FROM source_records WHERE profile_id = ? AND external_id = ?',
    );
    // The ids alone, read once: a first sync asks about every record and finds none of them.
    const stored = new Set(
      this.db
        .prepare('SELECT external_id FROM source_records WHERE profile_id = ?')
        .pluck()
        .all(profileId) as string[],
    );
    return (externalId) => {
      if (!stored.has(externalId)) return undefined;
      const row = statement.get(profileId, externalId) as
        { change_stamp: string | null; raw: string } | undefined;
      if (row === undefined) return undefined;
      return { changeStamp: row.change_stamp, raw: JSON.parse(row.raw) as Record<string, unknown> };
    };
  }

  /**
   * Replaces a profile's records with a fresh, complete set. Unchanged records (same hash) are not
   * rewritten, so a re-sync of a quiet fleet writes almost nothing. Call inside a transaction.
   */
  replaceProfile(
    profileId: string,
    records: readonly SourceRecord[],
    fetchedAt: string,
  ): WriteCounts {
    const stored = this.storedHashes(profileId);
    const batch = emptyBatch(records.length);
    for (const record of records) addToBatch(batch, profileId, record, stored, fetchedAt);
    return this.writeBatch(profileId, batch);
  }

  /** The stored change hashes of a profile's records, by external id. */
  storedHashes(profileId: string): Map<string, string> {
    const rows = this.db
      .prepare('SELECT external_id, hash FROM source_records WHERE profile_id = ?')
      .raw(true)
      .all(profileId) as [string, string][];
    return new Map(rows);
  }

  /**
   * What a profile's fresh set of records changes, as `writeBatch` takes it: each record's change
   * hash, and rows only for the records whose hash differs from the stored one, so a re-sync of a
   * quiet fleet hands on little more than its ids. Worked through in slices of a few milliseconds
   * with the event loop let through in between: a sync's other profiles keep receiving answers
   * (and terminals their bytes) while a large profile is prepared. `writeBatch` compares the
   * stored hashes again, in its transaction.
   */
  async prepareBatch(
    profileId: string,
    records: readonly SourceRecord[],
    fetchedAt: string,
  ): Promise<RecordBatch> {
    const stored = this.storedHashes(profileId);
    const batch = emptyBatch(records.length);
    let sliceStart = performance.now();
    let done = 0;
    for (const record of records) {
      addToBatch(batch, profileId, record, stored, fetchedAt);
      done += 1;
      if ((done & 63) === 0 && performance.now() - sliceStart > prepareSliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    return batch;
  }

  /**
   * Replaces a profile's records with a batch from `prepareBatch`: its rows are written where
   * their hash is not the stored one, and stored records the batch does not keep are removed.
   * Call inside a transaction.
   */
  writeBatch(profileId: string, batch: RecordBatch): WriteCounts {
    const existing = this.storedHashes(profileId);
    const upsert = this.db.prepare(`INSERT INTO source_records (${identityColumns}, raw)
      VALUES (${Array.from({ length: 25 }, () => '?').join(', ')})
      ON CONFLICT (profile_id, external_id) DO UPDATE SET
        system = excluded.system, kind = excluded.kind, name = excluded.name,
        fqdn = excluded.fqdn, status = excluded.status, os = excluded.os, ips = excluded.ips,
        macs = excluded.macs, machine_id = excluded.machine_id,
        smbios_uuid = excluded.smbios_uuid, serial = excluded.serial,
        cluster = excluded.cluster, site = excluded.site, grp = excluded.grp,
        organization = excluded.organization, location = excluded.location,
        tags = excluded.tags, patch = excluded.patch, last_seen_at = excluded.last_seen_at,
        change_stamp = excluded.change_stamp, fetched_at = excluded.fetched_at,
        hash = excluded.hash, raw = excluded.raw`);
    const counts: WriteCounts = { fetched: batch.fetched, added: 0, changed: 0, removed: 0 };
    for (const row of batch.rows) {
      const before = existing.get(row[tupleExternalId] ?? '');
      if (before === row[tupleHash]) continue;
      if (before === undefined) counts.added++;
      else counts.changed++;
      upsert.run(row);
    }
    const remove = this.db.prepare(
      'DELETE FROM source_records WHERE profile_id = ? AND external_id = ?',
    );
    for (const externalId of existing.keys()) {
      if (batch.kept.has(externalId)) continue;
      remove.run(profileId, externalId);
      counts.removed++;
    }
    return counts;
  }
}

function emptyBatch(fetched: number): RecordBatch {
  return { fetched, rows: [], kept: new Map() };
}

/** Adds a record to a batch: its hash, and its row unless `stored` holds that hash already. */
function addToBatch(
  batch: RecordBatch,
  profileId: string,
  record: SourceRecord,
  stored: ReadonlyMap<string, string>,
  fetchedAt: string,
): void {
  // The first of two records with one id is the one kept.
  if (batch.kept.has(record.externalId)) return;
  const { hash, rawJson } = hashAndRaw(record);
  batch.kept.set(record.externalId, hash);
  if (stored.get(record.externalId) === hash) return;
  batch.rows.push(toRow(profileId, record, fetchedAt, hash, rawJson ?? JSON.stringify(record.raw)));
}

/** `<node>/<vmid>` of a Proxmox guest, from either side. */
function vmRef(
  system: string,
  externalId: string,
  site: string | null,
  foremanVm: unknown,
): string | null {
  if (system === 'proxmox') {
    const match = /^[^/]+\/(?:qemu|lxc)\/(\d+)$/.exec(externalId);
    return match === null || site === null ? null : `${site}/${match[1] ?? ''}`;
  }
  if (typeof foremanVm !== 'string') return null;
  const match = /^(.+)_(\d+)$/.exec(foremanVm);
  return match === null ? null : `${match[1] ?? ''}/${match[2] ?? ''}`;
}

/**
 * The values of `identityColumns` and then `raw`, in that order (positional binding is cheaper):
 * the external id at `tupleExternalId`, the hash at `tupleHash`.
 */
export type RecordTuple = (string | null)[];
const tupleExternalId = 2;
const tupleHash = 23;

function toRow(
  profileId: string,
  r: SourceRecord,
  fetchedAt: string,
  hash: string,
  rawJson: string,
): RecordTuple {
  return [
    profileId,
    r.system,
    r.externalId,
    r.kind,
    r.name,
    r.fqdn,
    r.status,
    r.os,
    JSON.stringify(r.ips),
    JSON.stringify(r.macs),
    r.machineId,
    r.smbiosUuid,
    r.serial,
    r.cluster,
    r.site,
    r.group,
    r.organization,
    r.location,
    JSON.stringify(r.tags),
    r.patch === null ? null : JSON.stringify(r.patch),
    r.lastSeenAt,
    r.changeStamp,
    fetchedAt,
    hash,
    rawJson,
  ];
}
