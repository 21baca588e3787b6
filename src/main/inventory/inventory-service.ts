import { AppError } from '../../shared/errors';
import {
  InventoryQueryRequest,
  type AssetDetail,
  type AssetFreshness,
  type AssetRow,
  type DriftPage,
  type Facets,
  type InventoryPage,
  type InventoryQuery,
  type InventoryQueryRequest as QueryInput,
  IdsRequest,
  type IdsPage,
  type RecordRef,
  type SourceFreshness,
} from '../../shared/inventory';
import type { Statement } from 'better-sqlite3';
import type { Sqlite } from '../db/sqlite';
import { inventoryGeneration, markDirty } from './asset-store';
import { inThreadCorrelator, type Correlator } from './correlator';
import {
  assetFreshness,
  assetView,
  toAssetRow,
  type AssetDbRow,
  type AssetView,
  withFreshness,
} from './asset-rows';
import { driftOf } from './drift';
import { readFacets } from './facets';
import { configuredSystems } from './drift-rule';
import type { FilterContext } from './search-filters';
import { parseQuery, type Clause } from './query-parser';
import { compileQuery } from './query-sql';
import { readPage } from './search-page';
import {
  LiveSearchIndex,
  type LiveSearchIndexOptions,
  type SearchIndexMode,
} from './live-search-index';
import type { SearchIndex } from './search-index';
import { RecordStore, rowToRecord, type RecordRow } from './record-store';
import { machineIdentity } from './correlate';

const maxStatements = 64;

/**
 * The unified inventory, read from SQLite only: online and offline answers are the same answers,
 * each carrying the freshness of the sources behind it.
 */
/** What filters need besides the assets: the profiles offline, the systems with data. */
function filterContext(sources: Iterable<SourceFreshness>): FilterContext {
  const all = [...sources];
  return {
    offline: all.filter((s) => s.offline).map((s) => s.profileId),
    configured: configuredSystems(all),
  };
}

export class InventoryService {
  constructor(
    private readonly db: Sqlite,
    private readonly freshness: () => SourceFreshness[],
    /** Changes when freshness changes without a database write (a reachability check). */
    private readonly freshnessKey: () => string = () => '',
    options: {
      searchIndex?: SearchIndexMode;
      /** Regroups assets after a join or split (default: in this thread); see `Correlator`. */
      correlate?: Correlator;
    } & LiveSearchIndexOptions = {},
  ) {
    const { searchIndex: mode = 'off', correlate, ...live } = options;
    this.#search = mode === 'off' ? null : new LiveSearchIndex(db, mode, live);
    this.#correlate = correlate ?? inThreadCorrelator(db);
  }

  readonly #correlate: Correlator;

  /** Pages and counts from memory while the inventory is unchanged (see `SearchIndex`). */
  readonly #search: LiveSearchIndex | null;

  /** Starts building the search index if it is out of date (in the background mode). */
  warmSearch(): void {
    this.#search?.warm();
  }

  /** The last freshness answer and the database state it was read in. */
  #fresh: { version: string; sources: Map<string, SourceFreshness> } | undefined;

