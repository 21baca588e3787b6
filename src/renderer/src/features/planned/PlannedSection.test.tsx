import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InventoryQuery } from '../../../../shared/inventory';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge, unknownChannel, type BridgeCall } from '../../test-support/fake-bridge';
import { useNavStore } from '../../stores/nav-store';
import { useInventoryStore } from '../inventory/inventory-store';
import { PlannedSection } from './PlannedSection';

describe('PlannedSection', () => {
  let calls: BridgeCall[] = [];
  beforeEach(() => {
    useNavStore.getState().go('patches');
    calls = installFakeBridge(unknownChannel);
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('sends the patches section to the inventory searches that hold patch status', async () => {
    render(<PlannedSection id="patches" />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Patches');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe(
      'Patch status is in the inventory',
    );
    fireEvent.click(screen.getByRole('button', { name: /Security updates/ }));
    expect(useNavStore.getState().section).toBe('inventory');
    expect(useInventoryStore.getState().draft).toBe('security>0');
    await waitFor(() => {
      expect(
        calls.map((c) => c.channel === 'inventory:query' && (c.request as InventoryQuery).query),
      ).toContain('security>0');
    });
  });

  it('keeps the plain placeholder for sections with nothing to stand in', () => {
    render(<PlannedSection id="enroll" />);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('No enrollment wizards yet');
    expect(screen.queryByRole('button')).toBeNull();
  });
});
