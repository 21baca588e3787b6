import { z } from 'zod';
import { ProfileId, ProfileIdList } from './profiles';

/**
 * Shapes shared by the sync and inventory commands: requests are strict and bounded, responses
 * describe what the renderer and the CLI show.
 */

export const SourceSystem = z.enum(['foreman', 'proxmox', 'patchmon', 'routeros']);
export type SourceSystem = z.infer<typeof SourceSystem>;

/** How each system is named to people. */
export const systemLabels: Record<SourceSystem, string> = {
  foreman: 'Foreman',
  proxmox: 'Proxmox VE',
  patchmon: 'PatchMon',
  routeros: 'RouterOS',
};

export const AssetKind = z.enum(['vm', 'container', 'node', 'bare-metal', 'router', 'host']);
export type AssetKind = z.infer<typeof AssetKind>;

export const SyncRunStatus = z.enum(['running', 'ok', 'failed', 'cancelled', 'interrupted']);
export type SyncRunStatus = z.infer<typeof SyncRunStatus>;

export const SyncStartRequest = z
  .object({ profileIds: z.union([ProfileIdList, z.literal('all')]) })
  .strict();

/** One progress update of one profile's sync, pushed as `sync:progress`. */
export const SyncProgressEvent = z
  .object({
    runId: z.number().int(),
    profileId: z.string(),
    profileName: z.string(),
    system: SourceSystem,
    state: SyncRunStatus,
    phase: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
    records: z.number().int().nonnegative(),
    error: z.string().nullable(),
  })
  .strict();
export type SyncProgressEvent = z.infer<typeof SyncProgressEvent>;

/** What a finished (or failed) sync of one profile did. */
export const SyncOutcome = z
  .object({
    runId: z.number().int(),
    profileId: z.string(),
    profileName: z.string(),
    system: SourceSystem,
    status: SyncRunStatus,
    fetched: z.number().int(),
    added: z.number().int(),
    changed: z.number().int(),
    removed: z.number().int(),
    warnings: z.array(z.string()),
    error: z.string().nullable(),
    errorCode: z.string().nullable(),
    durationMs: z.number().int(),
  })
  .strict();
export type SyncOutcome = z.infer<typeof SyncOutcome>;

/** Freshness of one source profile, from its sync history. */
export const SourceFreshness = z
  .object({
    profileId: z.string(),
    profileName: z.string(),
    system: SourceSystem,
    /** Finish time of the last successful sync: the age of the data we hold. */
    dataFrom: z.string().nullable(),
    lastStatus: SyncRunStatus.nullable(),
    lastError: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    /**
     * The last attempt failed, or the source could not be reached since: answers come from
     * older data.
     */
    offline: z.boolean(),
    /** Why it is offline: the last sync's error or why the source cannot be reached now. */
    offlineReason: z.string().nullable(),
    /**
     * What the last sync, when it succeeded, could not get in full (an unreachable node, a
     * failed update check); none when it got everything.
     */
    lastWarnings: z.array(z.string()).optional(),
    /**
     * What kind of offline: `unreachable` (no connection, a timeout, a server error) or
     * `failed` (it answered, but the sync could not use the answer, or storing it failed).
     */
    offlineKind: z.enum(['unreachable', 'failed']).nullable().optional(),
    /** This process syncs the source now (or waits for another process's sync of it). */
    running: z.boolean(),
    /**
     * Another Rackside process on this machine (the app, a `rackside sync`) syncs the source now:
     * its run and process id.
     */
    syncedElsewhere: z
      .object({ runId: z.number().int(), pid: z.number().int().nullable() })
      .strict()
      .nullable()
      .optional(),
    intervalMinutes: z.number().int().nullable(),
    /**
     * The part of the system the data held covers: the Foreman host filter the last successful
     * sync ran with (the profile's own before its first); null for all of it. A filter edited
     * since counts from the next sync on. A system is expected to know an asset (drift) only
     * through a profile whose data covers all of it.
     */
    hostFilter: z.string().nullable(),
    /** e.g. "offline — data from 2026-11-22T16:00:00.000Z (connection refused)". */
    message: z.string(),
  })
  .strict();
export type SourceFreshness = z.infer<typeof SourceFreshness>;

/** The last finished sync of one source profile, as `sync_runs` recorded it. */
export const LastSyncRun = z
  .object({
    profileId: z.string(),
    runId: z.number().int(),
    status: SyncRunStatus,
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().int().nonnegative().nullable(),
    /** Records the source returned. */
    fetched: z.number().int().nonnegative(),
    added: z.number().int().nonnegative(),
    changed: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
    /** Assets holding this profile's records now, counted per linked record. */
    assets: z.number().int().nonnegative(),
    /**
     * What the source could not give in full (an unreachable node, a failed update check): a run
     * with warnings synced, but not everything.
     */
    warnings: z.array(z.string()),
  })
  .strict();
