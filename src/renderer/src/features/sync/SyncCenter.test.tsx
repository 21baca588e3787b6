import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceFreshness, SyncStatus } from '../../../../shared/inventory';
import { createBridge, setBridge } from '../../lib/bridge';
import { SyncCenter } from './SyncCenter';
import { initialState, useSyncStore } from './sync-store';

const source = (profileId: string, profileName: string): SourceFreshness => ({
  profileId,
  profileName,
  system: 'foreman',
  dataFrom: '2026-11-22T11:00:00Z',
  lastStatus: 'ok',
  lastError: null,
  lastAttemptAt: '2026-11-22T10:59:00Z',
  offline: false,
  running: false,
  intervalMinutes: null,
  message: 'data from 2026-11-22T11:00:00Z',
});

const status: SyncStatus = {
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
    },
  ],
};

describe('SyncCenter', () => {
  beforeEach(() => {
    useSyncStore.setState(initialState);
    setBridge(
      createBridge({
        invoke: (channel) =>
          Promise.resolve(
            channel === 'sync:status'
              ? { ok: true, data: status }
              : { ok: false, error: { code: 'unknown-channel', message: channel } },
          ),
        on: () => () => undefined,
      }),
    );
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it("shows each source's last sync duration, records fetched and changed, and assets", async () => {
    render(<SyncCenter />);
    const rows = await screen.findAllByTestId('sync-row');
    const prod = rows.find((r) => r.dataset.profile === 'foreman-prod');
    if (!prod) throw new Error('no row for foreman-prod');
    expect(within(prod).getByTestId('sync-duration').textContent).toBe('12.3 s');
    expect(within(prod).getByTestId('sync-records').textContent).toBe((11_500).toLocaleString());
    // Added, changed and removed records together.
    expect(within(prod).getByTestId('sync-changed').textContent).toBe('45');
    expect(within(prod).getByTestId('sync-assets').textContent).toBe((11_480).toLocaleString());
    // A source that never finished a sync has nothing to show yet.
    const fresh = rows.find((r) => r.dataset.profile === 'foreman-new');
    if (!fresh) throw new Error('no row for foreman-new');
    for (const id of ['sync-duration', 'sync-records', 'sync-changed', 'sync-assets']) {
      expect(within(fresh).getByTestId(id).textContent).toBe('—');
    }
  });
});
