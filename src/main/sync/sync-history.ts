import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { ErrorCode } from '../../shared/errors';
import type {
  LastSyncRun,
  SourceFreshness,
  SyncOutcome,
  SyncRunStatus,
} from '../../shared/inventory';
import type { ProfileView } from '../../shared/profiles';
import type { Sqlite } from '../db/sqlite';
import type { WriteCounts } from '../inventory/record-store';
import { sourceSystems, type SourceSystem } from '../sources/types';
import type { Unreachable } from './reachability';

/**
 * Who runs a sync: this machine, this process and this process's own random mark, so that a
 * later process given the same pid is not taken for it.
 */
const processMark = randomUUID();
export const runOwner = JSON.stringify({
  host: os.hostname(),
  pid: process.pid,
  mark: processMark,
});

/** Whether the process that began a run is gone (a run without an owner predates owners). */
export function ownerGone(owner: string | null): boolean {
  if (owner === null) return true;
  let parsed: { host?: unknown; pid?: unknown; mark?: unknown };
  try {
    parsed = JSON.parse(owner) as typeof parsed;
  } catch {
    return true;
  }
  // A data folder is one machine's (SQLite must not be shared over a network file system): a
  // run another machine began is from a copy of the folder, and nothing will finish it here.
  if (parsed.host !== os.hostname()) return true;
  if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) {
    return true;
  }
  if (parsed.pid === process.pid) return parsed.mark !== processMark;
  // A process that crashed but that its parent has not reaped yet still answers signal 0.
  const state = procState(parsed.pid);
  if (state === 'Z' || state === 'X') return true;
  try {
    process.kill(parsed.pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/**
 * A process's state letter from Linux's `/proc/<pid>/stat` (`R`, `S`, `Z` for a zombie, `X` for
 * dead...), or null elsewhere or when it cannot be read, which leaves the answer to signal 0.
 */
function procState(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return null;
  }
  // `pid (comm) state ...`: the command name may hold spaces and parentheses, so the state is
  // read after the last `)`.
  return /^\) (\S)/.exec(stat.slice(stat.lastIndexOf(')')))?.[1] ?? null;
}

interface RunRow {
  id: number;
  profile_id: string;
  system: string;
  started_at: string;
  finished_at: string | null;
  status: SyncRunStatus;
  error: string | null;
  error_code: string | null;
  warnings: string;
}

/** Error codes of a sync that could not talk to its source (the rest got an answer). */
const unreachableCodes = new Set(['unavailable', 'timeout']);

export function isSourceProfile(
  profile: ProfileView,
): profile is ProfileView & { connection: { kind: SourceSystem } } {
  return (sourceSystems as readonly string[]).includes(profile.connection.kind);
}

/** The part of its system a sync of this profile fetches: a Foreman host filter, or null for all. */
export function syncedPart(profile: ProfileView): string | null {
  if (profile.connection.kind !== 'foreman') return null;
  const filter = profile.connection.hostFilter?.trim() ?? '';
  return filter === '' ? null : filter;
}

/** `sync_runs`: one row per sync attempt of a profile; freshness is read from here. */
export class SyncHistory {
  constructor(
    private readonly db: Sqlite,
    private readonly clock: () => Date,
  ) {}

  /**
   * Runs left `running` by a process that is gone are closed as `interrupted`. A run of a process
   * still alive on this machine (the app while a command syncs, or the other way round) is left
   * to finish: only its own process knows how it ends.
   */
  closeInterrupted(): void {
    const running = this.db
      .prepare(`SELECT id, owner FROM sync_runs WHERE status = 'running'`)
      .all() as { id: number; owner: string | null }[];
    const close = this.db.prepare(
      `UPDATE sync_runs SET status = 'interrupted', finished_at = ?,
         error = 'Rackside stopped during this sync; the previous data was kept.'
       WHERE id = ?`,
    );
    const now = this.clock().toISOString();
    for (const run of running) if (ownerGone(run.owner)) close.run(now, run.id);
  }

  /**
   * `owner`: the process syncing, when another thread writes for it (see `runOwner`);
   * `hostFilter`: the part of the system the run syncs (see `syncedPart`).
   */
  begin(
    profileId: string,
    system: SourceSystem,
    owner = runOwner,
    hostFilter: string | null = null,
  ): number {
    const result = this.db
      .prepare(
        `INSERT INTO sync_runs (profile_id, system, started_at, status, owner, host_filter)
         VALUES (?, ?, ?, 'running', ?, ?)`,
      )
      .run(profileId, system, this.clock().toISOString(), owner, hostFilter);
    return Number(result.lastInsertRowid);
  }

