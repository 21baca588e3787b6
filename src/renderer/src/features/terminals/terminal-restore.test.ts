import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SshSessionView } from '../../../../shared/ssh';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge, unknownChannel } from '../../test-support/fake-bridge';
import { openTab } from '../../test-support/terminal-tabs';
import { readSavedTabs, restoreTerminals, savedTabsOf, type SavedTabs } from './terminal-restore';
import { initialState, useTerminalsStore } from './terminals-store';

const channels = vi.hoisted(() => [] as { sessionId: string; replay: boolean }[]);
vi.mock('../../lib/terminal-channel', () => ({
  openTerminalChannel: (sessionId: string, options: { replay?: boolean } = {}) => {
    channels.push({ sessionId, replay: options.replay === true });
    return {
      onData: () => () => undefined,
      send: () => undefined,
      ack: () => undefined,
      close: () => undefined,
    };
  },
  prepareTerminalChannels: () => undefined,
  singleWindowHost: () => false,
}));

const view = (
  id: string,
  state: SshSessionView['status']['state'],
  attached = false,
): SshSessionView => ({
  id,
  title: `ops@${id}:22`,
  profileId: null,
  status: { state },
  hops: [],
  logFile: null,
  attached,
});

const quick = (host: string) => ({ kind: 'quick' as const, user: 'ops', host, port: 22 });

/** Session storage as the browser keeps it for one page. */
function storage(saved: SavedTabs | string | null): Storage {
  const items = new Map<string, string>();
  if (saved !== null) {
    items.set('rackside.terminal-tabs', typeof saved === 'string' ? saved : JSON.stringify(saved));
  }
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => items.set(key, value),
    removeItem: (key) => items.delete(key),
    clear: () => items.clear(),
    key: () => null,
    get length() {
      return items.size;
    },
  };
}

afterEach(() => {
  setBridge(undefined);
  useTerminalsStore.setState(initialState);
  channels.length = 0;
});

describe('the saved list of a window’s terminals', () => {
  it('names each tab with a session by its session id, and what each pane shows', () => {
    const state = {
      ...initialState,
      split: true,
      focusedPane: 1 as const,
      active: ['a', 'b'] as [string, string],
      tabs: [
        { ...openTab('a', quick('web-1')), sessionId: 's-a', name: 'prod web' },
        { ...openTab('b', quick('db-1')), sessionId: 's-b', pane: 1 as const, broadcast: true },
        // Still opening, no session yet: nothing a reload could take back.
        { ...openTab('c', quick('cache-1')), sessionId: null },
      ],
    };
    expect(savedTabsOf(state)).toEqual({
      tabs: [
        { sessionId: 's-a', target: quick('web-1'), name: 'prod web', pane: 0, broadcast: false },
        { sessionId: 's-b', target: quick('db-1'), name: null, pane: 1, broadcast: true },
      ],
      active: ['s-a', 's-b'],
      split: true,
      focusedPane: 1,
    });
  });

  it('is ignored when it cannot be read, rather than half restored', () => {
    expect(readSavedTabs(storage('{not json'))).toBeNull();
    expect(readSavedTabs(storage('{"tabs":[{"sessionId":""}]}'))).toBeNull();
    expect(readSavedTabs(storage(null))).toBeNull();
  });
});

describe('a window that starts again after a reload', () => {
  it('takes back its open and closed sessions where they were, connects the others again, and ends only sessions no page shows', async () => {
    const calls = installFakeBridge((channel, request) => {
      const sessionId = (request as { sessionId?: string }).sessionId ?? '';
      switch (channel) {
        case 'ssh:list':
          return [
            view('s-open', 'open'),
            view('s-asking', 'connecting'),
            view('s-closed', 'closed'),
            view('left-behind', 'open'),
            view('other-page', 'open', true),
          ];
        case 'ssh:attach':
          return view(sessionId, sessionId === 's-open' ? 'open' : 'closed');
        case 'ssh:open':
          return view('s-new', 'connecting');
        case 'ssh:close':
          return null;
        default:
          return unknownChannel(channel);
      }
    });
    const saved: SavedTabs = {
      tabs: [
        { sessionId: 's-closed', target: quick('old-1'), name: null, pane: 0, broadcast: false },
        { sessionId: 's-open', target: quick('web-1'), name: 'prod', pane: 1, broadcast: true },
        { sessionId: 's-asking', target: quick('new-1'), name: null, pane: 1, broadcast: false },
        // Its session ended while the window was away.
        { sessionId: 's-gone', target: quick('gone-1'), name: null, pane: 0, broadcast: false },
      ],
      active: ['s-closed', 's-open'],
      split: true,
      focusedPane: 1,
    };
    const session = storage(saved);
    await restoreTerminals(session);
    await vi.waitFor(() => {
      expect(useTerminalsStore.getState().tabs.at(-1)?.sessionId).toBe('s-new');
    });

    const named = (channel: string) =>
      calls.filter((c) => c.channel === channel).map((c) => c.request);
    const state = useTerminalsStore.getState();
    const tab = (sessionId: string) => state.tabs.find((t) => t.sessionId === sessionId);
    expect(state.tabs.map((t) => t.sessionId)).toEqual(['s-closed', 's-open', 's-new']);
    // Connecting again, from the start: its question went with the old window.
    expect(state.tabs[2]?.target).toEqual(quick('new-1'));
    expect(named('ssh:open')).toEqual([
      expect.objectContaining({ quick: { user: 'ops', host: 'new-1', port: 22 } }),
    ]);
    expect(tab('s-open')).toMatchObject({ name: 'prod', pane: 1, broadcast: true, wasOpen: true });
    expect(tab('s-open')?.status.state).toBe('open');
    expect(tab('s-closed')?.status.state).toBe('closed');
    expect(state.tabs[2]?.pane).toBe(1);
    expect(state.split).toBe(true);
    expect(state.active[0]).toBe(tab('s-closed')?.key);
    expect(state.active[1]).toBe(tab('s-open')?.key);
    // Their screens come back: each stream asks for the session's latest output.
    expect(channels).toEqual([
      { sessionId: 's-closed', replay: true },
      { sessionId: 's-open', replay: true },
      // A new session has nothing to show again.
      { sessionId: 's-new', replay: false },
    ]);
    expect(named('ssh:attach')).toEqual([{ sessionId: 's-closed' }, { sessionId: 's-open' }]);
    // The other browser page keeps its terminal; the session nobody shows is ended.
    expect(named('ssh:close')).toEqual([{ sessionId: 's-asking' }, { sessionId: 'left-behind' }]);
    expect(named('ssh:list').length).toBeGreaterThanOrEqual(1);

    // The list is kept for the next reload, now naming the sessions this window shows.
    await vi.waitFor(() => {
      expect(readSavedTabs(session)?.tabs.map((t) => t.sessionId)).toEqual([
        's-closed',
        's-open',
        's-new',
      ]);
    });
    // Once per window.
    await restoreTerminals(session);
    expect(named('ssh:attach')).toHaveLength(2);
  });
});
