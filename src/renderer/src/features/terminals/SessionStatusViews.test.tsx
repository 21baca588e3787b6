import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rememberedKeySource } from '../../../../shared/ssh';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { installSshBridge, openTab, type SshBridge } from '../../test-support/terminal-tabs';
import { ClosedOverlay, ConnectingOverlay, StatusLine } from './SessionStatusViews';
import { closeTabNow, openTab as openTerminal, reconnect, sessionFor } from './terminal-actions';
import { TerminalSession } from './terminal-session';
import { initialState, useTerminalsStore } from './terminals-store';

// The bytes of a session are not under test here: its stream carries nothing.
vi.mock('../../lib/terminal-channel');

describe('the connecting overlay', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    useTerminalsStore.setState(initialState);
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
    useTerminalsStore.setState(initialState);
  });

  it('counts the seconds of the connect, not those spent answering a prompt', () => {
    const tab = {
      ...openTab('a', { kind: 'quick', user: 'ops', host: '10.0.0.5', port: 22 }),
      status: { state: 'connecting' as const },
    };
    const text = () => screen.getByTestId('term-connecting').textContent;
    render(<ConnectingOverlay tab={tab} />);
    act(() => {
      vi.advanceTimersByTime(2_100);
    });
    expect(text()).toContain('Connecting to ops@10.0.0.5:22… 2 s');

    const prompt = {
      promptId: 'p1',
      sessionId: tab.sessionId ?? '',
      kind: 'password' as const,
      question: { prompt: 'Password:', echo: false, host: '10.0.0.5', username: 'ops' },
    };
    act(() => {
      useTerminalsStore.setState({ prompts: [prompt as never] });
    });
    act(() => {
      vi.advanceTimersByTime(10_000);
    });
    expect(text()).toContain('Connecting to ops@10.0.0.5:22… waiting for your answer');

    act(() => {
      useTerminalsStore.setState({ prompts: [] });
    });
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(text()).toContain('Connecting to ops@10.0.0.5:22… 3 s');
  });

  it('says when it waits for the host-key question another tab asks, and stops counting', () => {
    const opened = openTab('b', { kind: 'quick', user: 'ops', host: '10.0.0.6', port: 22 });
    const text = () => screen.getByTestId('term-connecting').textContent;
    const { rerender } = render(
      <ConnectingOverlay tab={{ ...opened, status: { state: 'connecting' } }} />,
    );
    act(() => {
      vi.advanceTimersByTime(1_100);
    });
    rerender(
      <ConnectingOverlay
        tab={{
          ...opened,
          status: { state: 'connecting', waitingFor: 'host-key-in-another-tab' },
        }}
      />,
    );
    act(() => {
      vi.advanceTimersByTime(30_000);
    });
    expect(text()).toContain(
      'Connecting to ops@10.0.0.6:22… waiting for your answer about its host key in another tab',
    );
    rerender(<ConnectingOverlay tab={{ ...opened, status: { state: 'connecting' } }} />);
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(text()).toContain('Connecting to ops@10.0.0.6:22… 2 s');
  });
});

describe('automatic reconnect after a drop', () => {
  let host: SshBridge;
  beforeEach(() => {
    vi.useFakeTimers();
    useTerminalsStore.setState(initialState);
    host = installSshBridge();
  });
  afterEach(() => {
    for (const tab of useTerminalsStore.getState().tabs) closeTabNow(tab.key);
    cleanup();
    vi.useRealTimers();
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
  });

  /** What the tab shows over its terminal while it connects or once it has closed. */
  function Overlay() {
    const tab = useTerminalsStore((s) => s.tabs[0]);
    if (tab?.status.state === 'closed') return <ClosedOverlay tab={tab} />;
    if (tab?.status.state === 'connecting') return <ConnectingOverlay tab={tab} />;
    return null;
  }

  const sessionId = (): string => useTerminalsStore.getState().tabs[0]?.sessionId ?? '';
  const countdown = (): string | null =>
    screen.queryByTestId('term-reconnect-countdown')?.textContent ?? null;

  /** Lets the answers of the host's commands arrive. */
  async function settle(): Promise<void> {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
  }

  async function openAndDrop(): Promise<void> {
    render(<Overlay />);
    await act(() => openTerminal({ kind: 'quick', user: 'ops', host: '10.0.0.5', port: 22 }));
    act(() => {
      host.emit('ssh:status', { sessionId: sessionId(), status: { state: 'open' } });
    });
    drop();
  }

  function drop(): void {
    act(() => {
      host.emit('ssh:status', {
        sessionId: sessionId(),
        status: {
          state: 'closed',
          reason: { kind: 'network', retryable: true, message: 'Connection reset by peer' },
        },
      });
    });
  }

  it('counts from attempt 1 again after the countdown was cancelled', async () => {
    await openAndDrop();
    expect(countdown()).toContain('Reconnecting in 3 s (attempt 1 of 5)');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(countdown()).toBeNull();
    // Nothing reconnects by itself any more.
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(host.calls.filter((call) => call.channel === 'ssh:reconnect')).toHaveLength(0);

    // Reconnect by hand, and the host is still unreachable: a new countdown, from the start.
    fireEvent.click(screen.getByTestId('term-reconnect'));
    await settle();
    drop();
    expect(countdown()).toContain('Reconnecting in 3 s (attempt 1 of 5)');
  });

  it('counts from attempt 1 again after a reconnect was cancelled while it connected', async () => {
    await openAndDrop();
    expect(countdown()).toContain('(attempt 1 of 5)');
    // The countdown runs out: the reconnect starts, and hangs.
    act(() => {
      vi.advanceTimersByTime(3_000);
    });
    await settle();
    act(() => {
      vi.advanceTimersByTime(1_500);
    });
    fireEvent.click(screen.getByTestId('term-connecting-cancel'));
    expect(screen.getByTestId('term-closed-reason').textContent).toBe(
      'Reconnecting was cancelled.',
    );
    expect(countdown()).toBeNull();

    fireEvent.click(screen.getByTestId('term-reconnect'));
    await settle();
    drop();
    expect(countdown()).toContain('Reconnecting in 3 s (attempt 1 of 5)');
  });

  it('gives the keyboard to the terminal when Reconnect is pressed, as the button goes', async () => {
    await openAndDrop();
    const focused = vi.spyOn(TerminalSession.prototype, 'focus');
    fireEvent.click(screen.getByTestId('term-reconnect'));
    await settle();
    expect(focused).toHaveBeenCalledTimes(1);
    expect(focused.mock.contexts[0]).toBe(sessionFor(useTerminalsStore.getState().tabs[0]!.key));
    focused.mockRestore();
  });
});

