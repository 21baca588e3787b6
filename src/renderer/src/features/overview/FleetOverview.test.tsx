import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Facets } from '../../../../shared/inventory';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { initialState, resetQueries, useInventoryStore } from '../inventory/inventory-store';
import { FleetOverview } from './FleetOverview';

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
    // The charts measure their box; jsdom has no layout to observe.
    const quiet = (): void => undefined;
    globalThis.ResizeObserver = class {
      observe = quiet;
      unobserve = quiet;
      disconnect = quiet;
    };
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

  it('counts many with separators', () => {
    useInventoryStore.setState({ facets: facetsOf(12_345, 6) });
    render(<FleetOverview />);
    expect(headline()).toBe('12,345 assets across 6 sources');
  });
});
