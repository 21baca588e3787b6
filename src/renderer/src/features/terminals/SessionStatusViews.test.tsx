import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTab } from '../../test-support/terminal-tabs';
import { ConnectingOverlay } from './SessionStatusViews';
import { initialState, useTerminalsStore } from './terminals-store';

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
});