describe('the status line of a logged session', () => {
  let host: SshBridge;
  beforeEach(() => {
    useTerminalsStore.setState({
      ...initialState,
      settings: { ...initialState.settings, logSessions: true },
    });
    host = installSshBridge();
  });
  afterEach(() => {
    for (const tab of useTerminalsStore.getState().tabs) closeTabNow(tab.key);
    cleanup();
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
  });

  function FirstTabStatus() {
    const tab = useTerminalsStore((s) => s.tabs[0]);
    return tab === undefined ? null : <StatusLine tab={tab} />;
  }

  it('says logging stopped, and why, once the log cannot be written, until a reconnect logs again', async () => {
    render(<FirstTabStatus />);
    await act(() => openTerminal({ kind: 'quick', user: 'ops', host: '10.0.0.5', port: 22 }));
    const sessionId = useTerminalsStore.getState().tabs[0]?.sessionId ?? '';
    act(() => {
      host.emit('ssh:status', { sessionId, status: { state: 'open' } });
    });
    const log = () => screen.getByTestId('term-log-file');
    expect(log().textContent).toBe(`logging to /data/session-logs/${sessionId}.log`);

    act(() => {
      host.emit('ssh:log-stopped', { sessionId, why: 'the disk is full (ENOSPC)' });
    });
    expect(log().textContent).toBe('logging stopped: the disk is full (ENOSPC)');
    expect(log().title).toBe(
      `/data/session-logs/${sessionId}.log cannot be written: the disk is full (ENOSPC)`,
    );

    // A reconnect opens the log again, and the host says it is written.
    act(() => {
      host.emit('ssh:status', {
        sessionId,
        status: {
          state: 'closed',
          reason: { kind: 'server-closed', retryable: false, message: 'The server closed it.' },
        },
      });
    });
    const key = useTerminalsStore.getState().tabs[0]?.key ?? '';
    await act(() => reconnect(key));
    expect(log().textContent).toBe(`logging to /data/session-logs/${sessionId}.log`);
  });
});

describe('the changed host key panel', () => {
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  function changedKeyTab(known: { source: string; fingerprint: string }[]) {
    return {
      ...openTab('a', { kind: 'quick', user: 'ops', host: 'db-1.lab', port: 2222 }),
      status: {
        state: 'closed' as const,
        reason: {
          kind: 'host-key-changed' as const,
          retryable: false,
          message: 'The host key changed.',
          hostKey: {
            host: 'db-1.lab',
            port: 2222,
            presented: { keyType: 'ssh-ed25519', fingerprint: 'SHA256:new' },
            known: known.map((k) => ({ keyType: 'ssh-ed25519', ...k })),
          },
        },
      },
    };
  }

  it('after the stored key is forgotten, says so and drops it from the panel', async () => {
    const calls = installFakeBridge((channel) =>
      channel === 'ssh:forget-host-key' ? { removed: 1 } : undefined,
    );
    render(
      <ClosedOverlay
        tab={changedKeyTab([{ source: rememberedKeySource, fingerprint: 'SHA256:old' }])}
      />,
    );
    expect(screen.getByTestId('ssh-hostkey-old').textContent).toContain('SHA256:old');
    fireEvent.click(screen.getByTestId('ssh-forget-host-key'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('ssh-forget-confirm-button'));
      await Promise.resolve();
    });
    expect(calls.at(-1)).toEqual({
      channel: 'ssh:forget-host-key',
      request: { host: 'db-1.lab', port: 2222 },
    });
    expect(screen.queryByTestId('ssh-hostkey-old')).toBeNull();
    expect(screen.queryByTestId('ssh-forget-host-key')).toBeNull();
    expect(screen.getByTestId('ssh-hostkey-forgotten').textContent).toContain('Reconnect');
    // The button that had the keyboard is gone: Reconnect has it now.
    expect(document.activeElement).toBe(screen.getByTestId('term-reconnect'));
  });

  it('points to the known_hosts line of a key Rackside cannot forget, and offers no button', () => {
    installFakeBridge(() => undefined);
    render(
      <ClosedOverlay
        tab={changedKeyTab([
          { source: '/home/ops/.ssh/known_hosts:12', fingerprint: 'SHA256:old' },
        ])}
      />,
    );
    expect(screen.getByTestId('ssh-hostkey-in-file').textContent).toContain(
      '/home/ops/.ssh/known_hosts:12 still stands against it',
    );
    expect(screen.queryByTestId('ssh-forget-host-key')).toBeNull();
  });
});