  finish(
    runId: number,
    status: Exclude<SyncRunStatus, 'running'>,
    detail: {
      counts?: WriteCounts;
      warnings?: readonly string[];
      errorCode?: ErrorCode | null;
      error?: string | null;
      durationMs: number;
    },
  ): void {
    const c = detail.counts ?? { fetched: 0, added: 0, changed: 0, removed: 0 };
    this.db
      .prepare(
        `UPDATE sync_runs SET finished_at = ?, status = ?, fetched = ?, added = ?, changed = ?,
           removed = ?, warnings = ?, error_code = ?, error = ?, duration_ms = ?
         WHERE id = ?`,
      )
      .run(
        this.clock().toISOString(),
        status,
        c.fetched,
        c.added,
        c.changed,
        c.removed,
        JSON.stringify(detail.warnings ?? []),
        detail.errorCode ?? null,
        detail.error ?? null,
        Math.round(detail.durationMs),
        runId,
      );
  }

  /** The record counts a run ended `ok` with; undefined while it has not (or did not) end so. */
  storedCounts(runId: number): WriteCounts | undefined {
    return this.db
      .prepare(
        `SELECT fetched, added, changed, removed FROM sync_runs WHERE id = ? AND status = 'ok'`,
      )
      .get(runId) as WriteCounts | undefined;
  }

  /** The run's outcome, or null when the run is gone: its profile was removed meanwhile. */
  /**
   * A sync of this profile that another live process on this machine runs now (the app while a
   * command syncs, or two commands), with that process's id; null when there is none.
   */
  runningElsewhere(profileId: string): { runId: number; pid: number | null } | null {
    const rows = this.db
      .prepare(
        `SELECT id, owner FROM sync_runs WHERE profile_id = ? AND status = 'running' ORDER BY id DESC`,
      )
      .all(profileId) as { id: number; owner: string | null }[];
    for (const row of rows) {
      if (row.owner === runOwner || ownerGone(row.owner)) continue;
      const pid = (JSON.parse(row.owner ?? '{}') as { pid?: unknown }).pid;
      return { runId: row.id, pid: typeof pid === 'number' ? pid : null };
    }
    return null;
  }

  outcome(runId: number, profile: ProfileView): SyncOutcome | null {
    const row = this.db.prepare('SELECT * FROM sync_runs WHERE id = ?').get(runId) as
      | {
          status: SyncRunStatus;
          fetched: number;
          added: number;
          changed: number;
          removed: number;
          warnings: string;
          error: string | null;
          error_code: string | null;
          duration_ms: number | null;
          system: SourceSystem;
        }
      | undefined;
    if (row === undefined) return null;
    return {
      runId,
      profileId: profile.id,
      profileName: profile.name,
      system: row.system,
      status: row.status,
      fetched: row.fetched,
      added: row.added,
      changed: row.changed,
      removed: row.removed,
      warnings: JSON.parse(row.warnings) as string[],
      error: row.error,
      errorCode: row.error_code,
      durationMs: row.duration_ms ?? 0,
    };
  }

  /**
   * Freshness of every source profile (or the given ones), with a sentence for people. A source
   * is offline when its last sync failed or when it could not be reached since (`unreachable`).
   * `running`: the profiles this process syncs; those another process syncs are read here.
   */
  freshness(
    profiles: readonly ProfileView[],
    running: ReadonlySet<string>,
    unreachable: ReadonlyMap<string, Unreachable> = new Map(),
  ): SourceFreshness[] {
    const lastOk = this.db.prepare(
      `SELECT finished_at, host_filter FROM sync_runs WHERE profile_id = ? AND status = 'ok'
       ORDER BY id DESC LIMIT 1`,
    );
    const last = this.db.prepare(
      `SELECT * FROM sync_runs WHERE profile_id = ? AND status != 'running'
       ORDER BY id DESC LIMIT 1`,
    );
    const schedule = this.db.prepare(
      'SELECT interval_minutes FROM sync_schedules WHERE profile_id = ?',
    );
    return profiles.filter(isSourceProfile).map((profile) => {
      const ok = lastOk.get(profile.id) as
        { finished_at: string; host_filter: string | null } | undefined;
      const run = last.get(profile.id) as RunRow | undefined;
      const interval = schedule.get(profile.id) as { interval_minutes: number } | undefined;
      const dataFrom = ok?.finished_at ?? null;
      const away = unreachable.get(profile.id);
      const failed = run?.status === 'failed';
      const offline = failed || away !== undefined;
      const reason = away?.reason ?? (failed ? (run.error ?? null) : null);
      const offlineKind =
        away !== undefined || (failed && unreachableCodes.has(run.error_code ?? ''))
          ? 'unreachable'
          : failed
            ? 'failed'
            : null;
      return {
        profileId: profile.id,
        profileName: profile.name,
        system: profile.connection.kind,
        dataFrom,
        lastStatus: run?.status ?? null,
        lastError: run?.error ?? null,
        lastAttemptAt: run?.started_at ?? null,
        offline,
        offlineReason: reason,
        lastWarnings: run?.status === 'ok' ? (JSON.parse(run.warnings) as string[]) : [],
        offlineKind,
        running: running.has(profile.id),
        syncedElsewhere: this.runningElsewhere(profile.id),
        intervalMinutes: interval?.interval_minutes ?? null,
        // What the data held covers: a filter edited since counts from the next sync on.
        hostFilter: ok === undefined ? syncedPart(profile) : ok.host_filter,
        message: freshnessMessage(offline, dataFrom, reason, run?.status === 'cancelled'),
      };
    });
  }

