import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriftPage, Facets } from '../../../../shared/inventory';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge, unknownChannel } from '../../test-support/fake-bridge';
import { initialState, resetQueries, useInventoryStore } from '../inventory/inventory-store';
import { useNavStore } from '../../stores/nav-store';
import { useProfilesStore } from '../profiles/profiles-store';
import { DriftView } from './DriftView';
import { when } from '../sync/staleness';

/** Facets of a fleet in Foreman, Proxmox VE and RouterOS: 3 routers, 2 guests not in Proxmox. */
const facets = {
  total: 40,
  system: { foreman: 37, proxmox: 20, routeros: 3 },
  missing: { foreman: 3, proxmox: 20, patchmon: 40, routeros: 37 },
  // Routers are never expected in Foreman; of the 20 assets not in Proxmox, 2 are guests.
  drift: { foreman: 0, proxmox: 2, patchmon: 0, routeros: 0 },
  sources: (['foreman', 'proxmox', 'routeros'] as const).map((system) => ({
    system,
    profileName: system,
    dataFrom: '2026-11-22T10:00:00Z',
    hostFilter: null,
  })),
} as unknown as Facets;

function core(page: DriftPage): void {
  installFakeBridge((channel) => {
    if (channel === 'inventory:drift') return page;
    return unknownChannel(channel);
  });
  useInventoryStore.setState({ facets });
  render(<DriftView />);
}

