import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceFreshness, SourceSystem } from '../../../../shared/inventory';
import { StaleBanner } from './StaleBanner';
import { when } from './staleness';
import { initialState, useSyncStore } from './sync-store';

const offline = (name: string, system: SourceSystem, dataFrom: string): SourceFreshness => ({
  profileId: name,
  profileName: name,
  system,
  dataFrom,
  lastStatus: 'ok',
  lastError: null,
  lastAttemptAt: dataFrom,
  offline: true,
  offlineReason: `cannot reach ${name}:443: connection refused`,
  running: false,
  intervalMinutes: null,
  hostFilter: null,
  message: `offline — data from ${dataFrom}`,
});

const show = (sources: SourceFreshness[]): void => {
  useSyncStore.setState({ status: { running: false, sources, lastRuns: [] } });
  render(<StaleBanner />);
};

describe('StaleBanner', () => {
  beforeEach(() => {
    useSyncStore.setState(initialState);
  });
  afterEach(cleanup);

  it('lists a few offline sources with why, each on its own', () => {
    show([
      offline('fm', 'foreman', '2026-11-22T11:00:00Z'),
      offline('pm', 'patchmon', '2026-11-22T10:00:00Z'),
    ]);
    expect(screen.getByText('Offline — showing stored data.')).toBeTruthy();
    const items = screen.getAllByTestId('stale-source');
    expect(items.map((li) => li.getAttribute('data-profile'))).toEqual(['fm', 'pm']);
    expect(items[0]?.getAttribute('title')).toBe('cannot reach fm:443: connection refused');
    expect(screen.queryByTestId('stale-summary')).toBeNull();
  });

  it('says how many of the sources are offline when others still answer', () => {
    const fresh = new Date().toISOString();
    show([
      offline('pm', 'patchmon', '2026-11-22T10:00:00Z'),
      {
        ...offline('fm', 'foreman', fresh),
        offline: false,
        offlineReason: null,
        message: `data from ${fresh}`,
      },
    ]);
    expect(screen.getByText('1 of 2 sources offline — showing their stored data.')).toBeTruthy();
    expect(screen.getAllByTestId('stale-source').map((li) => li.dataset.profile)).toEqual(['pm']);
  });

  it('says a source that answered but failed to sync failed, not that it is unreachable', () => {
    const fresh = new Date().toISOString();
    show([
      {
        ...offline('fm', 'foreman', '2026-11-22T10:00:00Z'),
        lastStatus: 'failed',
        offlineKind: 'failed',
        offlineReason: 'Foreman GET /hosts/15: the answer is not valid JSON',
      },
      {
        ...offline('pm', 'patchmon', fresh),
        offline: false,
        offlineReason: null,
        message: `data from ${fresh}`,
      },
    ]);
    expect(
      screen.getByText('1 of 2 sources failed to sync — showing its stored data.'),
    ).toBeTruthy();
    const [item] = screen.getAllByTestId('stale-source');
    expect(item?.textContent).toContain('sync failed, data from');
    expect(item?.textContent).not.toContain('unreachable');
  });

  it('says an unreachable source that never synced has no data yet, not "data from never"', () => {
    show([
      { ...offline('pm', 'patchmon', '2026-11-22T10:00:00Z'), dataFrom: null },
      offline('fm', 'foreman', '2026-11-22T11:00:00Z'),
    ]);
    const [pm, fm] = screen.getAllByTestId('stale-source');
    expect(pm?.textContent).toBe('pm (PatchMon) unreachable, no data yet');
    expect(fm?.textContent).toBe(
      `fm (Foreman) unreachable, data from ${when('2026-11-22T11:00:00Z')}`,
    );
  });

  it('does not claim to show stored data of offline sources that never stored any', () => {
    const fresh = new Date().toISOString();
    show([
      { ...offline('fm', 'foreman', fresh), dataFrom: null, lastAttemptAt: fresh },
      { ...offline('pm', 'patchmon', fresh), offline: false },
    ]);
    expect(
      screen.getByText('1 of 2 sources offline — nothing from it is stored yet.'),
    ).toBeTruthy();
    cleanup();

    show([
      { ...offline('fm', 'foreman', fresh), dataFrom: null },
      { ...offline('pm', 'patchmon', fresh), dataFrom: null },
    ]);
    expect(screen.getByText('Offline — nothing is stored yet.')).toBeTruthy();
    cleanup();

    show([
      { ...offline('fm', 'foreman', fresh), dataFrom: null, offlineKind: 'failed' },
      { ...offline('pm', 'patchmon', fresh), offline: false },
    ]);
    expect(
      screen.getByText('1 of 2 sources failed to sync — nothing from it is stored yet.'),
    ).toBeTruthy();
  });

  it('sums up many in one line and lists them on request', () => {
    show([
      offline('fm', 'foreman', '2026-11-22T11:00:00Z'),
      offline('pve-a', 'proxmox', '2026-11-22T09:00:00Z'),
      offline('pve-b', 'proxmox', '2026-11-22T11:00:00Z'),
      ...['r1', 'r2', 'r3'].map((r) => offline(r, 'routeros', '2026-11-22T11:00:00Z')),
    ]);
    const line = screen.getByTestId('stale-summary').textContent;
    expect(line).toMatch(
      /^6 sources unreachable \(Foreman, 2 Proxmox VE, 3 RouterOS\), data from /,
    );
    expect(line).toContain(`data from ${when('2026-11-22T09:00:00Z')} or later`);
    expect(screen.queryAllByTestId('stale-source')).toHaveLength(0);
    const toggle = screen.getByRole('button', { name: 'Show sources' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(screen.getAllByTestId('stale-source')).toHaveLength(6);
    fireEvent.click(screen.getByRole('button', { name: 'Hide sources' }));
    expect(screen.queryAllByTestId('stale-source')).toHaveLength(0);
  });

  it('does not call sources offline while they sync, and takes each off as its sync ends', () => {
    const fresh = new Date().toISOString();
    const routers = ['r1', 'r2', 'r3', 'r4'].map((r) => ({
      ...offline(r, 'routeros', '2026-11-22T11:00:00Z'),
      lastStatus: 'failed' as const,
      running: true,
    }));
    const patchmon = {
      ...offline('pm', 'patchmon', fresh),
      offline: false,
      offlineReason: null,
      message: `data from ${fresh}`,
    };
    show([patchmon, ...routers]);
    expect(screen.getByTestId('stale-banner').textContent).toContain(
      'Syncing 4 sources — showing their stored data until each sync ends.',
    );
    expect(screen.getByTestId('stale-banner').textContent).not.toContain('offline');
    expect(screen.getByTestId('stale-summary').textContent).toMatch(
      /^4 sources syncing now \(4 RouterOS\), data from /,
    );
    // r1 synced; r2 failed again and is offline; r3 and r4 still sync.
    const [r1, r2, r3, r4] = routers;
    act(() => {
      useSyncStore.setState({
        status: {
          running: true,
          sources: [
            patchmon,
            {
              ...r1!,
              running: false,
              lastStatus: 'ok',
              dataFrom: fresh,
              offline: false,
              offlineReason: null,
            },
            { ...r2!, running: false },
            r3!,
            r4!,
          ],
          lastRuns: [],
        },
      });
    });
    expect(screen.getByTestId('stale-banner').textContent).toContain(
      '1 of 5 sources offline — showing their stored data. 2 syncing now.',
    );
    const items = screen.getAllByTestId('stale-source');
    expect(items.map((li) => li.textContent)).toEqual([
      `r2 (RouterOS) unreachable, data from ${when('2026-11-22T11:00:00Z')}`,
      `r3 (RouterOS) syncing now, data from ${when('2026-11-22T11:00:00Z')}`,
      `r4 (RouterOS) syncing now, data from ${when('2026-11-22T11:00:00Z')}`,
    ]);
  });
});
