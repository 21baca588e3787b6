import { updateTab } from './terminals-store';

// The countdown to a dropped tab's next automatic reconnect, one timer per tab.

/** Automatic reconnect: delays for attempts 1, 2, … (then it stops). */
export const reconnectDelaysMs = [3_000, 6_000, 12_000, 24_000, 48_000];

const reconnectTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** Starts (or starts over) tab `key`'s countdown; `due` runs when it ends. */
export function startReconnectCountdown(key: string, delay: number, due: () => void): void {
  clearTimeout(reconnectTimers.get(key));
  reconnectTimers.set(
    key,
    setTimeout(() => {
      reconnectTimers.delete(key);
      due();
    }, delay),
  );
}

/** Stops tab `key`'s countdown, if it runs, and leaves the tab as it is. */
export function stopReconnectCountdown(key: string): void {
  clearTimeout(reconnectTimers.get(key));
  reconnectTimers.delete(key);
}

/**
 * Stops the countdown to the next automatic reconnect. The attempts start over: a later drop
 * (after reconnecting by hand, say) counts from the first again, with its short delay.
 */
export function cancelAutoReconnect(key: string): void {
  stopReconnectCountdown(key);
  updateTab(key, { reconnectAt: null, reconnectAttempt: 0 });
}
