import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProfileView } from '../../../../shared/profiles';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge, type BridgeCall } from '../../test-support/fake-bridge';
import { useNavStore } from '../../stores/nav-store';
import { useProfilesStore } from '../profiles/profiles-store';
import { TerminalsEmpty } from './TerminalsEmpty';
import { useTerminalsStore } from './terminals-store';

const ssh = (id: string, name: string, folder: string, host: string): ProfileView =>
  ({
    id,
    name,
    folder,
    tags: [],
    connection: { kind: 'ssh', host, port: 2222, username: 'ops' },
  }) as unknown as ProfileView;

describe('the empty Terminals page', () => {
  let calls: BridgeCall[] = [];
  let profiles: ProfileView[] = [];
  beforeEach(() => {
    useProfilesStore.setState({ profiles: [], loaded: false });
    calls = installFakeBridge((channel) => (channel === 'profiles:list' ? profiles : undefined));
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('offers the SSH profiles, by folder and name, and connects with one click', async () => {
    profiles = [
      ssh('b', 'web-b', 'Site B', 'web.b.example'),
      ssh('a2', 'db-a', 'Site A', 'db.a.example'),
      {
        id: 'fm',
        name: 'foreman',
        folder: '',
        tags: [],
        connection: { kind: 'foreman', url: 'https://fm.example' },
      } as unknown as ProfileView,
    ];
    render(<TerminalsEmpty />);
    await waitFor(() => {
      expect(screen.getAllByTestId('terminals-start-profile')).toHaveLength(2);
    });
    const items = screen.getAllByTestId('terminals-start-profile');
    expect(items.map((item) => item.textContent)).toEqual([
      'db-aops@db.a.example:2222',
      'web-bops@web.b.example:2222',
    ]);
    fireEvent.click(items[1]!);
    expect(useNavStore.getState().section).toBe('terminals');
    await waitFor(() => {
      expect(calls.filter((c) => c.channel === 'ssh:open').map((c) => c.request)).toEqual([
        expect.objectContaining({ profileId: 'b' }),
      ]);
    });
  });

  it('explains the other ways in when there is no SSH profile', async () => {
    profiles = [];
    render(<TerminalsEmpty />);
    expect(await screen.findByText(/Type user@host:port above/)).toBeTruthy();
    expect(screen.queryByTestId('terminals-start-profile')).toBeNull();
  });

  it('in an empty pane of a split, says so and opens what is started there in that pane', async () => {
    profiles = [ssh('b', 'web-b', 'Site B', 'web.b.example')];
    useTerminalsStore.setState({ split: true, focusedPane: 0 });
    const before = useTerminalsStore.getState().tabs.length;
    render(<TerminalsEmpty pane={1} />);
    expect(screen.getByTestId('term-pane-empty-1').textContent).toMatch(
      /No terminals in this pane\.Start one here, or move a tab here/,
    );
    fireEvent.click(await screen.findByTestId('terminals-start-profile'));
    await waitFor(() => {
      expect(
        useTerminalsStore
          .getState()
          .tabs.slice(before)
          .map((tab) => tab.pane),
      ).toEqual([1]);
    });
  });
});
