import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AssetRow } from '../../../shared/inventory';
import type { ProfileView } from '../../../shared/profiles';
import { useInventoryStore } from '../features/inventory/inventory-store';
import { useProfilesStore } from '../features/profiles/profiles-store';
import { setBridge } from '../lib/bridge';
import { installFakeBridge, type BridgeCall } from '../test-support/fake-bridge';
import { useNavStore } from '../stores/nav-store';
import { CommandPalette } from './CommandPalette';

const bastion = {
  id: 'p-ssh',
  name: 'lab-shell',
  folder: 'Berlin',
  tags: ['prod'],
  connection: { kind: 'ssh', host: 'bastion.ber.example.net', port: 22, username: 'ops' },
} as unknown as ProfileView;
const foreman = {
  id: 'p-fm',
  name: 'lab-shell foreman',
  folder: '',
  tags: [],
  connection: { kind: 'foreman', url: 'https://foreman.example.net' },
} as unknown as ProfileView;
const web01 = {
  id: 42,
  kind: 'vm',
  name: 'web01',
  fqdn: 'web01.ber.example.net',
  ips: ['10.16.0.20'],
} as unknown as AssetRow;

describe('the command palette', () => {
  let calls: BridgeCall[] = [];

  beforeAll(() => {
    // cmdk scrolls the selected item into view and watches the list's size; jsdom has no layout.
    Element.prototype.scrollIntoView = () => undefined;
    const quiet = (): void => undefined;
    globalThis.ResizeObserver = class {
      observe = quiet;
      unobserve = quiet;
      disconnect = quiet;
    };
  });
  beforeEach(() => {
    useProfilesStore.setState({ profiles: [], loaded: false });
    calls = installFakeBridge((channel, request) => {
      if (channel === 'profiles:list') return [bastion, foreman];
      if (channel === 'inventory:query') {
        const { query } = request as { query: string };
        const rows = 'web01'.startsWith(query) ? [web01] : [];
        return { rows, total: rows.length, offset: 0, limit: 8, sources: [] };
      }
      return undefined;
    });
    useNavStore.getState().go('patches');
    useNavStore.getState().setPaletteOpen(true);
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('connects to an SSH profile found by its name', async () => {
    render(<CommandPalette />);
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'lab-sh' } });
    const item = await screen.findByTestId('palette-item-connect:p-ssh');
    // The best match is the first item, so Enter runs it, not "Split terminals" (keyword ssh).
    expect(screen.getByTestId('palette-item-terminals:split')).toBeTruthy();
    expect(screen.getAllByRole('option')[0]).toBe(item);
    expect(item.textContent).toContain('ops@bastion.ber.example.net:22');
    // Only SSH profiles open terminals.
    expect(screen.queryByTestId('palette-item-connect:p-fm')).toBeNull();
    fireEvent.click(item);
    expect(useNavStore.getState().section).toBe('terminals');
    expect(useNavStore.getState().paletteOpen).toBe(false);
    await waitFor(() => {
      expect(calls.find((c) => c.channel === 'ssh:open')?.request).toMatchObject({
        profileId: 'p-ssh',
      });
    });
  });

  it('finds assets in the inventory and opens the one chosen', async () => {
    render(<CommandPalette />);
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'web0' } });
    const item = await screen.findByTestId('palette-item-asset:42');
    expect(item.textContent).toContain('web01');
    expect(item.textContent).toContain('web01.ber.example.net');
    fireEvent.click(item);
    expect(useNavStore.getState().section).toBe('inventory');
    expect(useInventoryStore.getState().draft).toBe('web0');
    expect(useInventoryStore.getState().detailId).toBe(42);
  });

  it('says so when nothing matches, and never sends a one-letter search to the inventory', async () => {
    render(<CommandPalette />);
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'z' } });
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'zzqx' } });
    await waitFor(() => {
      expect(calls.some((c) => c.channel === 'inventory:query')).toBe(true);
    });
    expect(await screen.findByText('No matching command, profile or asset.')).toBeTruthy();
    expect(calls.filter((c) => c.channel === 'inventory:query').map((c) => c.request)).toEqual([
      { query: 'zzqx', limit: 8, countLimit: 8 },
    ]);
  });
});