describe('DriftView', () => {
  beforeEach(() => {
    resetQueries();
    useInventoryStore.setState(initialState);
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('offers no RouterOS filters: RouterOS knows its routers only, and only it knows them', async () => {
    core({ items: [], total: 0 });
    await screen.findByTestId('drift-empty');
    const filters = screen.getAllByTestId('drift-filter').map((b) => b.textContent.trim());
    expect(filters).toContain('Not in Foreman (0)');
    expect(filters).toContain('Not in Proxmox VE (2)');
    expect(filters.filter((f) => f.includes('RouterOS'))).toEqual([]);
  });

  it('counts and filters drift by the list’s own rule, not by every asset a system lacks', async () => {
    core({ items: [], total: 0 });
    await screen.findByTestId('drift-empty');
    const proxmox = screen
      .getAllByTestId('drift-filter')
      .find((b) => b.textContent.includes('Not in Proxmox VE'));
    proxmox?.click();
    expect(useInventoryStore.getState().draft).toBe('drift:proxmox');
  });

  it('says why nothing counts as missing from a system whose profiles sync a filter’s hosts', async () => {
    const filtered = {
      ...facets,
      sources: [
        { system: 'foreman', dataFrom: '2026-11-22T10:00:00Z', hostFilter: 'hostgroup ~ web' },
        { system: 'proxmox', dataFrom: '2026-11-22T10:00:00Z', hostFilter: null },
      ],
    } as unknown as Facets;
    installFakeBridge((channel) =>
      channel === 'inventory:drift' ? { items: [], total: 0 } : unknownChannel(channel),
    );
    useInventoryStore.setState({ facets: filtered });
    render(<DriftView />);
    expect((await screen.findByTestId('drift-filtered')).textContent).toBe(
      'Foreman syncs only the hosts of its profiles’ host filters (hostgroup ~ web), so no asset counts as missing from it.',
    );
    const filters = screen.getAllByTestId('drift-filter').map((b) => b.textContent.trim());
    // Nothing is missing from Foreman; what Foreman knows can still be missing elsewhere.
    expect(filters.filter((f) => /not in Foreman/i.test(f))).toEqual([]);
    expect(filters).toContain('Not in Proxmox VE (2)');
    expect(filters).toContain('In Foreman, not in Proxmox VE');
  });

  it('says why nothing counts as missing from a system with a profile that never synced', async () => {
    const waiting = {
      ...facets,
      sources: [
        { system: 'foreman', dataFrom: '2026-11-22T10:00:00Z', hostFilter: null },
        {
          system: 'proxmox',
          profileName: 'pve-ber',
          dataFrom: '2026-11-22T10:00:00Z',
          hostFilter: null,
        },
        { system: 'proxmox', profileName: 'pve-fra', dataFrom: null, hostFilter: null },
      ],
    } as unknown as Facets;
    installFakeBridge((channel) =>
      channel === 'inventory:drift' ? { items: [], total: 0 } : unknownChannel(channel),
    );
    useInventoryStore.setState({ facets: waiting });
    render(<DriftView />);
    expect((await screen.findByTestId('drift-waiting')).textContent).toBe(
      '“pve-fra” has never synced, so no asset counts as missing from Proxmox VE until it has.',
    );
    const filters = screen.getAllByTestId('drift-filter').map((b) => b.textContent.trim());
    expect(filters.filter((f) => /not in Proxmox VE/i.test(f))).toEqual([]);
    expect(filters).toContain('Not in Foreman (0)');
  });

  it('says there is no drift instead of an empty table with "0 assets are missing"', async () => {
    core({ items: [], total: 0 });
    expect((await screen.findByTestId('drift-empty')).textContent).toContain('No drift');
    expect(screen.queryByTestId('drift-total')).toBeNull();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('says there is nothing to compare until a source is added and synced, with the ways to add one', async () => {
    installFakeBridge((channel) =>
      channel === 'inventory:drift' ? { items: [], total: 0 } : unknownChannel(channel),
    );
    useInventoryStore.setState({ facets: { ...facets, total: 0, system: {}, sources: [] } });
    render(<DriftView />);
    const empty = await screen.findByTestId('drift-empty');
    expect(empty.textContent).toContain('Nothing to compare yet');
    expect(empty.textContent).not.toContain('No drift');
    expect(empty.textContent).not.toContain('Every asset is known');
    fireEvent.click(screen.getByRole('button', { name: 'Import manifest' }));
    expect(useNavStore.getState().section).toBe('profiles');
    expect(useProfilesStore.getState().dialog).toEqual({ type: 'import' });
    expect(screen.getByRole('button', { name: 'Add profile' })).toBeTruthy();
  });

  it('counts one asset in the singular', async () => {
    core({
      items: [
        {
          assetId: 7,
          name: 'web01',
          kind: 'vm',
          presentIn: ['foreman'],
          missingFrom: ['proxmox'],
          reason: 'vm known to Foreman unknown to Proxmox VE',
        },
      ],
      total: 1,
    });
    expect((await screen.findByTestId('drift-total')).textContent).toBe(
      '1 asset is missing from a system that should know it.',
    );
  });

  it('writes the times in a reason as local dates, not as ISO text', async () => {
    const at = '2026-11-04T16:00:00.000Z';
    core({
      items: [
        {
          assetId: 9,
          name: 'old01',
          kind: 'vm',
          presentIn: ['patchmon'],
          missingFrom: ['foreman', 'proxmox'],
          reason: `only PatchMon lists it, last report ${at}: probably decommissioned`,
        },
      ],
      total: 1,
    });
    const row = await screen.findByTestId('drift-item');
    expect(row.textContent).not.toContain(at);
    expect(row.textContent).toContain(`last report ${when(at)}: probably decommissioned`);
  });

  it('shows more of a long list page by page to its end, beyond the 500 of one request', async () => {
    const total = 650;
    const item = (i: number): DriftPage['items'][number] => ({
      assetId: i + 1,
      name: `guest${String(i + 1).padStart(3, '0')}`,
      kind: 'vm',
      presentIn: ['proxmox'],
      missingFrom: ['foreman'],
      reason: 'Proxmox guest unknown to Foreman',
    });
    installFakeBridge((channel, request) => {
      if (channel !== 'inventory:drift') return unknownChannel(channel);
      const { offset, limit } = request as { offset: number; limit: number };
      const end = Math.min(total, offset + limit);
      return { items: Array.from({ length: end - offset }, (_, i) => item(offset + i)), total };
    });
    useInventoryStore.setState({ facets });
    render(<DriftView />);
    expect(await screen.findAllByTestId('drift-item')).toHaveLength(100);
    for (let shown = 200; shown <= 700; shown += 100) {
      await act(async () => {
        const more = screen.getByText('Show more');
        more.focus();
        fireEvent.click(more);
        for (let i = 0; i < 10; i++) await Promise.resolve();
      });
      // However many turns the page's answer takes on a busy machine: rendering a hundred more
      // rows there took longer than the one second `waitFor` allows by default.
      await waitFor(
        () => {
          expect(screen.getAllByTestId('drift-item')).toHaveLength(Math.min(shown, total));
          // The keys go on at the first asset the button brought, also once the button is gone.
          expect(document.activeElement?.textContent).toBe(
            `guest${String(shown - 99).padStart(3, '0')}`,
          );
        },
        { timeout: 10_000 },
      );
    }
    expect(screen.getAllByTestId('drift-item').at(-1)?.dataset.name).toBe('guest650');
    expect(screen.queryByText('Show more')).toBeNull();
  }, 60_000);
});
