import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/inventory';
import { createBridge, setBridge } from '../../lib/bridge';
import { progressBus } from './progress-bus';
import { when } from './staleness';
import { SyncCenter } from './SyncCenter';
import { initialState, useSyncStore } from './sync-store';
import {
  answeringStatus,
  row,
  source,
  status,
  withAppStyles,
  withoutAppStyles,
} from './sync-center-steps';

afterEach(() => {
  cleanup();
  setBridge(undefined);
  withoutAppStyles();
});

describe('SyncCenter', () => {
  beforeEach(() => {
    answeringStatus(() => status);
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

  it('says a source that synced fine but cannot be reached now is unreachable, and why', async () => {
    const reason = 'cannot reach foreman.lab:443: connection refused';
    status.sources[0] = {
      ...source('p1', 'foreman-prod'),
      offline: true,
      offlineReason: reason,
      message: `offline — data from 2026-11-22T11:00:00Z (${reason})`,
    };
    try {
      render(<SyncCenter />);
      const rows = await screen.findAllByTestId('sync-row');
      const prod = rows.find((r) => r.dataset.profile === 'foreman-prod');
      if (!prod) throw new Error('no row for foreman-prod');
      expect(within(prod).getByTestId('sync-state').textContent).toBe('unreachable');
      expect(within(prod).getByTestId('sync-error').textContent).toBe(reason);
      const other = rows.find((r) => r.dataset.profile === 'foreman-new');
      expect(other && within(other).getByTestId('sync-state').textContent).toBe('ok');
    } finally {
      status.sources[0] = source('p1', 'foreman-prod');
    }
  });
});

describe('SyncCenter: the toolbar', () => {
  let current: SyncStatus;
  let channels: string[];
  beforeEach(() => {
    useSyncStore.setState(initialState);
    channels = [];
    setBridge(
      createBridge({
        invoke: (channel) => {
          channels.push(channel);
          return Promise.resolve(
            channel === 'sync:status'
              ? { ok: true, data: current }
              : { ok: false, error: { code: 'unknown-channel', message: channel } },
          );
        },
        on: () => () => undefined,
      }),
    );
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('keeps its buttons in reach while a sync runs, and pressing them then does nothing', async () => {
    current = { ...status, running: true };
    render(<SyncCenter />);
    await screen.findByText('Syncing…');
    const all = screen.getByTestId('sync-all');
    all.focus();
    expect(all.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(all);
    expect(channels).not.toContain('sync:start');
    expect(document.activeElement).toBe(all);
    expect(screen.getByTestId('sync-cancel').getAttribute('aria-disabled')).toBe('false');
  });

  it('says how the last syncs went where a screen reader hears the change', async () => {
    const [ok] = status.lastRuns;
    if (ok === undefined) throw new Error('the fixture has no last run');
    current = {
      ...status,
      lastRuns: [ok, { ...ok, profileId: 'p2', runId: 8, status: 'failed' }],
    };
    render(<SyncCenter />);
    const outcome = await screen.findByTestId('sync-outcome');
    expect(outcome.textContent).toBe(' — Last syncs: 1 ok, 1 failed');
    expect(outcome.closest('[role="status"]')?.textContent).toBe(
      'Idle — Last syncs: 1 ok, 1 failed',
    );
    expect(screen.getByTestId('sync-all').getAttribute('aria-disabled')).toBe('false');
  });
});

describe('SyncCenter: a failed source', () => {
  const reason =
    'cannot reach 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1 — https://127.0.0.1:1/api/v2/hosts?per_page=250';
  beforeEach(() => {
    useSyncStore.setState(initialState);
    const failed: SyncStatus = {
      running: false,
      sources: [
        { ...source('p9', 'broken-foreman'), lastStatus: 'failed', lastError: reason },
        source('p1', 'foreman-prod'),
      ],
      lastRuns: [],
    };
    setBridge(
      createBridge({
        invoke: (channel) =>
          Promise.resolve(
            channel === 'sync:status'
              ? { ok: true, data: failed }
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

  it('shows the error once, in its row, with the whole text as the cell title', async () => {
    const event = {
      profileName: 'broken-foreman',
      system: 'foreman' as const,
      phase: 'hosts',
      done: 0,
      total: null,
      records: 0,
    };
    render(<SyncCenter />);
    const rows = await screen.findAllByTestId('sync-row');
    const broken = rows.find((r) => r.dataset.profile === 'broken-foreman');
    if (!broken) throw new Error('no row for broken-foreman');
    progressBus.publish({ ...event, runId: 41, profileId: 'p9', state: 'failed', error: reason });
    await waitFor(() => {
      expect(within(broken).getByTestId('sync-progress-label').textContent).toBe('failed');
    });
    const cell = within(broken).getByTestId('sync-error');
    expect(within(cell).getByTestId('sync-error-text').textContent).toBe(reason);
    expect(cell.getAttribute('title')).toBe(reason);
    expect(document.body.textContent.split(reason)).toHaveLength(2);
    // Short enough to show whole, and it asks nothing of the profile.
    expect(within(cell).queryByTestId('sync-error-toggle')).toBeNull();
    expect(within(cell).queryByTestId('sync-edit-profile')).toBeNull();
    expect(
      within(rows[1] ?? broken)
        .getByTestId('sync-error')
        .hasAttribute('title'),
    ).toBe(false);
  });

  it('counts one record in the singular', async () => {
    render(<SyncCenter />);
    const rows = await screen.findAllByTestId('sync-row');
    const prod = rows.find((r) => r.dataset.profile === 'foreman-prod');
    if (!prod) throw new Error('no row for foreman-prod');
    const ok = {
      runId: 42,
      profileId: 'p1',
      profileName: 'foreman-prod',
      system: 'foreman' as const,
      state: 'ok' as const,
      phase: 'done',
      done: 1,
      total: 1,
      error: null,
    };
    progressBus.publish({ ...ok, records: 1 });
    await waitFor(() => {
      expect(within(prod).getByTestId('sync-progress-label').textContent).toBe('ok — 1 record');
    });
    progressBus.publish({ ...ok, runId: 43, records: 2 });
    await waitFor(() => {
      expect(within(prod).getByTestId('sync-progress-label').textContent).toBe('ok — 2 records');
    });
  });
});

describe("SyncCenter: a failed sync's progress bar", () => {
  it('is empty and dimmed when the sync fails, as the page shows it after a reload', async () => {
    const lab = { ...source('p-lab', 'foreman-lab'), lastStatus: 'failed' as const };
    answeringStatus(() => ({ running: false, sources: [lab], lastRuns: [] }));
    withAppStyles();
    render(<SyncCenter />);
    const bar = within(await row('foreman-lab')).getByTestId('sync-progress');
    const looks = () => {
      const fill = bar.querySelector<HTMLElement>('.progress-fill');
      const track = bar.querySelector<HTMLElement>('.progress-track');
      if (!fill || !track) throw new Error('no fill or track in the progress bar');
      return { width: fill.style.width, opacity: getComputedStyle(track).opacity };
    };
    // No progress seen since the page loaded: what a reload shows.
    const reloaded = looks();
    expect(reloaded).toEqual({ width: '0%', opacity: '0.5' });

    progressBus.publish({
      runId: 51,
      profileId: 'p-lab',
      profileName: 'foreman-lab',
      system: 'foreman',
      state: 'failed',
      phase: 'hosts',
      done: 2,
      total: 8,
      records: 0,
      error: 'Foreman 127.0.0.1:1: connection refused',
    });
    await waitFor(() => {
      expect(bar.dataset.state).toBe('failed');
    });
    expect(looks()).toEqual(reloaded);
    expect(bar.getAttribute('aria-valuenow')).toBe('0');
  });
});

describe('SyncCenter: a sync that did not finish', () => {
  const kept = '2026-11-22T11:00:00Z';
  beforeEach(() => {
    useSyncStore.setState(initialState);
    const lastRun = (profileId: string, runStatus: 'failed' | 'cancelled') => ({
      profileId,
      runId: 9,
      status: runStatus,
      startedAt: '2026-11-23T08:00:00Z',
      finishedAt: '2026-11-23T08:00:02Z',
      durationMs: 2_000,
      fetched: 0,
      added: 0,
      changed: 0,
      removed: 0,
      assets: 276,
      warnings: [],
    });
    const unfinished: SyncStatus = {
      running: false,
      sources: [
        {
          ...source('p1', 'foreman-prod'),
          lastStatus: 'failed',
          lastError: 'Foreman 127.0.0.1:1: connection refused',
          offline: true,
          offlineReason: 'Foreman 127.0.0.1:1: connection refused',
        },
        {
          ...source('p2', 'pve-prod'),
          system: 'proxmox',
          lastStatus: 'cancelled',
          lastError: 'The sync was cancelled.',
        },
        {
          ...source('p3', 'pm-new'),
          system: 'patchmon',
          dataFrom: null,
          lastStatus: 'failed',
          lastError: 'PatchMon: 401',
        },
      ],
      lastRuns: [lastRun('p1', 'failed'), lastRun('p2', 'cancelled'), lastRun('p3', 'failed')],
    };
    setBridge(
      createBridge({
        invoke: (channel) =>
          Promise.resolve(
            channel === 'sync:status'
              ? { ok: true, data: unfinished }
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

  it('says the data of the last good sync is kept, and counts no records it never wrote', async () => {
    render(<SyncCenter />);
    for (const name of ['foreman-prod', 'pve-prod']) {
      const shown = await row(name);
      expect(within(shown).getByTestId('sync-kept').textContent).toBe(
        `The data from ${when(kept)} is kept.`,
      );
      // Not "0 fetched, 0 changed": the source was not read to the end.
      expect(within(shown).getByTestId('sync-records').textContent).toBe('—');
      expect(within(shown).getByTestId('sync-changed').textContent).toBe('—');
      expect(within(shown).getByTestId('sync-assets').textContent).toBe('276');
    }
    expect(within(await row('pm-new')).getByTestId('sync-kept').textContent).toBe(
      'No data from this source yet.',
    );
    // The time column is the age of the data held, not of the failed attempt.
    expect(screen.getByRole('columnheader', { name: 'Data from' }).title).toMatch(
      /last sync that succeeded/,
    );
  });

  it('says a cancel the user asked for in the muted text, and a failure in the error colour', async () => {
    withAppStyles();
    render(<SyncCenter />);
    const cancelled = within(await row('pve-prod')).getByTestId('sync-error-text');
    expect(cancelled.textContent).toBe('The sync was cancelled.');
    expect(getComputedStyle(cancelled).color).toBe('var(--fg-muted)');
    for (const name of ['foreman-prod', 'pm-new']) {
      const failed = within(await row(name)).getByTestId('sync-error-text');
      expect(getComputedStyle(failed).color).toBe('var(--danger)');
    }
  });
});
