/** What the sync center's tests share: sources, a status, a bridge that answers it, its rows. */
import { screen } from '@testing-library/react';
import type { SourceFreshness, SyncStatus } from '../../../../shared/inventory';
import { createBridge, setBridge } from '../../lib/bridge';
import css from '../../styles.css?raw';
import { initialState, useSyncStore } from './sync-store';

export const source = (profileId: string, profileName: string): SourceFreshness => ({
  profileId,
  profileName,
  system: 'foreman',
  dataFrom: '2026-11-22T11:00:00Z',
  lastStatus: 'ok',
  lastError: null,
  lastAttemptAt: '2026-11-22T10:59:00Z',
  offline: false,
  offlineReason: null,
  running: false,
  intervalMinutes: null,
  hostFilter: null,
  message: 'data from 2026-11-22T11:00:00Z',
});

export const status: SyncStatus = {
  running: false,
  sources: [source('p1', 'foreman-prod'), source('p2', 'foreman-new')],
  lastRuns: [
    {
      profileId: 'p1',
      runId: 7,
      status: 'ok',
      startedAt: '2026-11-22T10:59:00Z',
      finishedAt: '2026-11-22T11:00:00Z',
      durationMs: 12_345,
      fetched: 11_500,
      added: 12,
      changed: 30,
      removed: 3,
      assets: 11_480,
      warnings: [],
    },
  ],
};

/** The sync center's row of profile `name`, once shown. */
export async function row(name: string): Promise<HTMLElement> {
  const rows = await screen.findAllByTestId('sync-row');
  const found = rows.find((r) => r.dataset.profile === name);
  if (!found) throw new Error(`no row for ${name}`);
  return found;
}

/**
 * A bridge whose `sync:status` answers what `current` gives at the time of the call; `emit`
 * sends an event to the listeners the page set up.
 */
export function answeringStatus(current: () => SyncStatus): {
  emit: (name: string, payload: unknown) => void;
} {
  useSyncStore.setState(initialState);
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  setBridge(
    createBridge({
      invoke: (channel) =>
        Promise.resolve(
          channel === 'sync:status'
            ? { ok: true, data: current() }
            : { ok: false, error: { code: 'unknown-channel', message: channel } },
        ),
      on: (name, listener) => {
        const set = listeners.get(name) ?? new Set();
        set.add(listener);
        listeners.set(name, set);
        return () => set.delete(listener);
      },
    }),
  );
  return {
    emit: (name, payload) => {
      for (const listener of listeners.get(name) ?? []) listener(payload);
    },
  };
}

/** The app's stylesheet, added by `withAppStyles` so that a test can read what is painted how. */
let appStyles: HTMLStyleElement | undefined;

export function withAppStyles(): void {
  appStyles = document.createElement('style');
  appStyles.textContent = css;
  document.head.append(appStyles);
}

/** Takes away the stylesheet `withAppStyles` added, if any (after each test). */
export function withoutAppStyles(): void {
  appStyles?.remove();
  appStyles = undefined;
}