export type LastSyncRun = z.infer<typeof LastSyncRun>;

export const SyncStatus = z
  .object({
    running: z.boolean(),
    sources: z.array(SourceFreshness),
    /** Per source profile that finished a sync at least once: how its last sync went. */
    lastRuns: z.array(LastSyncRun),
  })
  .strict();
export type SyncStatus = z.infer<typeof SyncStatus>;

export const SyncScheduleRequest = z
  .object({
    profileId: ProfileId,
    /** Minutes between background syncs; null switches it off. */
    intervalMinutes: z.number().int().min(5).max(10_080).nullable(),
  })
  .strict();

export const LoginTestRequest = z.object({ profileId: ProfileId }).strict();

/** A source's answer to logging in with a profile's credential (no data is fetched). */
export const LoginTest = z
  .object({
    /** e.g. "Foreman 3.12.1", "Proxmox VE 8.4.1", "RouterOS 7.18.2 (stable)". */
    version: z.string().max(500),
    /** The user or token the credential maps to. */
    identity: z.string().max(500),
    /** What the credential may see, in a person's words. */
    permissions: z.array(z.string().max(1000)).max(100),
    warnings: z.array(z.string().max(1000)).max(100),
  })
  .strict();
export type LoginTest = z.infer<typeof LoginTest>;

export const sortFields = [
  'name',
  'kind',
  'status',
  'os',
  'updates',
  'security',
  'fqdn',
  'cluster',
  'group',
] as const;
export const SortField = z.enum(sortFields);
export type SortField = z.infer<typeof SortField>;

/** The longest query, in characters (code points); the query parser refuses longer ones. */
export const maxQueryLength = 1000;
/**
 * The longest query text a request carries, in UTF-16 units (what a schema's `max` counts):
 * room for `maxQueryLength` characters of any kind, so that the parser, which counts
 * characters, is the one to refuse a longer query and says so in its own words.
 */
export const maxQueryUnits = 2 * maxQueryLength;
export const maxPageSize = 500;
/**
 * A `countLimit` that keeps the answer to a keystroke cheap at 100 000 assets: the first page
 * shows "1 000+" until an exact count (the same query without `countLimit`) comes back.
 */
export const quickCountLimit = 1000;

export const InventoryQueryRequest = z
  .object({
    query: z.string().max(maxQueryUnits).default(''),
    offset: z.number().int().min(0).max(10_000_000).default(0),
    limit: z.number().int().min(1).max(maxPageSize).default(100),
    sort: z
      .object({ field: SortField, direction: z.enum(['asc', 'desc']).default('asc') })
      .strict()
      .default({ field: 'name', direction: 'asc' }),
    /**
     * Count at most this many matches: the answer comes back without reading every match, its
     * `total` is then at most `countLimit` and `totalExact` says whether it is the full count.
     * Without it the total is always exact.
     */
    countLimit: z.number().int().min(1).max(10_000_000).optional(),
  })
  .strict();
export type InventoryQueryRequest = z.input<typeof InventoryQueryRequest>;
export type InventoryQuery = z.output<typeof InventoryQueryRequest>;

export const PatchView = z
  .object({
    updates: z.number().int().nullable(),
    security: z.number().int().nullable(),
    rebootNeeded: z.boolean().nullable(),
  })
  .strict();

export const AssetFreshness = z
  .object({
    offline: z.boolean(),
    /** Oldest successful-sync time among the sources that describe this asset. */
    dataFrom: z.string().nullable(),
    message: z.string(),
  })
  .strict();
export type AssetFreshness = z.infer<typeof AssetFreshness>;

export const AssetRow = z
  .object({
    id: z.number().int(),
    kind: AssetKind,
    name: z.string(),
    fqdn: z.string().nullable(),
    status: z.string(),
    os: z.string().nullable(),
    ips: z.array(z.string()),
    macs: z.array(z.string()),
    cluster: z.string().nullable(),
    site: z.string().nullable(),
    groups: z.array(z.string()),
    organization: z.string().nullable(),
    location: z.string().nullable(),
    tags: z.array(z.string()),
    patch: PatchView,
    systems: z.array(SourceSystem),
    /** Per system, when the source last saw the machine (its own timestamp). */
    lastSeen: z.record(z.string(), z.string()),
    freshness: AssetFreshness,
  })
  .strict();
