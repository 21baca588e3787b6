import { useSyncExternalStore } from 'react';

/**
 * The time, refreshed every 30 s for everyone who shows an age ("3 min ago"): reading the clock
 * during render would make renders impure, so the clock is an external store.
 */
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 30_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Moves the clock forward now (after a sync finished, say). */
export function tickNow(): void {
  now = Date.now();
  for (const l of listeners) l();
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
