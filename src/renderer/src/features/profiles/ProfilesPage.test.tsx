import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileView } from '../../../../shared/profiles';
import { setBridge } from '../../lib/bridge';
import { fakeProfilesHost, storedProfile } from './fake-profiles-host';
import { ProfilesPage } from './ProfilesPage';
import { initialState, useProfilesStore } from './profiles-store';
import { openTab } from '../../test-support/terminal-tabs';
import { initialState as terminalsInitial, useTerminalsStore } from '../terminals/terminals-store';

const tls = { insecure: false, caFile: null, pinnedSha256: null };
const profiles = [
  storedProfile({
    id: '00000000-0000-4000-8000-000000000001',
    name: 'pve-a',
    folder: 'Lab',
    tags: ['cluster'],
    connection: {
      kind: 'proxmox',
      url: 'https://pve-a.lab:8006',
      auth: { mode: 'token', tokenId: 'root@pam!rs' },
      tls: { ...tls, insecure: true },
    },
  }),
  storedProfile({
    id: '00000000-0000-4000-8000-000000000002',
    name: 'bastion',
    connection: {
      kind: 'ssh',
      host: 'bastion.example.net',
      port: 22,
      username: 'ops',
      auth: { mode: 'agent' },
      hostKeyPolicy: 'ask',
      jumpHostId: null,
    },
  }),
  storedProfile({
    id: '00000000-0000-4000-8000-000000000003',
    name: 'edge',
    folder: 'Lab',
    connection: {
      kind: 'routeros',
      host: 'edge.lab',
      transport: 'api-ssl',
      port: null,
      username: 'admin',
      tls,
    },
  }),
];

async function renderPage() {
  const host = fakeProfilesHost(profiles);
  setBridge(host.bridge);
  useProfilesStore.setState(initialState);
  render(<ProfilesPage />);
  await screen.findByTestId('profile-list');
  return host;
}

const rowNames = () => screen.queryAllByTestId('profile-row').map((row) => row.dataset.name);
const selectedName = () =>
  screen.queryAllByTestId('profile-row').find((row) => row.getAttribute('aria-selected') === 'true')
    ?.dataset.name;

afterEach(() => {
  cleanup();
  setBridge(undefined);
});

