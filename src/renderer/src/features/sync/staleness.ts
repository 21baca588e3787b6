import {
  systemLabels,
  type SourceFreshness,
  type SourceSystem,
} from '../../../../shared/inventory';

export { systemLabels };

/** Data older than this is stale even when its source answered last time. */
const defaultStaleAfterMs = 24 * 60 * 60 * 1000;

export interface StaleSource {
  profileId: string;
  profileName: string;
  system: SourceSystem;
  /** When the data we hold was fetched; null when no sync ever succeeded. */
  since: string | null;
  reason: 'offline' | 'old' | 'never';
  /** Offline because it cannot be reached, or because its last sync failed on what it got. */
  failed?: boolean;
  /** A sync of it runs now: how it ends says whether the data is still offline or old. */
  syncing?: boolean;
  detail: string | null;
}

/**
 * Sources whose data is not current: the last sync failed or the source cannot be reached now
 * (offline), no sync ever succeeded, or
 * the data is older than two sync intervals (a day when no schedule is set).
 */
export function staleSources(sources: readonly SourceFreshness[], now: number): StaleSource[] {
  return sources.flatMap<StaleSource>((s) => {
    const base = {
      profileId: s.profileId,
      profileName: s.profileName,
      system: s.system,
      ...(s.running || s.syncedElsewhere ? { syncing: true } : {}),
    };
    if (s.running && s.dataFrom === null) return [];
    if (s.offline)
      return [
        {
          ...base,
          since: s.dataFrom,
          reason: 'offline',
          failed: s.offlineKind === 'failed',
          detail: s.offlineReason,
        },
      ];
    if (s.dataFrom === null) {
      return s.lastAttemptAt === null
        ? []
        : [{ ...base, since: null, reason: 'never', detail: null }];
    }
    const limit =
      s.intervalMinutes === null ? defaultStaleAfterMs : 2 * s.intervalMinutes * 60 * 1000;
    const age = now - Date.parse(s.dataFrom);
    return age > limit ? [{ ...base, since: s.dataFrom, reason: 'old', detail: null }] : [];
  });
}

/** "3 min ago", "2 h ago", "5 d ago" — short, for dense tables. */
export function age(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${String(minutes)} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${String(hours)} h ago`;
  return `${String(Math.round(hours / 24))} d ago`;
}

/** A local date and time for tooltips and the banner. */
export function when(iso: string | null): string {
  if (iso === null) return 'never';
  return new Date(iso).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/**
 * The host's freshness texts carry ISO times (the CLI prints them as they are); on screen each
 * becomes the local date and time `when` gives.
 */
export function localTimes(text: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g, (iso) => when(iso));
}
