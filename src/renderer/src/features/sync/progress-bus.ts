import type { SyncProgressEvent } from '../../../../shared/inventory';

type Listener = (event: SyncProgressEvent) => void;

/**
 * The latest `sync:progress` per profile, outside any store: progress arrives many times a
 * second, and only the progress bars listening for one profile should hear it.
 */
export class ProgressBus {
  readonly #latest = new Map<string, SyncProgressEvent>();
  readonly #startedAt = new Map<number, number>();
  readonly #listeners = new Map<string, Set<Listener>>();

  publish(event: SyncProgressEvent, now = performance.now()): void {
    if (!this.#startedAt.has(event.runId)) this.#startedAt.set(event.runId, now);
    this.#latest.set(event.profileId, event);
    for (const listener of this.#listeners.get(event.profileId) ?? []) listener(event);
  }

  latest(profileId: string): SyncProgressEvent | undefined {
    return this.#latest.get(profileId);
  }

  /** Milliseconds since the run's first progress event. */
  elapsed(runId: number, now = performance.now()): number | undefined {
    const start = this.#startedAt.get(runId);
    if (start === undefined) return undefined;
    return now - start;
  }

  subscribe(profileId: string, listener: Listener): () => void {
    const set = this.#listeners.get(profileId) ?? new Set();
    set.add(listener);
    this.#listeners.set(profileId, set);
    return () => {
      set.delete(listener);
    };
  }
}

export const progressBus = new ProgressBus();

/**
 * How far a sync is, 0…1, or undefined while the total is unknown. A cancelled sync did not get
 * to the end: a full bar would read as done. A failed or interrupted one wrote nothing: its bar
 * is empty, as the page shows it once reloaded.
 */
export function progressFraction(event: SyncProgressEvent): number | undefined {
  if (event.state === 'cancelled') {
    return event.total === null || event.total === 0 ? 0 : Math.min(1, event.done / event.total);
  }
  if (event.state === 'failed' || event.state === 'interrupted') return 0;
  if (event.state !== 'running') return 1;
  if (event.total === null || event.total === 0) return undefined;
  return Math.min(1, event.done / event.total);
}

/**
 * The line under a progress bar. A finished run says how it ended; why it failed is shown once,
 * in the row's Error column, not here too.
 */
export function progressText(event: SyncProgressEvent): string {
  if (event.state !== 'running') {
    if (event.error !== null) return event.state;
    return `${event.state} — ${event.records.toLocaleString()} ${event.records === 1 ? 'record' : 'records'}`;
  }
  const of = event.total === null ? '' : ` of ${String(event.total)}`;
  return `${event.phase} ${String(event.done)}${of}`;
}
