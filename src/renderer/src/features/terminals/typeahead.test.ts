import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installSshBridge, type SshBridge } from '../../test-support/terminal-tabs';
import {
  cancelConnect,
  closeTabNow,
  openTab,
  reconnect,
  sendInput,
  sessionFor,
} from './terminal-actions';
import { TerminalSession } from './terminal-session';
import { initialState, useTerminalsStore } from './terminals-store';

describe('keys typed while a session connects', () => {
  let host: SshBridge;
  let sent: string[];
  beforeEach(() => {
    useTerminalsStore.setState(initialState);
    host = installSshBridge();
    sent = [];
    vi.spyOn(TerminalSession.prototype, 'send').mockImplementation((data) => {
      sent.push(data);
    });
  });
  afterEach(() => {
    for (const tab of useTerminalsStore.getState().tabs) closeTabNow(tab.key);
    vi.restoreAllMocks();
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
  });

  const tab = () => useTerminalsStore.getState().tabs[0]!;
  const status = (state: 'authenticating' | 'open' | 'closed'): void => {
    host.emit('ssh:status', { sessionId: tab().sessionId ?? '', status: { state } });
  };

  it('are sent whole, in order, once it opens — not only those typed after', async () => {
    const opening = openTab({ kind: 'quick', user: 'ops', host: '10.0.0.5', port: 22 });
    // Before the host has even named the session.
    sendInput(tab().key, 'ec');
    await opening;
    sendInput(tab().key, 'ho ');
    status('authenticating');
    sendInput(tab().key, 'typeahead\r');
    expect(sent).toEqual([]);
    status('open');
    expect(sent).toEqual(['echo typeahead\r']);
    sendInput(tab().key, 'ls\r');
    expect(sent).toEqual(['echo typeahead\r', 'ls\r']);
  });

  it('typed into another broadcast tab are not kept for this one while it connects', async () => {
    const box = { kind: 'quick', user: 'ops', host: '10.0.0.5', port: 22 } as const;
    await openTab(box);
    await openTab(box);
    const [open, connecting] = useTerminalsStore.getState().tabs;
    useTerminalsStore.setState((s) => ({ tabs: s.tabs.map((t) => ({ ...t, broadcast: true })) }));
    host.emit('ssh:status', { sessionId: open!.sessionId ?? '', status: { state: 'open' } });
    sendInput(open!.key, 'uptime\r');
    expect(sent).toEqual(['uptime\r']);
    host.emit('ssh:status', { sessionId: connecting!.sessionId ?? '', status: { state: 'open' } });
    expect(sent).toEqual(['uptime\r']);
  });

  it('typed during a reconnect that was cancelled never reach a later one', async () => {
    await openTab({ kind: 'quick', user: 'ops', host: '10.0.0.5', port: 22 });
    status('open');
    status('closed');
    await reconnect(tab().key);
    sendInput(tab().key, 'echo STALE\r');
    cancelConnect(tab().key);
    await reconnect(tab().key);
    status('open');
    expect(sent).toEqual([]);
  });

  it('are all dropped, said so, when more was typed than is kept — never a command in part', async () => {
    await openTab({ kind: 'quick', user: 'ops', host: '10.0.0.5', port: 22 });
    const written = vi.spyOn(sessionFor(tab().key)!.term, 'write');
    sendInput(tab().key, 'echo AAA ');
    sendInput(tab().key, 'x'.repeat(4095));
    sendInput(tab().key, ' BBB\r');
    status('open');
    expect(sent).toEqual([]);
    expect(written).toHaveBeenCalledWith(
      expect.stringContaining(
        'More than 4096 characters were typed while connecting: none of them were sent.',
      ),
    );
  });

  it('are dropped when it fails, and never reach the next session of the tab', async () => {
    await openTab({ kind: 'quick', user: 'ops', host: '10.0.0.5', port: 22 });
    sendInput(tab().key, 'rm -rf build\r');
    status('closed');
    status('open');
    expect(sent).toEqual([]);
  });
});
