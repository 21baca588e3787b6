import { Ban, Pencil, RefreshCw } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { toast } from 'sonner';
import type { LastSyncRun, SourceFreshness } from '../../../../shared/inventory';
import { oneTimeCodeSyncHint } from '../../../../shared/profiles';
import { EmptyState } from '../../components/EmptyState';
import { useNavStore } from '../../stores/nav-store';
import { useProfilesStore } from '../profiles/profiles-store';
import { ProgressBar } from './ProgressBar';
import { useSyncStore, type RunSummary } from './sync-store';
import { age, systemLabels, when } from './staleness';
import { useNow } from './use-now';

async function startSync(ids: string[] | 'all'): Promise<void> {
  const error = await useSyncStore.getState().start(ids);
  if (error) toast.error(`Could not start the sync: ${error.message}`);
}

function duration(ms: number | null | undefined): string {
  if (ms === undefined || ms === null) return '—';
  return ms < 1000 ? `${String(Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const count = (n: number): string => n.toLocaleString();

/** The background intervals offered, in minutes (`sync:schedule` takes 5 to 10 080). */
const intervals = [15, 30, 60, 360, 1440] as const;

/** "15 min", "1 h", "1 h 30 min", "24 h". */
function minutesLabel(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${String(rest)} min`;
  return rest === 0 ? `${String(hours)} h` : `${String(hours)} h ${String(rest)} min`;
}

/**
 * When the background sync starts this source next: its last run's start plus the interval. The
 * core checks once a minute, hence "about".
 */
function nextDue(source: SourceFreshness, now: number): string {
  if (source.intervalMinutes === null) return '';
  if (source.running || source.syncedElsewhere) return 'syncing now';
  if (source.lastAttemptAt === null) return 'due now';
  const next = Date.parse(source.lastAttemptAt) + source.intervalMinutes * 60_000;
  if (next <= now) return 'due now';
  // The short time style every other time on screen uses (`when`): 6:43 PM, not 06:43 PM.
  const time = new Date(next).toLocaleTimeString(undefined, { timeStyle: 'short' });
  return `next about ${time}`;
}

/** "Sync every": a profile's background interval, and when it is due next. */
function SyncEvery(props: { source: SourceFreshness; now: number }) {
  const { source, now } = props;
  const byHandOnly = useSyncStore((s) => s.byHandOnly[source.profileId] === true);
  const error = useSyncStore((s) => s.scheduleErrors[source.profileId]);
  const current = source.intervalMinutes;
  const hint = byHandOnly ? oneTimeCodeSyncHint(source.profileName) : undefined;
  // A profile synced by hand only keeps just the way out of an interval set before its TOTP.
  const choices: readonly number[] = byHandOnly ? [] : intervals;
  const offered =
    current === null || choices.includes(current)
      ? choices
      : [...choices, current].sort((a, b) => a - b);
  return (
    <div className="sync-every">
      <select
        className="input sync-every-select"
        data-testid="sync-every"
        aria-label={`Sync ${source.profileName} every`}
        title={hint ?? 'Sync this source in the background while the vault is unlocked'}
        disabled={byHandOnly && current === null}
        value={current === null ? 'off' : String(current)}
        onChange={(event) => {
          const value = event.target.value;
          void useSyncStore
            .getState()
            .schedule(source.profileId, value === 'off' ? null : Number(value));
        }}
      >
        <option value="off">Off</option>
        {offered.map((minutes) => (
          <option key={minutes} value={String(minutes)}>
            {(intervals as readonly number[]).includes(minutes)
              ? minutesLabel(minutes)
              : `every ${minutesLabel(minutes)}`}
          </option>
        ))}
      </select>
      {hint === undefined ? (
        <span className="muted sync-every-next" data-testid="sync-next">
          {nextDue(source, now)}
        </span>
      ) : (
        <span className="muted sync-every-next" data-testid="sync-every-hint">
          By hand only
        </span>
      )}
      {error ? (
        <span className="sync-every-error" role="alert" data-testid="sync-every-error">
          {error.message}
        </span>
      ) : null}
    </div>
  );
}

