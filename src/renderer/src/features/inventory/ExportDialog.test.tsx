import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge, unknownChannel } from '../../test-support/fake-bridge';
import { ExportDialog } from './ExportDialog';
import { initialState, useInventoryStore } from './inventory-store';

const run = () => screen.getByTestId<HTMLButtonElement>('export-run');

describe('the export dialog', () => {
  beforeEach(() => {
    useInventoryStore.setState({ ...initialState, dialog: 'export' });
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('says there is nothing to export when no asset matches, instead of writing an empty file', () => {
    const calls = installFakeBridge(unknownChannel);
    useInventoryStore.setState({ query: 'name:nothing-here', total: 0, totalExact: true });
    render(<ExportDialog />);
    expect(screen.getByTestId('export-nothing').textContent).toContain('No asset matches');
    expect(run().disabled).toBe(true);
    fireEvent.click(run());
    expect(calls).toEqual([]);
  });

  it('exports the selection, whatever the filter matches', async () => {
    const calls = installFakeBridge((channel) =>
      channel === 'inventory:export'
        ? { content: 'id,name\n7,web01\n', fileName: 'rackside-inventory.csv', count: 1 }
        : unknownChannel(channel),
    );
    URL.createObjectURL = () => 'blob:export';
    URL.revokeObjectURL = () => undefined;
    useInventoryStore.setState({ query: 'name:nothing-here', total: 0, selected: new Set([7]) });
    render(<ExportDialog />);
    expect(screen.queryByTestId('export-nothing')).toBeNull();
    await act(async () => {
      fireEvent.click(run());
      await Promise.resolve();
    });
    expect(calls).toEqual([
      { channel: 'inventory:export', request: { target: { ids: [7] }, format: 'csv' } },
    ]);
    expect(screen.getByTestId('export-download').textContent).toContain('rackside-inventory.csv');
    // Choosing the filter instead: it matches nothing, so there is nothing to export.
    fireEvent.click(screen.getByTestId('export-scope-filter'));
    expect(screen.getByTestId('export-nothing')).toBeTruthy();
    expect(run().disabled).toBe(true);
  });

  it('counts what it wrote as people read it: one asset, 12,345 assets', async () => {
    let count = 1;
    installFakeBridge((channel) =>
      channel === 'inventory:export'
        ? { content: 'id,name\n', fileName: 'rackside-inventory.csv', count }
        : unknownChannel(channel),
    );
    URL.createObjectURL = () => 'blob:export';
    URL.revokeObjectURL = () => undefined;
    useInventoryStore.setState({ query: '', total: 12_345, selected: new Set([7]) });
    render(<ExportDialog />);
    await act(async () => {
      fireEvent.click(run());
      await Promise.resolve();
    });
    expect(screen.getByText(/^1 assets?$/).textContent).toBe('1 asset');
    count = 12_345;
    fireEvent.click(screen.getByTestId('export-scope-filter'));
    await act(async () => {
      fireEvent.click(run());
      await Promise.resolve();
    });
    expect(screen.getByText(/^12,?345 assets$/).textContent).toBe('12,345 assets');
  });
});
