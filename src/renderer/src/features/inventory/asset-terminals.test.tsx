import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssetRow } from '../../../../shared/inventory';
import type { ProfileView } from '../../../../shared/profiles';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge, type BridgeCall } from '../../test-support/fake-bridge';
import { useProfilesStore } from '../profiles/profiles-store';
import { AssetDetail } from './AssetDetail';
import { AssetsView } from './AssetsView';
import { initialState, resetQueries, useInventoryStore } from './inventory-store';

const asset = (id: number, name: string, fqdn: string, ip: string): AssetRow => ({
  id,
  kind: 'vm',
  name,
  fqdn,
  status: 'running',
  os: null,
  ips: [ip],
  macs: [],
  cluster: null,
  site: null,
  groups: [],
  organization: null,
  location: null,
  tags: [],
  patch: { updates: null, security: null, rebootNeeded: null },
  systems: [],
  lastSeen: {},
  freshness: { offline: false, dataFrom: null, message: '' },
});
const web01 = asset(42, 'web01', 'web01.ber.example.net', '10.16.0.20');
const db02 = asset(7, 'db02', 'db02.ams.example.net', '10.16.0.31');
const webProfile = {
  id: 'p-web',
  name: 'web01 ops',
  folder: '',
  tags: [],
  connection: { kind: 'ssh', host: 'web01.ber.example.net', port: 22, username: 'ops' },
} as unknown as ProfileView;

describe('the s key on an inventory row', () => {
  let calls: BridgeCall[] = [];
  beforeEach(() => {
    resetQueries();
    useInventoryStore.setState(initialState);
    useProfilesStore.setState({ profiles: [], loaded: false });
    calls = installFakeBridge((channel, request) => {
      if (channel === 'inventory:query') {
        const { offset, limit } = request as { offset: number; limit: number };
        const rows = offset === 0 ? [web01, db02] : [];
        return { rows, total: 2, totalExact: true, offset, limit, sources: [] };
      }
      if (channel === 'inventory:asset') {
        const { id } = request as { id: number };
        return { asset: id === 42 ? web01 : db02, links: [] };
      }
      if (channel === 'profiles:list') return [webProfile];
      if (channel === 'ssh:open') return { sessionId: 's1' };
      if (channel === 'ssh:last-user') return { user: null };
      return undefined;
    });
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  const grid = async (): Promise<HTMLElement> => {
    useInventoryStore.getState().open();
    render(<AssetsView />);
    // The table draws no rows without a layout; the rows are read all the same.
    await waitFor(() => {
      expect(useInventoryStore.getState().cache?.row(1)?.name).toBe('db02');
    });
    const element = screen.getByTestId('inventory-grid');
    element.focus();
    return element;
  };

  it('opens SSH through the profile the detail’s button would use', async () => {
    const element = await grid();
    fireEvent.keyDown(element, { key: 's' });
    await waitFor(() => {
      expect(calls.find((c) => c.channel === 'ssh:open')?.request).toMatchObject({
        profileId: 'p-web',
      });
    });
    expect(useInventoryStore.getState().detailId).toBe(42);
  });

  it('asks whom to log in as where no SSH profile matches, as the button does', async () => {
    const element = await grid();
    fireEvent.keyDown(element, { key: 'ArrowDown' });
    fireEvent.keyDown(element, { key: 's' });
    expect(await screen.findByRole('dialog')).toBeTruthy();
    expect(screen.getByRole('dialog').textContent).toContain('db02.ams.example.net');
    expect(calls.some((c) => c.channel === 'ssh:open')).toBe(false);
  });
});

describe('the container console of an asset whose node has no SSH profile', () => {
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('says why it cannot open in words beside the disabled button', async () => {
    useProfilesStore.setState({ profiles: [], loaded: true });
    const ct = asset(104, 'ct104', 'ct104.ber.example.net', '10.16.0.40');
    installFakeBridge((channel) =>
      channel === 'inventory:asset'
        ? {
            asset: ct,
            links: [
              {
                profileId: 'p-pve',
                profileName: 'pve-ber',
                system: 'proxmox',
                externalId: 'pve-ber/lxc/104',
                matchKey: 'fqdn',
                confidence: 1,
                name: 'ct104',
                fetchedAt: '2026-01-01T00:00:00Z',
                raw: { resource: { node: 'ber-pve01', vmid: 104, type: 'lxc', name: 'ct104' } },
              },
            ],
          }
        : undefined,
    );
    render(<AssetDetail id={104} onClosed={() => undefined} />);
    const button = await screen.findByTestId('asset-lxc-console');
    expect((button as HTMLButtonElement).disabled).toBe(true);
    const reason = screen.getByTestId('lxc-console-reason');
    expect(reason.textContent).toContain('no SSH profile for the node ber-pve01');
    expect(button.getAttribute('aria-describedby')).toBe(reason.id);
  });
});