/**
 * The last finished sync: from the core's history (`lastRun`), or a run this window saw end
 * before the history was read again.
 */
function lastSync(lastRun: LastSyncRun | undefined, seen: RunSummary | undefined) {
  if (lastRun && (seen === undefined || lastRun.runId >= seen.runId)) {
    // A sync that failed or was cancelled wrote nothing: it has no records to count.
    const wrote = lastRun.status === 'ok';
    return {
      durationMs: lastRun.durationMs,
      fetched: wrote ? lastRun.fetched : undefined,
      changed: wrote ? lastRun.added + lastRun.changed + lastRun.removed : undefined,
      assets: lastRun.assets,
      warnings: lastRun.warnings,
    };
  }
  if (seen) {
    return {
      durationMs: seen.durationMs,
      fetched: seen.state === 'ok' ? seen.records : undefined,
      changed: undefined,
      // Known once the history is read again, which the end of a run asks for.
      warnings: [] as readonly string[],
    };
  }
  return undefined;
}

/** "another Rackside process (pid 4242)", as the core names it in its progress. */
function otherProcess(pid: number | null): string {
  return pid === null
    ? 'another Rackside process'
    : `another Rackside process (pid ${String(pid)})`;
}

/**
 * Another process syncs this source and this window does not wait for it: it says so, and when
 * the wait for it was just cancelled here, says that (the other process's sync goes on).
 */
function elsewhereNote(source: SourceFreshness, run: RunSummary | undefined): string | undefined {
  const elsewhere = source.syncedElsewhere;
  if (source.running || !elsewhere) return undefined;
  if (run?.runId === elsewhere.runId && run.state === 'cancelled' && run.error !== null) {
    return run.error;
  }
  const who = otherProcess(elsewhere.pid);
  return `${who.charAt(0).toUpperCase()}${who.slice(1)} is syncing this source.`;
}

/** What a failed or cancelled sync left in place: the data of the last one that worked. */
function keptData(source: SourceFreshness): string | undefined {
  if (source.running || (source.lastStatus !== 'failed' && source.lastStatus !== 'cancelled')) {
    return undefined;
  }
  return source.dataFrom === null
    ? 'No data from this source yet.'
    : `The data from ${when(source.dataFrom)} is kept.`;
}

/** Errors longer than this show their start, with the rest a button away. */
const errorPreviewLength = 120;

