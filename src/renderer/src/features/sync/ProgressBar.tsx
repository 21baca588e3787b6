import { useEffect, useRef } from 'react';
import type { SyncProgressEvent } from '../../../../shared/inventory';
import { progressBus, progressFraction, progressText } from './progress-bus';

/**
 * A profile's live sync progress. Updates go straight to the DOM once per frame: progress can
 * arrive far faster than React should re-render the sync center.
 */
export function ProgressBar(props: { profileId: string }) {
  const fill = useRef<HTMLDivElement>(null);
  const label = useRef<HTMLSpanElement>(null);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let frame = 0;
    let pending: SyncProgressEvent | undefined;
    const paint = (): void => {
      frame = 0;
      const event = pending;
      if (!event || !fill.current || !label.current || !root.current) return;
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
    const latest = progressBus.latest(props.profileId);
    if (latest) onEvent(latest);
    const off = progressBus.subscribe(props.profileId, onEvent);
    return () => {
      off();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [props.profileId]);

  return (
    <div
      ref={root}
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      data-testid="sync-progress"
      data-profile={props.profileId}
      data-state="idle"
    >
      <div className="progress-track">
        <div ref={fill} className="progress-fill" style={{ width: '0%' }} />
      </div>
      <span ref={label} className="progress-label" data-testid="sync-progress-label" />
    </div>
  );
}
