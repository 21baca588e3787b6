import { RotateCcw, ShieldAlert } from 'lucide-react';
import type { AssetRow, SourceSystem } from '../../../../shared/inventory';
import { age, localTimes, systemLabels } from '../sync/staleness';

const systemShort: Record<SourceSystem, string> = {
  foreman: 'FM',
  proxmox: 'PVE',
  patchmon: 'PM',
  routeros: 'ROS',
};

export function SourceBadges(props: { systems: readonly SourceSystem[] }) {
  return (
    <span className="source-badges" data-testid="source-badges">
      {props.systems.map((system) => (
        <span
          key={system}
          className={`source-badge source-${system}`}
          title={systemLabels[system]}
          data-system={system}
        >
          {systemShort[system]}
        </span>
      ))}
    </span>
  );
}

const dayMs = 24 * 60 * 60 * 1000;

/** How current a row is: green when fresh, amber when older than a day, red when offline. */
export function freshnessLevel(row: AssetRow, now: number): 'fresh' | 'old' | 'offline' {
  if (row.freshness.offline) return 'offline';
  const from = row.freshness.dataFrom;
  if (from !== null && now - Date.parse(from) > dayMs) return 'old';
  return 'fresh';
}

export function FreshnessDot(props: { row: AssetRow; now: number }) {
  const level = freshnessLevel(props.row, props.now);
  const title =
    props.row.freshness.message !== ''
      ? localTimes(props.row.freshness.message)
      : `data from ${age(props.row.freshness.dataFrom, props.now)}`;
  return (
    <span
      className={`freshness freshness-${level}`}
      data-testid="freshness"
      data-level={level}
      title={title}
      aria-label={`Freshness: ${title}`}
    />
  );
}

export function StatusText(props: { status: string }) {
  return <span className={`status status-${props.status}`}>{props.status}</span>;
}

export function PatchCount(props: { value: number | null; security?: boolean }) {
  if (props.value === null) return <span className="faint">—</span>;
  if (props.value === 0) return <span className="faint">0</span>;
  return (
    <span className={props.security ? 'patch-security' : 'patch-updates'}>
      {props.security ? <ShieldAlert size={11} aria-hidden /> : null}
      {props.value}
    </span>
  );
}

export function RebootFlag(props: { value: boolean | null }) {
  if (props.value === null) return <span className="faint">—</span>;
  return props.value ? (
    <span className="patch-reboot" title="Reboot needed">
      <RotateCcw size={11} aria-hidden /> yes
    </span>
  ) : (
    <span className="faint">no</span>
  );
}