describe('ProfilesPage', () => {
  it('groups profiles by folder, shows kinds and marks the insecure one', async () => {
    await renderPage();
    expect(rowNames()).toEqual(['bastion', 'edge', 'pve-a']);
    expect(screen.getAllByTestId('profile-kind').map((k) => k.textContent)).toEqual([
      'SSH',
      'RouterOS',
      'Proxmox VE',
    ]);
    expect(screen.getAllByTestId('insecure-badge')).toHaveLength(1);
    fireEvent.click(screen.getByTestId('folder-toggle-Lab'));
    expect(rowNames()).toEqual(['bastion']);
  });

  it('lists names with numbers by value and case aside: pve1, PVE2, pve10', async () => {
    const ssh = profiles[1];
    if (ssh === undefined) throw new Error('no ssh profile');
    const named = ['pve10', 'PVE2', 'pve1'].map((name, i) =>
      storedProfile({ ...ssh, id: `00000000-0000-4000-8000-00000000001${String(i)}`, name }),
    );
    setBridge(fakeProfilesHost(named).bridge);
    useProfilesStore.setState(initialState);
    render(<ProfilesPage />);
    await screen.findByTestId('profile-list');
    expect(rowNames()).toEqual(['pve1', 'PVE2', 'pve10']);
  });

  it('shows a long name, address and folder in full on hover where the list cuts them', async () => {
    const ssh = profiles[1];
    if (ssh === undefined) throw new Error('no ssh profile');
    const name = 'Production bastion for the Frankfurt datacenter, rack row seventeen';
    const folder = 'Customers/Example Holding GmbH & Co. KG/Frankfurt am Main/Row 17';
    const host = 'bastion-01.row17.fra.datacenter.example-holding.example.com';
    const long = storedProfile({
      ...ssh,
      name,
      folder,
      connection: { ...ssh.connection, kind: 'ssh', host } as ProfileView['connection'],
    });
    setBridge(fakeProfilesHost([long]).bridge);
    useProfilesStore.setState(initialState);
    render(<ProfilesPage />);
    await screen.findByTestId('profile-list');
    expect(screen.getByTitle(name).textContent).toBe(name);
    expect(screen.getByTitle(`ops@${host}:22`).textContent).toBe(`ops@${host}:22`);
    expect(screen.getByTitle(folder).textContent).toBe(folder);
  });

  it('tests the login of a source profile and shows who it is and what it may see', async () => {
    const host = await renderPage();
    fireEvent.click(screen.getByText('pve-a'));
    // While the source has not answered, the panel says so and a second test cannot start.
    const release = host.hold('sync:test-login');
    fireEvent.click(await screen.findByTestId('profile-test-login'));
    expect((await screen.findByTestId('login-running')).textContent).toContain(
      'Logging in to pve-a…',
    );
    expect(screen.getByTestId('login-panel').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByTestId<HTMLButtonElement>('profile-test-login').disabled).toBe(true);
    release();
    expect((await screen.findByTestId('login-verdict')).textContent).toBe(
      'Proxmox VE 8.4.1, logged in as svc@pve!pve-a',
    );
    expect(screen.getByTestId('login-permission').textContent).toBe('/: Sys.Audit, VM.Audit');
    expect(screen.getByTestId('login-warning').textContent).toContain('lacks VM.Monitor');
    expect(host.calls).toContainEqual(['sync:test-login', { profileId: profiles[0]?.id }]);

    // A failed login says why, in place of the last answer.
    host.fail(
      'sync:test-login',
      'unavailable',
      'pve-a refused the token: 401 authentication failure',
    );
    fireEvent.click(screen.getByTestId('profile-test-login'));
    await waitFor(() => {
      expect(screen.getByTestId('login-error').textContent).toMatch(/refused the token/);
    });
    expect(screen.queryByTestId('login-verdict')).toBeNull();
    expect(screen.getByTestId<HTMLButtonElement>('profile-test-login').disabled).toBe(false);

    // An SSH profile has no login test: its probe checks the host key.
    fireEvent.click(screen.getByText('bastion'));
    expect(screen.queryByTestId('profile-test-login')).toBeNull();
  });

  it('searches name, address, tags and folder; / focuses the search box', async () => {
    await renderPage();
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(screen.getByTestId('profiles-search'));
    const search = (value: string) => {
      fireEvent.change(screen.getByTestId('profiles-search'), { target: { value } });
    };
    search('cluster');
    expect(rowNames()).toEqual(['pve-a']);
    search('example.net');
    expect(rowNames()).toEqual(['bastion']);
    search('lab edge');
    expect(rowNames()).toEqual(['edge']);
    search('nothing-like-this');
    expect(screen.getByTestId('profiles-no-match').textContent).toContain('nothing-like-this');
  });

  it('keeps the changes of a profile being edited as a draft when another profile is chosen', async () => {
    await renderPage();
    const row = (name: string): HTMLElement =>
      screen.getAllByTestId('profile-row').find((r) => r.dataset.name === name)!;
    fireEvent.click(row('edge'));
    fireEvent.keyDown(screen.getByTestId('profile-list'), { key: 'Enter' });
    const notes = await screen.findByTestId<HTMLTextAreaElement>('pf-notes');
    fireEvent.change(notes, { target: { value: 'uplink to the lab switch' } });
    fireEvent.click(row('bastion'));
    // The chosen profile is shown, not the editor of the other one.
    await waitFor(() => {
      expect(screen.queryByTestId('profile-form')).toBeNull();
    });
    expect(screen.getByTestId('profile-detail').dataset.name).toBe('bastion');
    fireEvent.click(row('edge'));
    fireEvent.keyDown(screen.getByTestId('profile-list'), { key: 'Enter' });
    expect((await screen.findByTestId<HTMLTextAreaElement>('pf-notes')).value).toBe(
      'uplink to the lab switch',
    );
  });

  it('refuses to save a kept draft over changes made elsewhere while it waited', async () => {
    const host = await renderPage();
    const row = (name: string): HTMLElement =>
      screen.getAllByTestId('profile-row').find((r) => r.dataset.name === name)!;
    fireEvent.click(row('edge'));
    fireEvent.keyDown(screen.getByTestId('profile-list'), { key: 'Enter' });
    fireEvent.change(await screen.findByTestId('pf-notes'), { target: { value: 'my notes' } });
    fireEvent.click(row('bastion'));
    await waitFor(() => {
      expect(screen.queryByTestId('profile-form')).toBeNull();
    });
    // Meanwhile the command line changes edge's host; the list reads it again.
    const edge = profiles[2]!;
    host.changeElsewhere({
      ...edge,
      connection: { ...edge.connection, host: 'edge-new.lab' } as ProfileView['connection'],
      updatedAt: '2026-05-05T00:00:00.000Z',
    });
    window.dispatchEvent(new Event('focus'));
    await waitFor(() => {
      expect(useProfilesStore.getState().profiles.find((p) => p.id === edge.id)?.updatedAt).toBe(
        '2026-05-05T00:00:00.000Z',
      );
    });
    fireEvent.click(row('edge'));
    fireEvent.keyDown(screen.getByTestId('profile-list'), { key: 'Enter' });
    expect((await screen.findByTestId<HTMLTextAreaElement>('pf-notes')).value).toBe('my notes');
    fireEvent.click(screen.getByTestId('pf-save'));
    expect((await screen.findByTestId('profile-form-error')).textContent).toContain(
      'was changed elsewhere',
    );
    expect(host.saves().at(-1)).toMatchObject({ editedFrom: edge.updatedAt });
    const stored = useProfilesStore.getState().profiles.find((p) => p.id === edge.id);
    expect(stored?.connection).toMatchObject({ host: 'edge-new.lab' });
  });

  it('moves with the arrow keys, shows the detail, and deletes after confirmation', async () => {
    const host = await renderPage();
    const list = screen.getByTestId('profile-list');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(selectedName()).toBe('pve-a');
    expect(screen.getByTestId('profile-detail').dataset.name).toBe('pve-a');
    expect(screen.getByTestId('profile-detail').textContent).toContain('insecure');
    fireEvent.keyDown(list, { key: 'ArrowUp' });
    expect(selectedName()).toBe('edge');

    // A terminal open with the profile is mentioned before deleting it.
    useTerminalsStore.setState({
      ...terminalsInitial,
      tabs: [openTab('t1', { kind: 'profile', profileId: profiles[2]!.id, label: 'edge' })],
    });
    fireEvent.keyDown(list, { key: 'Delete' });
    const dialog = await screen.findByTestId('delete-dialog');
    expect(dialog.textContent).toContain('Delete “edge”?');
    expect(screen.getByTestId('delete-live-terminals').textContent).toBe(
      'A terminal is open with this profile: it stays connected, but cannot reconnect once the profile is deleted.',
    );
    useTerminalsStore.setState(terminalsInitial);
    fireEvent.click(screen.getByTestId('delete-cancel'));
    await waitFor(() => {
      expect(screen.queryByTestId('delete-dialog')).toBeNull();
    });
    expect(host.calls.some(([channel]) => channel === 'profiles:remove')).toBe(false);

    fireEvent.keyDown(list, { key: 'Delete' });
    fireEvent.click(await screen.findByTestId('delete-confirm'));
    await waitFor(() => {
      expect(rowNames()).toEqual(['bastion', 'pve-a']);
    });
    expect(host.calls).toContainEqual([
      'profiles:remove',
      { id: '00000000-0000-4000-8000-000000000003' },
    ]);
  });

  it('folds and unfolds the selected profile’s folder with ← and →, from the keyboard alone', async () => {
    await renderPage();
    const list = screen.getByTestId('profile-list');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(selectedName()).toBe('edge');
    fireEvent.keyDown(list, { key: 'ArrowLeft' });
    expect(rowNames()).toEqual(['bastion']);
    expect(screen.getByTestId('folder-toggle-Lab').getAttribute('aria-expanded')).toBe('false');
    fireEvent.keyDown(list, { key: 'ArrowRight' });
    expect(rowNames()).toEqual(['bastion', 'edge', 'pve-a']);
    expect(selectedName()).toBe('edge');

    // From inside a folded folder, ↑ goes on from where the folder is.
    fireEvent.keyDown(list, { key: 'ArrowLeft' });
    fireEvent.keyDown(list, { key: 'ArrowUp' });
    expect(selectedName()).toBe('bastion');
  });

  it('gives the keyboard back where the editor was opened from when it closes', async () => {
    await renderPage();
    const list = screen.getByTestId('profile-list');
    list.focus();
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'Enter' });
    fireEvent.keyDown(await screen.findByTestId('profile-form'), { key: 'Escape' });
    await waitFor(() => {
      expect(screen.queryByTestId('profile-form')).toBeNull();
    });
    expect(document.activeElement).toBe(list);

    // The Edit button goes away with the detail while the editor is open: the list, with the
    // profile still selected, takes the keyboard instead of the page's start.
    screen.getByTestId('profile-edit').focus();
    fireEvent.click(screen.getByTestId('profile-edit'));
    fireEvent.keyDown(await screen.findByTestId('profile-form'), { key: 'Escape' });
    await waitFor(() => {
      expect(screen.queryByTestId('profile-form')).toBeNull();
    });
    expect(document.activeElement).toBe(list);

    const create = screen.getByTestId('profiles-new');
    create.focus();
    fireEvent.click(create);
    fireEvent.keyDown(await screen.findByTestId('profile-form'), { key: 'Escape' });
    await waitFor(() => {
      expect(screen.queryByTestId('profile-form')).toBeNull();
    });
    expect(document.activeElement).toBe(create);
  });
});