  /**
   * The last finished run of each of these profiles (those that never finished one are left
   * out), with its duration and record counts and the number of assets the profile's records
   * are part of (`assetCounts`, which the caller may keep between calls: it reads every link).
   */
  lastRuns(profileIds: readonly string[], assetCounts: ReadonlyMap<string, number>): LastSyncRun[] {
    const last = this.db.prepare(
      `SELECT * FROM sync_runs WHERE profile_id = ? AND status != 'running'
       ORDER BY id DESC LIMIT 1`,
    );
    return profileIds.flatMap((profileId) => {
      const run = last.get(profileId) as
        | (RunRow & {
            fetched: number;
            added: number;
            changed: number;
            removed: number;
            duration_ms: number | null;
          })
        | undefined;
      if (run === undefined) return [];
      return [
        {
          profileId,
          runId: run.id,
          status: run.status,
          startedAt: run.started_at,
          finishedAt: run.finished_at,
          durationMs: run.duration_ms,
          fetched: run.fetched,
          added: run.added,
          changed: run.changed,
          removed: run.removed,
          assets: assetCounts.get(profileId) ?? 0,
          warnings: JSON.parse(run.warnings) as string[],
        },
      ];
    });
  }

  /**
   * Per profile, the assets its records are part of, counted per linked record (one walk of the
   * links' primary key; counting distinct assets would read every link row, ~10× slower).
   */
  assetCounts(): Map<string, number> {
    const rows = this.db
      .prepare('SELECT profile_id AS id, count(*) AS n FROM asset_links GROUP BY profile_id')
      .all() as { id: string; n: number }[];
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  setSchedule(profileId: string, intervalMinutes: number | null): void {
    if (intervalMinutes === null) {
      this.db.prepare('DELETE FROM sync_schedules WHERE profile_id = ?').run(profileId);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO sync_schedules (profile_id, interval_minutes) VALUES (?, ?)
         ON CONFLICT (profile_id) DO UPDATE SET interval_minutes = excluded.interval_minutes`,
      )
      .run(profileId, intervalMinutes);
  }

  /** Profiles with a background interval whose last attempt is older than it. */
  dueProfiles(now: Date): string[] {
    const rows = this.db
      .prepare(
        `SELECT s.profile_id AS id, s.interval_minutes AS minutes,
           (SELECT max(started_at) FROM sync_runs r WHERE r.profile_id = s.profile_id) AS last
         FROM sync_schedules s`,
      )
      .all() as { id: string; minutes: number; last: string | null }[];
    return rows
      .filter((r) => r.last === null || Date.parse(r.last) + r.minutes * 60_000 <= now.getTime())
      .map((r) => r.id);
  }
}

/** `cancelled`: the last sync was cancelled, so the data is older than the user may think. */
export function freshnessMessage(
  offline: boolean,
  dataFrom: string | null,
  error: string | null,
  cancelled = false,
): string {
  if (offline) {
    const reason = error === null ? '' : ` (${error})`;
    return dataFrom === null
      ? `offline — never synced successfully${reason}`
      : `offline — data from ${dataFrom}${reason}`;
  }
  const note = cancelled ? ' (the last sync was cancelled)' : '';
  return `${dataFrom === null ? 'never synced' : `data from ${dataFrom}`}${note}`;
}
