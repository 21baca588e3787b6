import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Facets } from '../../../../shared/inventory';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { initialState, resetQueries, useInventoryStore } from '../inventory/inventory-store';
import { useNavStore } from '../../stores/nav-store';
import { useProfilesStore } from '../profiles/profiles-store';
import { FleetOverview } from './FleetOverview';
import { installQuietResizeObserver } from '../../test-support/layout';

/** A fleet of `total` assets from the given number of source profiles. */
function facetsOf(total: number, sources: number): Facets {
  return {
    total,
    kind: { vm: total },
    status: { running: total },
    os: { 'Debian 12': total },
    system: { foreman: total },
    missing: {},
    drift: { foreman: 0 },
    withUpdates: 0,
    withSecurityUpdates: 0,
    rebootNeeded: 0,
    sources: Array.from({ length: sources }, () => ({
      system: 'foreman',
      dataFrom: '2026-11-22T10:00:00Z',
      hostFilter: null,
    })),
  } as unknown as Facets;
}

/** The headline as read: the number, then what it counts. */
function headline(): string {
  const total = screen.getByTestId('overview-total');
  return `${total.textContent} ${total.nextElementSibling?.textContent ?? ''}`;
}

describe('FleetOverview', () => {
  beforeAll(() => {
    installQuietResizeObserver();
  });
  beforeEach(() => {
    resetQueries();
    useInventoryStore.setState(initialState);
    // The count of offline assets stays on its way: only the headline is looked at here.
    installFakeBridge(() => undefined);
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('counts one source and one asset in the singular', () => {
    useInventoryStore.setState({ facets: facetsOf(1, 1) });
    render(<FleetOverview />);
    expect(headline()).toBe('1 asset across 1 source');
  });

  it('moves along a bar chart the way its bars are drawn, and lists the bar reached', () => {
    useInventoryStore.setState({
      facets: { ...facetsOf(10, 1), status: { stopped: 3, running: 6, paused: 1 } },
    });
    render(<FleetOverview />);
    const chart = screen.getByRole('listbox', { name: 'By status' });
    /** The bar the keys are on, as a screen reader announces it. */
    const reached = (): string | null | undefined =>
      document.getElementById(chart.getAttribute('aria-activedescendant') ?? '')?.textContent;
    const press = (key: string): void => {
      fireEvent.keyDown(chart, { key });
    };
    // Most first, from the top; the focus starts on the first.
    fireEvent.focus(chart);
    expect(reached()).toBe('running: 6');
    press('ArrowDown');
    expect(reached()).toBe('stopped: 3');
    press('ArrowDown');
    expect(reached()).toBe('paused: 1');
    press('ArrowDown');
    expect(reached()).toBe('paused: 1');
    press('ArrowUp');
    expect(reached()).toBe('stopped: 3');
    press('ArrowLeft');
    expect(reached()).toBe('running: 6');
    press('ArrowRight');
    expect(reached()).toBe('stopped: 3');
    press('End');
    expect(reached()).toBe('paused: 1');
    press('Home');
    press('ArrowDown');
    press('Enter');
    expect(useInventoryStore.getState()).toMatchObject({ tab: 'assets', draft: 'status:stopped' });
  });

  it('shows the ways to a first source instead of empty charts while there is none', () => {
    useInventoryStore.setState({ facets: facetsOf(0, 0) });
    render(<FleetOverview />);
    expect(screen.getByTestId('overview-empty').textContent).toContain('No sources yet');
    expect(screen.queryByTestId('chart-sources')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Add profile' }));
    expect(useNavStore.getState().section).toBe('profiles');
    expect(useProfilesStore.getState().editor).toMatchObject({ mode: 'new' });
    expect(screen.getByRole('button', { name: 'Import manifest' })).toBeTruthy();
  });

  it('counts many with separators', () => {
    useInventoryStore.setState({ facets: facetsOf(12_345, 6) });
    render(<FleetOverview />);
    expect(headline()).toBe('12,345 assets across 6 sources');
  });

  it('gives the ring of sources one tab stop, its named list, and none to the drawing', async () => {
    // A box to draw the charts in: jsdom lays nothing out.
    const box = vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
      width: 400,
      height: 200,
      top: 0,
      left: 0,
      right: 400,
      bottom: 200,
    } as DOMRect);
    try {
      useInventoryStore.setState({
        facets: { ...facetsOf(3, 2), system: { foreman: 2, proxmox: 1 } },
      });
      render(<FleetOverview />);
      const chart = screen.getByTestId('chart-sources');
      await waitFor(() => {
        expect(chart.querySelector('.recharts-pie')).not.toBeNull();
      });
      const stops = Array.from(chart.querySelectorAll('[tabindex]')).filter(
        (el) => Number(el.getAttribute('tabindex')) >= 0,
      );
      expect(stops.map((el) => el.getAttribute('class'))).toEqual(['chart-keys']);
      expect(stops[0]?.getAttribute('role')).toBe('listbox');
    } finally {
      box.mockRestore();
    }
  });
});
