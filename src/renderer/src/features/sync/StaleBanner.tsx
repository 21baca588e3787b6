import { ChevronDown, ChevronRight, CloudOff } from 'lucide-react';
import { useState } from 'react';
import type { SourceSystem } from '../../../../shared/inventory';
import { useSyncStore } from './sync-store';
import { staleSources, systemLabels, when, type StaleSource } from './staleness';
import { useNow } from './use-now';

/** More sources than this are summed up in one line until the list is opened. */
export const staleListLimit = 3;

/** "Foreman, PatchMon, 2 Proxmox VE, 10 RouterOS": how many of each system. */
export function systemsSummary(stale: readonly StaleSource[]): string {
  const counts = new Map<SourceSystem, number>();
  for (const s of stale) counts.set(s.system, (counts.get(s.system) ?? 0) + 1);
  return [...counts]
    .map(([system, n]) => (n === 1 ? systemLabels[system] : `${String(n)} ${systemLabels[system]}`))
    .join(', ');
}

/** What an offline source is: one that cannot be reached, or one whose sync failed on its answer. */
const offlineWord = (s: StaleSource): string => (s.failed === true ? 'sync failed' : 'unreachable');

function summary(stale: readonly StaleSource[]): string {
  const idle = stale.filter((s) => s.syncing !== true);
  const offline = idle.filter((s) => s.reason === 'offline');
  const failing = offline.filter((s) => s.failed === true).length;
  const state =
    offline.length === idle.length
      ? failing === 0
        ? 'unreachable'
        : failing === offline.length
          ? 'failing to sync'
          : 'unreachable or failing to sync'
      : offline.length === 0
        ? 'with old data'
        : 'offline or old';
  const what =
    idle.length === 0
      ? 'syncing now'
      : idle.length === stale.length
        ? state
        : `${state} or syncing now`;
  const oldest = stale.flatMap((s) => (s.since === null ? [] : [s.since])).sort()[0] ?? null;
  return (
    `${String(stale.length)} sources ${what} (${systemsSummary(stale)})` +
    (oldest === null ? '' : `, data from ${when(oldest)} or later`)
  );
}

/** "unreachable, data from …", "unreachable, no data yet", "data from …", "has never synced". */
function sourceLine(s: StaleSource): string {
  if (s.reason === 'never') return 'has never synced';
  const data = s.since === null ? 'no data yet' : `data from ${when(s.since)}`;
  if (s.syncing === true) return `syncing now, ${data}`;
  return s.reason === 'offline' ? `${offlineWord(s)}, ${data}` : data;
}

const their = (n: number): string => (n === 1 ? 'its' : 'their');

/**
 * The banner's first line. A source being synced is not called offline: it may be answering
 * already, and its sync's end takes it off the banner or puts it back as offline.
 */
function titleOf(stale: readonly StaleSource[], total: number): string {
  const syncing = stale.filter((s) => s.syncing === true).length;
  const idle = stale.filter((s) => s.syncing !== true);
  const offlineSources = idle.filter((s) => s.reason === 'offline');
  const offline = offlineSources.length;
  const failing = offlineSources.filter((s) => s.failed === true).length;
  if (idle.length === 0) {
    return `Syncing ${String(syncing)} ${syncing === 1 ? 'source' : 'sources'} — showing ${their(syncing)} stored data until ${syncing === 1 ? 'its sync ends' : 'each sync ends'}.`;
  }
  // Offline sources that never synced have nothing stored to show in their place.
  const nothingStored = offlineSources.every((s) => s.since === null);
  const shown = (n: number, owner: string): string =>
    nothingStored
      ? `nothing from ${n === 1 ? 'it' : 'them'} is stored yet.`
      : `showing ${owner} stored data.`;
  // "Offline" alone when nothing answers; one source of several gone is said as such, and
  // sources that answered but failed to sync are not called offline.
  const title =
    offline === 0
      ? 'Some data is old.'
      : failing === offline
        ? `${String(failing)} of ${String(total)} ${total === 1 ? 'source' : 'sources'} failed to sync — ${shown(failing, their(failing))}`
        : offline === total && failing === 0
          ? `Offline — ${nothingStored ? 'nothing is stored yet.' : 'showing stored data.'}`
          : `${String(offline)} of ${String(total)} sources offline — ${shown(offline, 'their')}`;
  return syncing === 0 ? title : `${title} ${String(syncing)} syncing now.`;
}

/**
 * App-wide: which sources are offline or stale, and since when the data shown is from. A few are
 * listed; more are summed up in one line (a whole site going away should not push the page down),
 * with the list a click away.
 */
export function StaleBanner() {
  const status = useSyncStore((s) => s.status);
  const now = useNow();
  const [open, setOpen] = useState(false);
  const sources = status?.sources ?? [];
  const stale = staleSources(sources, now);
  if (stale.length === 0) return null;
  const many = stale.length > staleListLimit;
  const title = titleOf(stale, sources.length);
  return (
    <div className="banner warn stale-banner" role="status" data-testid="stale-banner">
      <CloudOff size={14} aria-hidden />
      <span className="stale-banner-title">{title}</span>
      {many && (
        <>
          <span data-testid="stale-summary">{summary(stale)}</span>
          <button
            type="button"
            className="link-button"
            aria-expanded={open}
            data-testid="stale-toggle"
            onClick={() => {
              setOpen(!open);
            }}
          >
            {open ? <ChevronDown size={12} aria-hidden /> : <ChevronRight size={12} aria-hidden />}
            {open ? 'Hide sources' : 'Show sources'}
          </button>
        </>
      )}
      {(!many || open) && (
        <ul className="stale-list">
          {stale.map((s) => (
            <li
              key={s.profileId}
              data-testid="stale-source"
              data-profile={s.profileName}
              title={s.detail ?? undefined}
            >
              <strong>{s.profileName}</strong> ({systemLabels[s.system]}) {sourceLine(s)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