  /**
   * Freshness of every source. Reading it prepares statements and reads the profiles and sync
   * runs (about a millisecond), so the answer is kept until the database changes: a write on
   * this connection (a sync's run record and data, a profile or schedule change) moves
   * `total_changes()`, a commit by another connection moves `data_version`, a reachability
   * check that changed its verdict moves `freshnessKey`. An answer with a
   * running sync is never kept, since a sync's start and end need not write at that moment.
   */
  #sources(): Map<string, SourceFreshness> {
    const version = this.#prepare(
      'SELECT total_changes() AS changes, (SELECT data_version FROM pragma_data_version) AS data',
    ).get() as { changes: number; data: number };
    const key = `${String(version.changes)}:${String(version.data)}:${this.freshnessKey()}`;
    if (this.#fresh?.version === key) return this.#fresh.sources;
    const sources = new Map(this.freshness().map((s) => [s.profileId, s]));
    const running = [...sources.values()].some((s) => s.running);
    this.#fresh = running ? undefined : { version: key, sources };
    return sources;
  }

  /** A page's assets with their freshness; `profiles`: each one's profiles, when already read. */
  #rows(
    views: readonly AssetView[],
    sources: Map<string, SourceFreshness>,
    profiles: readonly string[][] | undefined,
  ): AssetRow[] {
    const links =
      profiles === undefined ? this.#profilesOfAssets(views.map((v) => v.id)) : undefined;
    // Assets described by the same profiles share their freshness.
    const freshness = new Map<string, AssetFreshness>();
    return views.map((view, i) => {
      const own = links?.get(view.id) ?? profiles?.[i] ?? [];
      const key = own.join('\u0000');
      let fresh = freshness.get(key);
      if (fresh === undefined) {
        fresh = assetFreshness(own, sources);
        freshness.set(key, fresh);
      }
      return withFreshness(view, fresh);
    });
  }

  /** The profiles whose records are part of each asset (as `profilesOfAssets`, prepared once). */
  #profilesOfAssets(ids: readonly number[]): Map<number, string[]> {
    const out = new Map<number, string[]>();
    if (ids.length === 0) return out;
    const rows = this.#prepare(
      `SELECT asset_id, profile_id FROM asset_links
       WHERE asset_id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ids)) as { asset_id: number; profile_id: string }[];
    for (const row of rows) {
      const list = out.get(row.asset_id) ?? [];
      if (!list.includes(row.profile_id)) list.push(row.profile_id);
      out.set(row.asset_id, list);
    }
    return out;
  }

  /** Prepared statements by SQL text: a search keystroke re-runs a handful of shapes. */
  readonly #statements = new Map<string, Statement>();

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (this.#statements.size >= maxStatements) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
    } else {
      this.#statements.delete(sql);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  /** The freshness of every source, as a query's answer carries it. */
  sources(): SourceFreshness[] {
    return [...this.#sources().values()];
  }

  /**
   * One page of the assets matching a query. With `countLimit` the count stops after that many
   * matches (`totalExact: false`); `readPage` picks how the page itself is read.
   */
  query(input: QueryInput): InventoryPage {
    const request = InventoryQueryRequest.parse(input);
    const sources = this.#sources();
    const context = filterContext(sources.values());
    const clauses = parseQuery(request.query);
    const index = this.#search?.current() ?? null;
    const { views, profiles, total, totalExact } = this.#readPage(index, clauses, context, request);
    return {
      rows: this.#rows(views, sources, profiles),
      total,
      totalExact,
      offset: request.offset,
      limit: request.limit,
      sources: [...sources.values()],
    };
  }

  /** The ids of every asset matching a query in its order, up to `limit`, and the full count. */
  ids(input: IdsRequest): IdsPage {
    const { query, sort, limit } = IdsRequest.parse(input);
    const sources = this.#sources();
    const context = filterContext(sources.values());
    const index = this.#search?.current() ?? null;
    const request = { query, sort, offset: 0, limit };
    const { views, total } = this.#readPage(index, parseQuery(query), context, request);
    return { ids: views.map((view) => view.id), total };
  }

  #readPage(
    index: SearchIndex | null,
    clauses: Clause[],
    { offline, configured }: FilterContext,
    request: InventoryQuery,
  ): { views: AssetView[]; profiles: string[][] | undefined; total: number; totalExact: boolean } {
    const prepare = (sql: string): Statement => this.#prepare(sql);
    const indexed = index?.page(clauses, offline, request, configured) ?? null;
    if (index === null || indexed === null) {
      const compiled = compileQuery(clauses, offline, configured);
      const { rows, total, totalExact } = readPage(prepare, compiled, request);
      return {
        views: (rows as AssetDbRow[]).map(assetView),
        profiles: undefined,
        total,
        totalExact,
      };
    }
    const { total, totalExact } = indexed;
    return {
      views: index.assetsAt(indexed.rows),
      profiles: index.profilesAt(indexed.rows),
      total,
      totalExact,
    };
  }

  asset(id: number): AssetDetail {
    const row = this.db.prepare('SELECT * FROM assets WHERE id = ?').get(id) as
      AssetDbRow | undefined;
    if (row === undefined) throw new AppError('not-found', `There is no asset ${id}.`);
    const sources = this.#sources();
    const links = this.db
      .prepare(
        `SELECT l.match_key, l.confidence, r.* FROM asset_links l
         JOIN source_records r USING (profile_id, external_id)
         WHERE l.asset_id = ? ORDER BY r.system, r.external_id`,
      )
      .all(id) as (RecordRow & { match_key: string; confidence: number })[];
    return {
      asset: toAssetRow(row, assetFreshness(this.#profilesOf(id), sources)),
      links: links.map((link) => {
        const record = rowToRecord(link);
        return {
          profileId: record.profileId,
          profileName: sources.get(record.profileId)?.profileName ?? record.profileId,
          system: record.system,
          externalId: record.externalId,
          matchKey: link.match_key,
          confidence: link.confidence,
          name: record.name,
          fetchedAt: record.fetchedAt,
          raw: record.raw,
        };
      }),
    };
  }

  #profilesOf(id: number): string[] {
    return this.#profilesOfAssets([id]).get(id) ?? [];
  }

  #recordsOf(assetId: number): RecordRef[] {
    const rows = this.db
      .prepare('SELECT profile_id, external_id FROM asset_links WHERE asset_id = ?')
      .all(assetId) as { profile_id: string; external_id: string }[];
    if (rows.length === 0) throw new AppError('not-found', `There is no asset ${assetId}.`);
    return rows.map((r) => ({ profileId: r.profile_id, externalId: r.external_id }));
  }

  #setOverride(kind: 'join' | 'split', a: RecordRef, b: RecordRef): void {
    // The newest decision about a pair wins, whichever way round it was made.
    this.db
      .prepare(
        `DELETE FROM link_overrides WHERE (a_profile = ? AND a_external = ? AND b_profile = ? AND b_external = ?)
           OR (a_profile = ? AND a_external = ? AND b_profile = ? AND b_external = ?)`,
      )
      .run(
        a.profileId,
        a.externalId,
        b.profileId,
        b.externalId,
        b.profileId,
        b.externalId,
        a.profileId,
        a.externalId,
      );
    // A join keeps what identified each machine, so a record given to another machine later
    // (a reused VMID) leaves it (`loadOverrides`).
    const identity = (ref: RecordRef): string | null => {
      if (kind !== 'join') return null;
      const record = new RecordStore(this.db).get(ref.profileId, ref.externalId);
      return record === undefined ? null : machineIdentity(record);
    };
    this.db
      .prepare(
        `INSERT INTO link_overrides (kind, a_profile, a_external, b_profile, b_external, created_at,
           a_identity, b_identity)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        kind,
        a.profileId,
        a.externalId,
        b.profileId,
        b.externalId,
        new Date().toISOString(),
        identity(a),
        identity(b),
      );
  }

  /**
   * Joins assets into one; the decision is kept and applied after every re-sync. The decision is
   * stored first, marked for correlation, and the assets regrouped after (as after a sync), so a
   * crash in between regroups at the next start.
   *
   * A join first takes back the splits between the assets' records: joining what was split
   * ("Join them back") restores the asset as it was, each link with the key and confidence that
   * merged it. Only records still apart then are joined by hand to one of the first asset, and
   * shown as `manual`.
   */
  async join(assetIds: readonly number[]): Promise<AssetDetail> {
    const groups = assetIds.map((id) => this.#recordsOf(id));
    const anchor = groups[0]?.[0];
    if (anchor === undefined) throw new AppError('bad-request', 'Choose assets to join.');
    const unsplit = this.db
      .transaction(() => {
        const removed = this.#dropSplitsBetween(groups);
        if (removed > 0) markDirty(this.db);
        return removed;
      })
      .immediate();
    if (unsplit > 0) await this.#correlate(new Date());
    await this.#gather(anchor, groups.flat());
    return this.asset(this.#assetOf(anchor));
  }

  /**
   * Joins by hand to `anchor`'s asset those of `records` that are apart from it, in rounds: a
   * record one of them pushes out (two of one profile cannot merge by a key) is joined by hand
   * in the next.
   */
  async #gather(anchor: RecordRef, records: readonly RecordRef[]): Promise<void> {
    // Bounded: every round joins at least one more record by hand.
    for (let rounds = records.length; rounds > 0; rounds--) {
      const apart = this.db
        .transaction(() => {
          const anchorAsset = this.#assetOf(anchor);
          const others = records.filter((record) => this.#assetOf(record) !== anchorAsset);
          for (const record of others) this.#setOverride('join', anchor, record);
          if (others.length > 0) markDirty(this.db);
          return others.length;
        })
        .immediate();
      if (apart === 0) break;
      await this.#correlate(new Date());
    }
  }

  /** Removes the manual splits between records of different groups; returns how many. */
  #dropSplitsBetween(groups: readonly (readonly RecordRef[])[]): number {
    const groupOf = new Map<string, number>();
    groups.forEach((records, index) => {
      for (const r of records) groupOf.set(`${r.profileId}\u0000${r.externalId}`, index);
    });
    const splits = this.db
      .prepare(
        `SELECT id, a_profile, a_external, b_profile, b_external FROM link_overrides
         WHERE kind = 'split'`,
      )
      .all() as {
      id: number;
      a_profile: string;
      a_external: string;
      b_profile: string;
      b_external: string;
    }[];
    const remove = this.db.prepare('DELETE FROM link_overrides WHERE id = ?');
    let removed = 0;
    for (const split of splits) {
      const a = groupOf.get(`${split.a_profile}\u0000${split.a_external}`);
      const b = groupOf.get(`${split.b_profile}\u0000${split.b_external}`);
      if (a === undefined || b === undefined || a === b) continue;
      remove.run(split.id);
      removed += 1;
    }
    return removed;
  }

  /**
   * Moves records out of an asset into a new one of their own; kept across re-syncs. The records
   * that stay remain one asset: a hand join may have held them together through a record that
   * left (its decisions about them are now splits), and they are joined again by hand.
   */
  async split(assetId: number, records: readonly RecordRef[]): Promise<{ assetIds: number[] }> {
    const { inAsset: members, staying } = this.db
      .transaction(() => {
        const inAsset = this.#recordsOf(assetId);
        const key = (r: RecordRef): string => `${r.profileId}\u0000${r.externalId}`;
        const moving = new Set(records.map(key));
        for (const r of records) {
          if (!inAsset.some((m) => key(m) === key(r))) {
            throw new AppError(
              'bad-request',
              `Record ${r.externalId} is not part of asset ${assetId}.`,
            );
          }
        }
        const staying = inAsset.filter((m) => !moving.has(key(m)));
        if (staying.length === 0) {
          throw new AppError('bad-request', 'Leave at least one record in the asset.');
        }
        for (const a of records) for (const b of staying) this.#setOverride('split', a, b);
        // Records moved out together stay together.
        const [lead, ...rest] = records;
        if (lead !== undefined) for (const r of rest) this.#setOverride('join', lead, r);
        markDirty(this.db);
        return { inAsset, staying };
      })
      .immediate();
    await this.#correlate(new Date());
    const [lead] = staying;
    if (lead !== undefined) await this.#gather(lead, staying);
    return { assetIds: [...new Set([assetId, ...members.map((m) => this.#assetOf(m))])] };
  }

  #assetOf(ref: RecordRef): number {
    const row = this.db
      .prepare('SELECT asset_id FROM asset_links WHERE profile_id = ? AND external_id = ?')
      .get(ref.profileId, ref.externalId) as { asset_id: number } | undefined;
    if (row === undefined) throw new AppError('not-found', `Record ${ref.externalId} is gone.`);
    return row.asset_id;
  }

  drift(offset: number, limit: number): DriftPage {
    return driftOf(this.db, [...this.#sources().values()], offset, limit);
  }

  /** The last facet counts and the inventory generation they were read in. */
  #facetCounts:
    { generation: number; configured: string; counts: ReturnType<typeof readFacets> } | undefined;

  /**
   * Counts across the inventory with every source's freshness. The counts (a fifth of a second
   * at 100 000 assets) are read again only after the inventory changed: a reachability verdict
   * that changes only the freshness, as at every start without network, costs nothing more.
   */
  facets(): Facets {
    const generation = inventoryGeneration(this.db);
    const sources = [...this.#sources().values()];
    const systems = configuredSystems(sources).sort();
    const configured = systems.join();
    if (
      this.#facetCounts?.generation !== generation ||
      this.#facetCounts.configured !== configured
    ) {
      this.#facetCounts = { generation, configured, counts: readFacets(this.db, systems) };
    }
    return { ...this.#facetCounts.counts, sources };
  }
}
