import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SshSessionView } from '../../../../shared/ssh';
import { createBridge, setBridge } from '../../lib/bridge';
import { installFakeBridge, unknownChannel } from '../../test-support/fake-bridge';
import { installSshBridge, openTab } from '../../test-support/terminal-tabs';
import { adoptSession, sessionFor } from './terminal-actions';
import { readSavedTabs, restoreTerminals, savedTabsOf, type SavedTabs } from './terminal-restore';
import { initialState, useTerminalsStore } from './terminals-store';

const channels = vi.hoisted(() => [] as { sessionId: string; replay: boolean }[]);
/** Each channel's `onLost` listener, in the order the channels were opened. */
const lostListeners = vi.hoisted(() => [] as (() => void)[]);
vi.mock('../../lib/terminal-channel', () => ({
  openTerminalChannel: (sessionId: string, options: { replay?: boolean } = {}) => {
    channels.push({ sessionId, replay: options.replay === true });
    return {
      onData: () => () => undefined,
      onLost: (listener: () => void) => {
        lostListeners.push(listener);
        return () => undefined;
      },
      onInputNotSent: () => () => undefined,
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
  logStopped: null,
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
  lostListeners.length = 0;
});

// First: the feature subscribes to the host's events once, on the bridge of its first test.
describe('a question a session still has open', () => {
  it('is one dialog when the host shows it again to the window taking the session back', async () => {
    const host = installSshBridge();
    await adoptSession(
      { target: quick('new-1'), name: null, pane: 0, broadcast: false },
      view('s-asking', 'connecting'),
    );
    const prompt = {
      kind: 'host-key' as const,
      promptId: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b',
      sessionId: 's-asking',
      question: {
        host: 'new-1',
        port: 22,
        hop: 0,
        keyType: 'ssh-ed25519',
        fingerprint: 'SHA256:abc',
        otherKnown: [],
      },
    };
    host.emit('ssh:prompt', prompt);
    host.emit('ssh:prompt', prompt);
    expect(useTerminalsStore.getState().prompts).toEqual([prompt]);
  });
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
        {
          ...openTab('b', quick('db-1'), null, 3),
          sessionId: 's-b',
          pane: 1 as const,
          broadcast: true,
        },
        // Still opening, no session yet: nothing a reload could take back.
        { ...openTab('c', quick('cache-1')), sessionId: null },
      ],
    };
    expect(savedTabsOf(state)).toEqual({
      tabs: [
        {
          sessionId: 's-a',
          target: quick('web-1'),
          name: 'prod web',
          pane: 0,
          broadcast: false,
          ordinal: 1,
        },
        {
          sessionId: 's-b',
          target: quick('db-1'),
          name: null,
          pane: 1,
          broadcast: true,
          ordinal: 3,
        },
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
  it('takes back its sessions where they were, whatever their state, and ends only sessions no page shows', async () => {
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
          return view(sessionId, 'open');
        case 'ssh:close':
          return null;
        default:
          return unknownChannel(channel);
      }
    });
    const saved: SavedTabs = {
      tabs: [
        { sessionId: 's-closed', target: quick('old-1'), name: null, pane: 0, broadcast: false },
        {
          sessionId: 's-open',
          target: quick('web-1'),
          name: 'prod',
          pane: 1,
          broadcast: true,
          ordinal: 4,
        },
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

    const named = (channel: string) =>
      calls.filter((c) => c.channel === channel).map((c) => c.request);
    const state = useTerminalsStore.getState();
    const tab = (sessionId: string) => state.tabs.find((t) => t.sessionId === sessionId);
    expect(state.tabs.map((t) => t.sessionId)).toEqual(['s-closed', 's-open', 's-asking']);
    // With the number it had (a list saved before numbers were kept gives a new one).
    expect(tab('s-open')).toMatchObject({
      name: 'prod',
      pane: 1,
      broadcast: true,
      wasOpen: true,
      ordinal: 4,
    });
    expect(tab('s-closed')?.ordinal).toBe(1);
    expect(tab('s-open')?.status.state).toBe('open');
    expect(tab('s-closed')?.status.state).toBe('closed');
    // Still connecting (the host shows its question again): cancelling it closes the tab.
    expect(tab('s-asking')).toMatchObject({ pane: 1, wasOpen: false });
    expect(tab('s-asking')?.status.state).toBe('connecting');
    expect(state.split).toBe(true);
    expect(state.active[0]).toBe(tab('s-closed')?.key);
    expect(state.active[1]).toBe(tab('s-open')?.key);
    // Their screens come back: each stream asks for the session's latest output.
    expect(channels).toEqual([
      { sessionId: 's-closed', replay: true },
      { sessionId: 's-open', replay: true },
      { sessionId: 's-asking', replay: true },
    ]);
    expect(named('ssh:attach')).toEqual([
      { sessionId: 's-closed' },
      { sessionId: 's-open' },
      { sessionId: 's-asking' },
    ]);
    // The other browser page keeps its terminal; the session nobody shows is ended.
    expect(named('ssh:close')).toEqual([{ sessionId: 'left-behind' }]);
    expect(named('ssh:open')).toEqual([]);
    expect(named('ssh:list').length).toBeGreaterThanOrEqual(1);

    // The list is kept for the next reload, now naming the sessions this window shows.
    await vi.waitFor(() => {
      expect(readSavedTabs(session)?.tabs.map((t) => t.sessionId)).toEqual([
        's-closed',
        's-open',
        's-asking',
      ]);
    });
    // Once per window.
    await restoreTerminals(session);
    expect(named('ssh:attach')).toHaveLength(3);
  });
});

describe('a window that starts while its old page is still going away', () => {
  /** The saved list of a page that showed one shell, `s-web`. */
  const oneWebTab = (): SavedTabs => ({
    tabs: [{ sessionId: 's-web', target: quick('web-1'), name: null, pane: 0, broadcast: false }],
    active: ['s-web', null],
    split: false,
    focusedPane: 0,
  });

  it('waits a moment for the old page to let go of its session, then takes it back', async () => {
    let lists = 0;
    const calls = installFakeBridge((channel, request) => {
      const sessionId = (request as { sessionId?: string }).sessionId ?? '';
      switch (channel) {
        case 'ssh:list':
          lists += 1;
          // The reloaded page's socket is still attached at first.
          return [view('s-web', 'open', lists === 1)];
        case 'ssh:attach':
          return view(sessionId, 'open');
        default:
          return unknownChannel(channel);
      }
    });
    await restoreTerminals(storage(oneWebTab()));
    expect(lists).toBe(2);
    expect(useTerminalsStore.getState().tabs.map((t) => t.sessionId)).toEqual(['s-web']);
    expect(calls.filter((c) => c.channel === 'ssh:attach')).toHaveLength(1);
  });

  it('leaves a session another live page still shows to that page', async () => {
    const calls = installFakeBridge((channel) => {
      if (channel === 'ssh:list') return [view('s-web', 'open', true)];
      return unknownChannel(channel);
    });
    await restoreTerminals(storage(oneWebTab()));
    expect(useTerminalsStore.getState().tabs).toEqual([]);
    expect(calls.map((c) => c.channel)).toEqual(['ssh:list', 'ssh:list']);
  });
});

describe('a terminal whose stream is lost while its session lives on', () => {
  it('clears its screen and asks the host for the stream again, which replays the latest output', async () => {
    const calls = installFakeBridge((channel, request) => {
      const sessionId = (request as { sessionId?: string }).sessionId ?? '';
      if (channel === 'ssh:attach') return view(sessionId, 'open');
      return unknownChannel(channel);
    });
    const key = await adoptSession(
      { target: quick('web-1'), name: null, pane: 0, broadcast: false },
      view('s-web', 'open'),
    );
    const session = sessionFor(key);
    if (session === undefined) throw new Error('no terminal for the tab');
    await new Promise<void>((resolve) => {
      session.term.write('old screen\r\n', resolve);
    });
    const line = () => session.term.buffer.active.getLine(0)?.translateToString(true) ?? '';
    expect(line()).toBe('old screen');

    lostListeners[0]?.();
    await vi.waitFor(() => {
      expect(calls.filter((c) => c.channel === 'ssh:attach')).toHaveLength(2);
    });
    expect(channels).toEqual([
      { sessionId: 's-web', replay: true },
      { sessionId: 's-web', replay: true },
    ]);
    // Cleared before the replay arrives, so nothing is shown twice.
    await new Promise<void>((resolve) => {
      session.term.write('', resolve);
    });
    expect(line()).toBe('');
    expect(useTerminalsStore.getState().tabs[0]?.error).toBeNull();
  });

  it('says so on the tab when the host cannot give the stream back', async () => {
    let attaches = 0;
    setBridge(
      createBridge({
        invoke: (channel) => {
          attaches += 1;
          if (channel === 'ssh:attach' && attaches === 1) {
            return Promise.resolve({ ok: true, data: view('s-web', 'open') });
          }
          // The session ended meanwhile.
          return Promise.resolve({
            ok: false,
            error: { code: 'not-found', message: 'No SSH session s-web.' },
          });
        },
        on: () => () => undefined,
      }),
    );
    await adoptSession(
      { target: quick('web-1'), name: null, pane: 0, broadcast: false },
      view('s-web', 'open'),
    );
    lostListeners[0]?.();
    await vi.waitFor(() => {
      expect(useTerminalsStore.getState().tabs[0]?.error).toMatch(
        /output stopped and could not be taken back: .*No SSH session s-web/,
      );
    });
  });
});
