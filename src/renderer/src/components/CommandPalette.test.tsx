import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AssetRow } from '../../../shared/inventory';
import type { ProfileView } from '../../../shared/profiles';
import { useInventoryStore } from '../features/inventory/inventory-store';
import { useProfilesStore } from '../features/profiles/profiles-store';
import { defaultSettings } from '../../../shared/settings';
import { useSettingsStore } from '../stores/settings-store';
import { setBridge } from '../lib/bridge';
import { installFakeBridge, type BridgeCall } from '../test-support/fake-bridge';
import {
  initialState as terminalsInitial,
  useTerminalsStore,
} from '../features/terminals/terminals-store';
import { openTab } from '../test-support/terminal-tabs';
import { useNavStore } from '../stores/nav-store';
import { CommandPalette } from './CommandPalette';
import { installQuietResizeObserver } from '../test-support/layout';

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
const router = {
  id: '9d1b0c2e-4f00-4a5e-8c11-000000000007',
  name: 'rtr-ams-01',
  folder: '',
  tags: ['db02-backup'],
  connection: { kind: 'ssh', host: '127.0.0.1', port: 2222, username: 'admin' },
} as unknown as ProfileView;
const db02 = {
  id: 7,
  kind: 'vm',
  name: 'db02',
  fqdn: 'db02.ams.example.net',
  ips: ['10.16.0.31'],
} as unknown as AssetRow;
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
    installQuietResizeObserver();
  });
  beforeEach(() => {
    useProfilesStore.setState({ profiles: [], loaded: false });
    calls = installFakeBridge((channel, request) => {
      if (channel === 'profiles:list') return [bastion, foreman, router];
      if (channel === 'inventory:query') {
        const { query } = request as { query: string };
        const rows = [web01, db02].filter((row) => row.name.startsWith(query));
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
    useSettingsStore.setState({ settings: undefined });
    useTerminalsStore.setState(terminalsInitial);
  });

  it('connects to an SSH profile found by its name', async () => {
    // A terminal open, so that "Split terminals" is among the commands.
    useTerminalsStore.setState({
      tabs: [openTab('t1', { kind: 'quick', user: 'ops', host: 'a', port: 22 })],
    });
    render(<CommandPalette />);
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'lab-sh' } });
    const item = await screen.findByTestId('palette-item-connect:p-ssh');
    // The best match is the first item, so Enter runs it; "Split terminals", whose keyword ssh
    // holds an s and an h, is not offered for scattered letters.
    expect(screen.queryByTestId('palette-item-terminals:split')).toBeNull();
    expect(screen.getAllByRole('option')[0]).toBe(item);
    expect(item.textContent).toContain('ops@bastion.ber.example.net:22');
    // Only SSH profiles open terminals.
    expect(screen.queryByTestId('palette-item-connect:p-fm')).toBeNull();
    fireEvent.click(item);
    expect(useNavStore.getState().paletteOpen).toBe(false);
    // The command runs once the palette has gone.
    await waitFor(() => {
      expect(useNavStore.getState().section).toBe('terminals');
    });
    await waitFor(() => {
      expect(calls.find((c) => c.channel === 'ssh:open')?.request).toMatchObject({
        profileId: 'p-ssh',
      });
    });
  });

  it('finds assets in the inventory and opens the one chosen, leaving the search there as it was', async () => {
    useInventoryStore.getState().applyQuery('updates>0');
    // Looking at the Overview: the asset opens beside the table all the same.
    useInventoryStore.getState().setTab('overview');
    render(<CommandPalette />);
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'web0' } });
    const item = await screen.findByTestId('palette-item-asset:42');
    expect(item.textContent).toContain('web01');
    expect(item.textContent).toContain('web01.ber.example.net');
    fireEvent.click(item);
    await waitFor(() => {
      expect(useNavStore.getState().section).toBe('inventory');
    });
    expect(useInventoryStore.getState().detailId).toBe(42);
    expect(useInventoryStore.getState().tab).toBe('assets');
    expect(useInventoryStore.getState().draft).toBe('updates>0');
    expect(useInventoryStore.getState().query).toBe('updates>0');
  });

  it('lists the asset at the address typed first, and offers all matches in the inventory', async () => {
    const near = Array.from({ length: 9 }, (_, n) => ({
      id: 100 + n,
      kind: 'vm',
      name: `app-${String(n)}`,
      fqdn: null,
      ips: [`10.16.16.1${String(10 + n)}`],
    })) as unknown as AssetRow[];
    const router = {
      id: 5,
      kind: 'router',
      name: 'rtr-ber-05',
      fqdn: null,
      ips: ['10.16.16.1'],
    } as unknown as AssetRow;
    const fleet = [...near, router];
    calls = installFakeBridge((channel, request) => {
      if (channel === 'profiles:list') return [];
      if (channel !== 'inventory:query') return undefined;
      const { query, limit } = request as { query: string; limit: number };
      const ip = /^ip:(.*)$/.exec(query);
      const rows = ip
        ? fleet.filter((row) => row.ips.includes(ip[1] ?? ''))
        : /^(name|fqdn)=/.test(query)
          ? []
          : // Free text: every address with a word starting so, in name order.
            fleet.filter((row) => row.ips.some((a) => a.startsWith(query))).slice(0, limit);
      return { rows, total: rows.length, offset: 0, limit, sources: [] };
    });
    render(<CommandPalette />);
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: '10.16.16.1' } });
    const item = await screen.findByTestId('palette-item-asset:5');
    const options = screen.getAllByRole('option');
    expect(options[0]).toBe(item);
    expect(item.getAttribute('aria-selected')).toBe('true');
    const all = screen.getByTestId('palette-item-asset-search');
    expect(all.textContent).toContain('Show all matches in the inventory');
    fireEvent.click(all);
    await waitFor(() => {
      expect(useNavStore.getState().section).toBe('inventory');
    });
    expect(useInventoryStore.getState().tab).toBe('assets');
    expect(useInventoryStore.getState().draft).toBe('10.16.16.1');
  });

  it('runs the asset typed for on Enter, also when the inventory answers after the list was drawn', async () => {
    render(<CommandPalette />);
    const input = screen.getByTestId('palette-input');
    fireEvent.change(input, { target: { value: 'db02' } });
    // Before the inventory answers, the router whose tag holds the text is the best match.
    await waitFor(() => {
      const router = screen.getByTestId(
        'palette-item-connect:9d1b0c2e-4f00-4a5e-8c11-000000000007',
      );
      expect(router.getAttribute('aria-selected')).toBe('true');
    });
    const asset = await screen.findByTestId('palette-item-asset:7');
    await waitFor(() => {
      expect(asset.getAttribute('aria-selected')).toBe('true');
    });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => {
      expect(useNavStore.getState().section).toBe('inventory');
    });
    expect(useInventoryStore.getState().detailId).toBe(7);
    expect(calls.some((c) => c.channel === 'ssh:open')).toBe(false);
  });

  it('keeps a choice made with the arrow keys when the inventory answers', async () => {
    render(<CommandPalette />);
    const input = screen.getByTestId('palette-input');
    fireEvent.change(input, { target: { value: 'db02' } });
    await screen.findByTestId('palette-item-connect:9d1b0c2e-4f00-4a5e-8c11-000000000007');
    fireEvent.keyDown(input, { key: 'End' });
    const chosen = screen.getAllByRole('option').at(-1);
    await screen.findByTestId('palette-item-asset:7');
    expect(chosen?.getAttribute('aria-selected')).toBe('true');
  });

  it('does not offer a profile for letters that only its id or addresses hold in order', async () => {
    render(<CommandPalette />);
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'd1b0' } });
    await waitFor(() => {
      expect(calls.some((c) => c.channel === 'inventory:query')).toBe(true);
    });
    expect(await screen.findByText('No matching command, profile or asset.')).toBeTruthy();
  });

  it('offers splitting the terminals only with a terminal open', async () => {
    render(<CommandPalette />);
    const input = screen.getByTestId('palette-input');
    fireEvent.change(input, { target: { value: 'split terminals' } });
    expect(await screen.findByText('No matching command, profile or asset.')).toBeTruthy();
    cleanup();
    useTerminalsStore.setState({
      tabs: [openTab('t1', { kind: 'quick', user: 'ops', host: 'a', port: 22 })],
    });
    render(<CommandPalette />);
    fireEvent.change(screen.getByTestId('palette-input'), {
      target: { value: 'split terminals' },
    });
    expect(await screen.findByTestId('palette-item-terminals:split')).toBeTruthy();
  });

  it('moves a page of items at a time with PageDown and PageUp', async () => {
    render(<CommandPalette />);
    const input = screen.getByTestId('palette-input');
    await screen.findByTestId('palette-item-connect:p-ssh');
    const selected = (): number =>
      screen.getAllByRole('option').findIndex((o) => o.getAttribute('aria-selected') === 'true');
    expect(selected()).toBe(0);
    fireEvent.keyDown(input, { key: 'PageDown' });
    await waitFor(() => {
      expect(selected()).toBe(8);
    });
    fireEvent.keyDown(input, { key: 'PageUp' });
    await waitFor(() => {
      expect(selected()).toBe(0);
    });
  });

  it('says so when nothing matches, and never sends a one-letter search to the inventory', async () => {
    render(<CommandPalette />);
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'z' } });
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'zzqx' } });
    await waitFor(() => {
      expect(calls.some((c) => c.channel === 'inventory:query')).toBe(true);
    });
    expect(await screen.findByText('No matching command, profile or asset.')).toBeTruthy();
    const searched = calls.filter((c) => c.channel === 'inventory:query').map((c) => c.request);
    expect(searched).toContainEqual({ query: 'zzqx', limit: 8, countLimit: 8 });
    expect(searched.every((r) => (r as { query: string }).query.includes('zzqx'))).toBe(true);
  });

  it('shows the assets of a saved search chosen by its name', async () => {
    useSettingsStore.setState({
      settings: {
        ...defaultSettings,
        savedSearches: [{ name: 'Needs reboot', query: 'reboot:yes' }],
      },
    });
    useInventoryStore.getState().setTab('drift');
    render(<CommandPalette />);
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'Needs reboot' } });
    const item = await screen.findByRole('option', { name: /Search: Needs reboot/ });
    expect(item.textContent).toContain('reboot:yes');
    expect(screen.queryByText('No matching command, profile or asset.')).toBeNull();
    fireEvent.keyDown(screen.getByTestId('palette-input'), { key: 'Enter' });
    await waitFor(() => {
      expect(useNavStore.getState().section).toBe('inventory');
    });
    expect(useInventoryStore.getState().tab).toBe('assets');
    expect(useInventoryStore.getState().query).toBe('reboot:yes');
  });
});
