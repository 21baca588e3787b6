import { useEffect, useRef } from 'react';
import type { SyncProgressEvent } from '../../../../shared/inventory';
import { progressBus, progressFraction, progressText } from './progress-bus';

/**
 * A profile's live sync progress. Updates go straight to the DOM once per frame: progress can
 * arrive far faster than React should re-render the sync center.
 *
 * `endedUpTo`: while the source is running, the id of its last finished run. Until the new run's
 * first progress arrives (it may wait for its turn), the latest progress is that run's end, which
 * is not shown as the state of this sync.
 */
export function ProgressBar(props: { profileId: string; endedUpTo?: number | undefined }) {
  const fill = useRef<HTMLDivElement>(null);
  const label = useRef<HTMLSpanElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const { profileId, endedUpTo } = props;

  useEffect(() => {
    let frame = 0;
    let pending: SyncProgressEvent | undefined;
    const paint = (): void => {
      frame = 0;
      const event = pending;
      if (!event || !fill.current || !label.current || !root.current) return;
      if (endedUpTo !== undefined && event.runId <= endedUpTo) {
        root.current.dataset.state = 'waiting';
        root.current.dataset.indeterminate = 'true';
        root.current.removeAttribute('aria-valuenow');
        fill.current.style.width = '30%';
        label.current.textContent = 'starting';
        return;
      }
      const fraction = progressFraction(event);
      root.current.dataset.state = event.state;
      root.current.dataset.indeterminate = String(fraction === undefined);
      root.current.setAttribute('aria-valuenow', String(Math.round((fraction ?? 0) * 100)));
      fill.current.style.width = `${String((fraction ?? 0.3) * 100)}%`;
      label.current.textContent = progressText(event);
    };
    const onEvent = (event: SyncProgressEvent): void => {
      pending = event;
      if (frame === 0) frame = requestAnimationFrame(paint);
    };
    const latest = progressBus.latest(profileId);
    if (latest) onEvent(latest);
    const off = progressBus.subscribe(profileId, onEvent);
    return () => {
      off();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [profileId, endedUpTo]);

  return (
    <div
      ref={root}
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      data-testid="sync-progress"
      data-profile={profileId}
      data-state="idle"
    >
      <div className="progress-track">
        <div ref={fill} className="progress-fill" style={{ width: '0%' }} />
      </div>
      <span ref={label} className="progress-label" data-testid="sync-progress-label" />
    </div>
  );
}
