import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { useNavStore } from '../../stores/nav-store';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { useProfilesStore } from '../profiles/profiles-store';
import { useSyncStore } from '../sync/sync-store';
import { AssetsView } from './AssetsView';
import { initialState, resetQueries, useInventoryStore } from './inventory-store';

describe('the assets of a fresh data folder', () => {
  beforeEach(() => {
    resetQueries();
    useInventoryStore.setState(initialState);
    installFakeBridge((channel, request) => {
      if (channel !== 'inventory:query') return undefined;
      const { offset, limit } = request as { offset: number; limit: number };
      return { rows: [], total: 0, totalExact: true, offset, limit, sources: [] };
    });
    useSyncStore.setState({ status: { sources: [] } as never });
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    useSyncStore.setState({ status: undefined });
  });

  it('offers to add a profile or import a manifest', async () => {
    useInventoryStore.getState().open();
    render(<AssetsView />);
    await screen.findByTestId('inventory-empty');
    fireEvent.click(screen.getByRole('button', { name: 'Import manifest' }));
    expect(useNavStore.getState().section).toBe('profiles');
    expect(useProfilesStore.getState().dialog).toEqual({ type: 'import' });
    fireEvent.click(screen.getByRole('button', { name: 'Add profile' }));
    expect(useProfilesStore.getState().editor).toMatchObject({ mode: 'new' });
  });
});
