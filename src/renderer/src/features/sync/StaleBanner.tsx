import { CloudOff } from 'lucide-react';
import { useSyncStore } from './sync-store';
import { staleSources, systemLabels, when } from './staleness';
import { useNow } from './use-now';

/** App-wide: which sources are offline or stale, and since when the data shown is from. */
export function StaleBanner() {
  const status = useSyncStore((s) => s.status);
  const now = useNow();
  const stale = staleSources(status?.sources ?? [], now);
  if (stale.length === 0) return null;
  const offline = stale.some((s) => s.reason === 'offline');
  return (
    <div className="banner warn stale-banner" role="status" data-testid="stale-banner">
      <CloudOff size={14} aria-hidden />
      <span className="stale-banner-title">
        {offline ? 'Offline — showing stored data.' : 'Some data is old.'}
      </span>
      <ul className="stale-list">
        {stale.map((s) => (
          <li
            key={s.profileId}
            data-testid="stale-source"
            data-profile={s.profileName}
            title={s.detail ?? undefined}
          >
            <strong>{s.profileName}</strong> ({systemLabels[s.system]}){' '}
            {s.reason === 'never'
              ? 'has never synced'
              : `${s.reason === 'offline' ? 'unreachable, data from' : 'data from'} ${when(s.since)}`}
          </li>
        ))}
      </ul>
    </div>
  );
}