export type AssetRow = z.infer<typeof AssetRow>;

export const InventoryPage = z
  .object({
    rows: z.array(AssetRow),
    total: z.number().int(),
    /** False when `total` stopped at the request's `countLimit`: there are more matches. */
    totalExact: z.boolean().optional(),
    offset: z.number().int(),
    limit: z.number().int(),
    sources: z.array(SourceFreshness),
  })
  .strict();
export type InventoryPage = z.infer<typeof InventoryPage>;

export const RecordRef = z
  .object({ profileId: ProfileId, externalId: z.string().min(1).max(512) })
  .strict();
export type RecordRef = z.infer<typeof RecordRef>;

export const LinkView = z
  .object({
    profileId: z.string(),
    profileName: z.string(),
    system: SourceSystem,
    externalId: z.string(),
    /** Why the record belongs here: `machine-id`, `mac`, `fqdn`, `manual`… */
    matchKey: z.string(),
    confidence: z.number(),
    name: z.string(),
    fetchedAt: z.string(),
    raw: z.record(z.string(), z.unknown()),
  })
  .strict();
export type LinkView = z.infer<typeof LinkView>;

export const AssetDetail = z.object({ asset: AssetRow, links: z.array(LinkView) }).strict();
export type AssetDetail = z.infer<typeof AssetDetail>;

export const AssetId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Most assets one join merges: more is a selection gone wrong, not one machine. */
export const maxJoin = 50;
export const JoinRequest = z.object({ assetIds: z.array(AssetId).min(2).max(maxJoin) }).strict();
export const SplitRequest = z
  .object({ assetId: AssetId, records: z.array(RecordRef).min(1).max(50) })
  .strict();

export const DriftItem = z
  .object({
    assetId: z.number().int(),
    name: z.string(),
    kind: AssetKind,
    presentIn: z.array(SourceSystem),
    missingFrom: z.array(SourceSystem),
    reason: z.string(),
  })
  .strict();
export type DriftItem = z.infer<typeof DriftItem>;

export const DriftRequest = z
  .object({
    offset: z.number().int().min(0).max(10_000_000).default(0),
    limit: z.number().int().min(1).max(maxPageSize).default(100),
  })
  .strict();

export const DriftPage = z.object({ items: z.array(DriftItem), total: z.number().int() }).strict();
export type DriftPage = z.infer<typeof DriftPage>;

const Counts = z.record(z.string(), z.number().int());
export const Facets = z
  .object({
    total: z.number().int(),
    kind: Counts,
    status: Counts,
    system: Counts,
    missing: Counts,
    /** Per system, the assets that system should know and does not: the Drift list's rule. */
    drift: Counts,
    os: Counts,
    /**
     * The commonest clusters, sites, source groups, tags, organizations and locations, for
     * autocomplete after `cluster:` etc.
     */
    cluster: Counts,
    site: Counts,
    group: Counts,
    tag: Counts,
    org: Counts,
    location: Counts,
    withUpdates: z.number().int(),
    withSecurityUpdates: z.number().int(),
    rebootNeeded: z.number().int(),
    sources: z.array(SourceFreshness),
  })
  .strict();
export type Facets = z.infer<typeof Facets>;

export const ExportFormat = z.enum(['csv', 'json', 'ansible']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** Largest number of assets one export names by id (a selection); a query has no such limit. */
export const maxExportIds = 10_000;

/** Exports the assets matching a query, or the ones selected by id, as a file's text. */
export const ExportRequest = z
  .object({
    target: z.union([
      z
        .object({
          query: z.string().max(maxQueryUnits),
          sort: InventoryQueryRequest.shape.sort,
        })
        .strict(),
      z.object({ ids: z.array(AssetId).min(1).max(maxExportIds) }).strict(),
    ]),
    format: ExportFormat,
  })
  .strict();
export type ExportRequest = z.input<typeof ExportRequest>;

/** The ids of the assets matching a query, in its order: "select all" (at most `maxExportIds`). */
export const IdsRequest = z
  .object({
    query: z.string().max(maxQueryUnits).default(''),
    sort: InventoryQueryRequest.shape.sort,
    limit: z.number().int().min(1).max(maxExportIds).default(maxExportIds),
  })
  .strict();
export type IdsRequest = z.input<typeof IdsRequest>;
export const IdsPage = z
  .object({ ids: z.array(z.number().int()), total: z.number().int() })
  .strict();
export type IdsPage = z.infer<typeof IdsPage>;

export const ExportFile = z
  .object({ fileName: z.string(), content: z.string(), count: z.number().int() })
  .strict();
export type ExportFile = z.infer<typeof ExportFile>;