/** The start of a long text, cut at a word: "… not JSON. Check the…". */
function preview(text: string): string {
  const cut = text.slice(0, errorPreviewLength);
  const space = cut.lastIndexOf(' ');
  return `${(space > errorPreviewLength / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** An error that asks to fix something in the profile ("Check the profile's URL."). */
const pointsAtProfile = (error: string): boolean => /\bcheck the profile\b/i.test(error);

/** Opens the profile's editor on the Profiles page, as its Edit button there does. */
function editProfile(profileId: string): void {
  useNavStore.getState().go('profiles');
  const profiles = useProfilesStore.getState();
  profiles.select(profileId);
  profiles.openEditor({ mode: 'edit', id: profileId });
}

/**
 * Why the last sync failed. A long one shows its start with the rest on request (click or
 * keyboard), so that advice at its end ("Check the profile's URL.") is never out of reach; one
 * that points at the profile offers its editor. A cancel asked for is said muted: not an error.
 */
function SyncError(props: {
  error: string;
  profileId: string;
  profileName: string;
  cancelled: boolean;
}) {
  const { error } = props;
  const [open, setOpen] = useState(false);
  const textId = useId();
  const long = error.length > errorPreviewLength;
  return (
    <>
      <div
        id={textId}
        className={props.cancelled ? 'sync-error-text muted' : 'sync-error-text'}
        data-testid="sync-error-text"
      >
        {long && !open ? preview(error) : error}
      </div>
      {long || pointsAtProfile(error) ? (
        <div className="sync-error-actions">
          {long ? (
            <button
              type="button"
              className="link-button"
              data-testid="sync-error-toggle"
              aria-expanded={open}
              aria-controls={textId}
              onClick={() => {
                setOpen(!open);
              }}
            >
              {open ? 'Show less' : 'Show all'}
            </button>
          ) : null}
          {pointsAtProfile(error) ? (
            <button
              type="button"
              className="link-button"
              data-testid="sync-edit-profile"
              aria-label={`Edit the profile ${props.profileName}`}
              onClick={() => {
                editProfile(props.profileId);
              }}
            >
              <Pencil size={11} aria-hidden /> Edit profile
            </button>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

const warningCount = (n: number): string => `${String(n)} ${n === 1 ? 'warning' : 'warnings'}`;

/**
 * What the last sync could not get in full (an unreachable node, a failed update check): the
 * sync went through, with gaps. Listed on request, by click or keyboard; the button's title has
 * them for a pointer resting on it.
 */
function SyncWarnings(props: { warnings: readonly string[] }) {
  const { warnings } = props;
  const [open, setOpen] = useState(false);
  const listId = useId();
  return (
    <div className="sync-warnings" data-testid="sync-warnings">
      <button
        type="button"
        className="link-button sync-warnings-toggle"
        data-testid="sync-warnings-toggle"
        aria-expanded={open}
        aria-controls={listId}
        title={warnings.join('\n')}
        onClick={() => {
          setOpen(!open);
        }}
      >
        {open ? 'Hide warnings' : `Show ${warnings.length === 1 ? 'warning' : 'warnings'}`}
      </button>
      {open ? (
        <ul id={listId} className="sync-warnings-list" data-testid="sync-warnings-list">
          {warnings.map((warning, i) => (
            <li key={i}>{warning}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * While the source runs, the id of the last run that had ended when this one began; undefined
 * while it does not run. Held from the sync's start: the history may show this run ended a
 * moment before the row stops saying running, and its end is not a run before it.
 */
function useEndedBefore(running: boolean, lastRunId: number | undefined): number | undefined {
  const [held, setHeld] = useState({ running, id: running ? lastRunId : undefined });
  if (held.running !== running) {
    const next = { running, id: running ? lastRunId : undefined };
    setHeld(next);
    return next.id;
  }
  return held.id;
}

function SourceRow(props: {
  source: SourceFreshness;
  lastRun: LastSyncRun | undefined;
  run: RunSummary | undefined;
  now: number;
}) {
  const { source, now } = props;
  const last = lastSync(props.lastRun, props.run);
  const endedBefore = useEndedBefore(source.running, props.lastRun?.runId);
  const kept = keptData(source);
  const elsewhere = elsewhereNote(source, props.run);
  // Synced fine, but cannot be reached now: the data is as old as that sync.
  const unreachable = !source.running && source.offline && source.lastStatus === 'ok';
  const state = source.running
    ? 'running'
    : elsewhere !== undefined
      ? 'elsewhere'
      : unreachable
        ? 'unreachable'
        : (source.lastStatus ?? 'never');
  // A sync under way here or in another process: the row is about it, and the last one's
  // error and duration are history, said muted as such.
  const busy = state === 'running' || state === 'elsewhere';
  const error = busy ? '' : (source.offlineReason ?? source.lastError ?? '');
  // The reason a cancelled sync gives ("The sync was cancelled."), unless the source is out of
  // reach: that one is a fault.
  const cancelled = source.lastStatus === 'cancelled' && source.offlineReason === null;
  const warnings = busy ? [] : (last?.warnings ?? []);
  // Synced, but not everything: said with the state, in the warning colour.
  const warned = state === 'ok' && warnings.length > 0;
  return (
    <tr
      data-testid="sync-row"
      data-profile={source.profileName}
      data-state={state}
      data-offline={String(source.offline)}
      data-warnings={String(warnings.length)}
    >
      <td>
        <div className="sync-name">{source.profileName}</div>
        <div className="muted sync-system">{systemLabels[source.system]}</div>
      </td>
      <td>
        <span
          className={`sync-state sync-state-${warned ? 'warned' : state}`}
          data-testid="sync-state"
        >
          {state === 'elsewhere'
            ? 'running elsewhere'
            : warned
              ? `ok, ${warningCount(warnings.length)}`
              : state}
        </span>
        {/* Details sit under the state rather than in columns of their own, so the table fits
            a 1024 px window. */}
        {busy ? (
          source.lastStatus === null ? null : (
            <div
              className="muted sync-detail"
              data-testid="sync-previous"
              title="How the last sync went and how long it took"
            >
              last: {source.lastStatus}
              {last?.durationMs === undefined || last.durationMs === null ? null : (
                <>
                  , <span data-testid="sync-duration">{duration(last.durationMs)}</span>
                </>
              )}
            </div>
          )
        ) : (
          <div className="muted sync-detail" title="How long the last sync took">
            <span data-testid="sync-duration">{duration(last?.durationMs)}</span>
          </div>
        )}
        <div
          className="sync-error"
          data-testid="sync-error"
          title={error === '' ? undefined : error}
        >
          {error === '' ? null : (
            <SyncError
              error={error}
              profileId={source.profileId}
              profileName={source.profileName}
              cancelled={cancelled}
            />
          )}
          {kept === undefined ? null : (
            <div className="muted" data-testid="sync-kept">
              {kept}
            </div>
          )}
          {elsewhere === undefined ? null : (
            <div className="muted" data-testid="sync-elsewhere">
              {elsewhere}
            </div>
          )}
        </div>
        {warnings.length === 0 ? null : <SyncWarnings warnings={warnings} />}
      </td>
      <td title={when(source.dataFrom)}>{age(source.dataFrom, now)}</td>
      <td className="num">
        <span data-testid="sync-records">
          {last?.fetched === undefined ? '—' : count(last.fetched)}
        </span>
        <div className="muted sync-detail">
          <span data-testid="sync-changed">
            {last?.changed === undefined ? '—' : count(last.changed)}
          </span>{' '}
          changed
        </div>
      </td>
      <td className="num" data-testid="sync-assets">
        {last?.assets === undefined ? '—' : count(last.assets)}
      </td>
      <td className="sync-progress-cell">
        <ProgressBar profileId={source.profileId} endedUpTo={endedBefore} />
      </td>
      <td>
        <SyncEvery source={source} now={now} />
      </td>
      <td>
        <button
          type="button"
          className="button small"
          data-testid="sync-now"
          aria-label={`Sync ${source.profileName} now`}
          title="Sync this source now"
          // Not `disabled`: a pressed button that disables itself drops the keyboard to the page.
          aria-disabled={source.running}
          onClick={() => {
            if (!source.running) void startSync([source.profileId]);
          }}
        >
          <RefreshCw size={12} aria-hidden /> Sync
        </button>
      </td>
    </tr>
  );
}

/**
 * How the sources' last syncs went, in one line: "Last syncs: 5 ok, 1 failed", or
 * "Last syncs: 5 ok (2 with warnings), 1 failed".
 */
function outcomeOf(
  sources: readonly SourceFreshness[],
  lastRuns: ReadonlyMap<string, LastSyncRun>,
): string {
  const counts = new Map<string, number>();
  let warned = 0;
  for (const source of sources) {
    const run = lastRuns.get(source.profileId);
    if (run === undefined || run.status === 'running') continue;
    counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
    if (run.status === 'ok' && run.warnings.length > 0) warned += 1;
  }
  const parts = (['ok', 'failed', 'cancelled', 'interrupted'] as const).flatMap((state) => {
    const n = counts.get(state);
    if (n === undefined) return [];
    const note = state === 'ok' && warned > 0 ? ` (${String(warned)} with warnings)` : '';
    return [`${String(n)} ${state}${note}`];
  });
  return parts.length === 0 ? '' : `Last syncs: ${parts.join(', ')}`;
}

/** Every source profile: when it last synced, how it went, live progress, sync and cancel. */
export function SyncCenter() {
  const status = useSyncStore((s) => s.status);
  const runs = useSyncStore((s) => s.runs);
  const loadError = useSyncStore((s) => s.loadError);
  const now = useNow();
  const sources = status?.sources ?? [];
  const lastRuns = new Map((status?.lastRuns ?? []).map((r) => [r.profileId, r]));
  const running = status?.running === true;
  const outcome = outcomeOf(sources, lastRuns);
  const elsewhere = sources.filter((s) => s.syncedElsewhere && !s.running);

  useEffect(() => {
    void useSyncStore.getState().load();
    void useSyncStore.getState().loadProfiles();
  }, []);

  return (
    <div className="sync-center" data-testid="sync-center">
      <div className="toolbar">
        {/* Not `disabled` while a sync runs: the button pressed keeps the keyboard. */}
        <button
          type="button"
          className="button primary"
          data-testid="sync-all"
          aria-disabled={sources.length === 0 || running}
          onClick={() => {
            if (sources.length > 0 && !running) void startSync('all');
          }}
        >
          <RefreshCw size={13} aria-hidden /> Sync all
        </button>
        <button
          type="button"
          className="button"
          data-testid="sync-cancel"
          aria-disabled={!running}
          onClick={() => {
            if (!running) return;
            void useSyncStore
              .getState()
              .cancel()
              .then((error) => {
                if (error) toast.error(`Could not cancel: ${error.message}`);
              });
          }}
        >
          <Ban size={13} aria-hidden /> Cancel
        </button>
        {/* Read out when it changes: a sync's end and how it went. */}
        <span className="muted" role="status">
          <span data-testid="sync-running">
            {running
              ? 'Syncing…'
              : elsewhere.length > 0
                ? `Another Rackside process is syncing ${elsewhere.map((s) => s.profileName).join(', ')}`
                : 'Idle'}
          </span>
          {!running && outcome !== '' ? <span data-testid="sync-outcome"> — {outcome}</span> : null}
        </span>
      </div>
      {loadError ? (
        <div className="banner error" role="alert">
          Could not read the sync status: {loadError.message}
        </div>
      ) : null}
      {status && sources.length === 0 ? (
        <EmptyState icon={RefreshCw} title="No sources to sync" testId="sync-empty">
          <p>Add a Foreman, Proxmox VE, PatchMon or RouterOS profile, or import a manifest.</p>
          <button
            type="button"
            className="button"
            onClick={() => {
              useNavStore.getState().go('profiles');
            }}
          >
            Open Profiles
          </button>
        </EmptyState>
      ) : (
        <table className="data-table sync-table">
          <thead>
            <tr>
              <th>Source</th>
              <th title="How the last sync went, how long it took and, when it failed, why">
                Status
              </th>
              <th title="When the data held was fetched: the last sync that succeeded">
                Data from
              </th>
              <th
                className="num"
                title="Records the source returned in its last sync; under them, how many it added, changed or removed"
              >
                Records
              </th>
              <th className="num" title="Assets holding this source's records">
                Assets
              </th>
              <th>Progress</th>
              <th title="Background sync while the vault is unlocked">Sync every</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sources.map((source) => (
              <SourceRow
                key={source.profileId}
                source={source}
                lastRun={lastRuns.get(source.profileId)}
                run={runs[source.profileId]}
                now={now}
              />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
