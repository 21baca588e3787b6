import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import type { SessionPrompt } from '../../../../shared/ssh';
import { openTab } from '../../test-support/terminal-tabs';
import { hostKeySettleMs, PromptDialog } from './PromptDialog';
import { initialState, useTerminalsStore } from './terminals-store';

afterEach(() => {
  cleanup();
  setBridge(undefined);
  useTerminalsStore.setState(initialState);
});

/** The unknown-host-key question of tab `a`'s session for `host`:`port`. */
function hostKeyQuestion(host: string, port: number): SessionPrompt {
  return {
    kind: 'host-key',
    promptId: 'p-1',
    sessionId: 'session-a',
    question: {
      keyType: 'ssh-ed25519',
      fingerprint: 'SHA256:abc',
      host,
      port,
      hop: 0,
      otherKnown: [],
    },
  };
}

/** Two tabs log in at once through the same bastion; one-time codes are asked for both. */
function twoTabs(): void {
  const bastion = { index: 0, count: 2, host: 'bastion.example', port: 22 };
  const tabs = [
    {
      ...openTab('a', { kind: 'profile', profileId: 'db', label: 'db' }),
      status: { state: 'authenticating' as const, hop: bastion },
    },
    {
      ...openTab('b', { kind: 'profile', profileId: 'web', label: 'web' }),
      status: {
        state: 'authenticating' as const,
        hop: { index: 1, count: 2, host: '10.0.0.7', port: 2222 },
      },
    },
  ];
  const ask = (sessionId: string, hop: number): SessionPrompt => ({
    kind: 'keyboard-interactive',
    promptId: `p-${sessionId}`,
    sessionId,
    hop,
    name: '',
    instructions: '',
    prompts: [{ prompt: 'Verification code: ', echo: false }],
    retry: false,
    saveTo: null,
  });
  useTerminalsStore.setState({
    ...initialState,
    tabs,
    active: ['a', null],
    prompts: [ask('session-b', 1), ask('session-a', 0)],
  });
}

describe('a keyboard-interactive question', () => {
  it('says which server of which tab asks, so a code goes to the right one', () => {
    twoTabs();
    render(<PromptDialog />);
    expect(screen.getByTestId('ssh-prompt-origin').textContent).toBe(
      '10.0.0.7:2222 asks, for the tab "web" (hop 2 of 2).',
    );
    cleanup();
    useTerminalsStore.setState((s) => ({ prompts: s.prompts.slice(1) }));
    render(<PromptDialog />);
    expect(screen.getByTestId('ssh-prompt-origin').textContent).toBe(
      'bastion.example:22 asks, for the tab "db" (jump host, hop 1 of 2).',
    );
  });
});

describe('the password round of keyboard-interactive', () => {
  it('keeps "save" ticked when the server asks for the password again', async () => {
    const calls = installFakeBridge(() => null);
    const round = (promptId: string, retry = false): SessionPrompt => ({
      kind: 'keyboard-interactive',
      promptId,
      sessionId: 'session-a',
      hop: 0,
      name: '',
      instructions: '',
      prompts: [{ prompt: 'Password: ', echo: false }],
      retry,
      saveTo: 'backup17',
    });
    useTerminalsStore.setState({ ...initialState, prompts: [round('p-1')] });
    render(<PromptDialog />);
    expect(screen.getByTestId('ssh-kbd-prompt').textContent).not.toContain('not accepted');
    fireEvent.change(screen.getByTestId('ssh-kbd-answer-0'), { target: { value: 'typo' } });
    fireEvent.click(screen.getByTestId('ssh-prompt-save'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('ssh-kbd-submit'));
      await Promise.resolve();
    });
    act(() => {
      useTerminalsStore.setState({ prompts: [round('p-2', true)] });
    });
    // Asked again: the dialog says the last answer was refused.
    expect(screen.getByTestId('ssh-kbd-prompt').textContent).toContain(
      'That was not accepted; try again.',
    );
    expect(screen.getByTestId<HTMLInputElement>('ssh-prompt-save').checked).toBe(true);
    fireEvent.change(screen.getByTestId('ssh-kbd-answer-0'), { target: { value: 'right' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('ssh-kbd-submit'));
      await Promise.resolve();
    });
    expect(calls.at(-1)?.request).toEqual({
      promptId: 'p-2',
      answer: { kind: 'keyboard-interactive', answers: ['right'], save: true },
    });
  });
});

describe('an IPv6 server', () => {
  it('is written [address]:port in the host-key question and in who asks', () => {
    installFakeBridge(() => null);
    const hop = { index: 0, count: 1, host: 'fd00::7', port: 2222 };
    useTerminalsStore.setState({
      ...initialState,
      tabs: [
        {
          ...openTab('a', { kind: 'quick', user: 'ops', host: 'fd00::7', port: 2222 }),
          status: { state: 'authenticating' as const, hop },
        },
      ],
      prompts: [
        hostKeyQuestion('fd00::7', 2222),
        {
          kind: 'keyboard-interactive',
          promptId: 'p-2',
          sessionId: 'session-a',
          hop: 0,
          name: '',
          instructions: '',
          prompts: [{ prompt: 'Verification code: ', echo: false }],
          retry: false,
          saveTo: null,
        },
      ],
    });
    render(<PromptDialog />);
    expect(screen.getByTestId('ssh-hostkey-prompt').textContent).toContain(
      '[fd00::7]:2222 is not known yet.',
    );
    act(() => {
      useTerminalsStore.setState((s) => ({ prompts: s.prompts.slice(1) }));
    });
    expect(screen.getByTestId('ssh-prompt-origin').textContent).toMatch(
      /^\[fd00::7\]:2222 asks, for the tab /,
    );
  });
});

describe('a password or passphrase prompt', () => {
  const password = (saveTo: string | null, retry = false, promptId = 'p-1'): SessionPrompt => ({
    kind: 'password',
    promptId,
    sessionId: 'session-a',
    hop: 0,
    user: 'ops',
    host: 'web01',
    retry,
    saveTo,
  });

  it('offers to keep the answer in the vault with its profile, and says so in the answer', async () => {
    const calls = installFakeBridge(() => null);
    useTerminalsStore.setState({ ...initialState, prompts: [password('web01')] });
    render(<PromptDialog />);
    const save = screen.getByTestId('ssh-prompt-save');
    expect(save.closest('label')?.textContent).toContain('profile “web01”');
    fireEvent.change(screen.getByTestId('ssh-secret-input'), { target: { value: 's3cret' } });
    fireEvent.click(save);
    await act(async () => {
      fireEvent.click(screen.getByTestId('ssh-secret-submit'));
      await Promise.resolve();
    });
    expect(calls.map((c) => [c.channel, c.request])).toEqual([
      [
        'ssh:answer',
        { promptId: 'p-1', answer: { kind: 'password', password: 's3cret', save: true } },
      ],
    ]);
  });

  it('offers nothing to save for a quick connect, which has no profile', () => {
    installFakeBridge(() => null);
    useTerminalsStore.setState({ ...initialState, prompts: [password(null)] });
    render(<PromptDialog />);
    expect(screen.getByTestId('ssh-secret-prompt')).toBeTruthy();
    expect(screen.queryByTestId('ssh-prompt-save')).toBeNull();
  });

  it('keeps "save" ticked when a mistyped password is asked again', async () => {
    const calls = installFakeBridge(() => null);
    useTerminalsStore.setState({ ...initialState, prompts: [password('web01')] });
    render(<PromptDialog />);
    fireEvent.change(screen.getByTestId('ssh-secret-input'), { target: { value: 'typo' } });
    fireEvent.click(screen.getByTestId('ssh-prompt-save'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('ssh-secret-submit'));
      await Promise.resolve();
    });
    // The server refused it: the same question comes again.
    act(() => {
      useTerminalsStore.setState({
        prompts: [password('web01', true, 'p-2')],
      });
    });
    expect(screen.getByTestId('ssh-secret-prompt').textContent).toContain('try again');
    expect(screen.getByTestId<HTMLInputElement>('ssh-prompt-save').checked).toBe(true);
    fireEvent.change(screen.getByTestId('ssh-secret-input'), { target: { value: 'right' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('ssh-secret-submit'));
      await Promise.resolve();
    });
    expect(calls.at(-1)?.request).toEqual({
      promptId: 'p-2',
      answer: { kind: 'password', password: 'right', save: true },
    });
  });

  it('says which tab asks, and names its field', () => {
    installFakeBridge(() => null);
    useTerminalsStore.setState({
      ...initialState,
      tabs: [
        {
          ...openTab('a', { kind: 'profile', profileId: 'web', label: 'web01 (Berlin)' }),
          status: {
            state: 'authenticating' as const,
            hop: { index: 0, count: 1, host: '127.0.0.1', port: 2201 },
          },
        },
      ],
      prompts: [password('web01')],
    });
    render(<PromptDialog />);
    expect(screen.getByTestId('ssh-prompt-origin').textContent).toBe(
      '127.0.0.1:2201 asks, for the tab "web01 (Berlin)".',
    );
    expect(screen.getByLabelText('Password for ops@web01', { selector: 'input' })).toBe(
      screen.getByTestId('ssh-secret-input'),
    );
  });
});

describe('the unknown host key question', () => {
  it('takes no answer from a key pressed as it appears (typed ahead), only once it has been read', () => {
    vi.useFakeTimers();
    try {
      const calls = installFakeBridge(() => null);
      useTerminalsStore.setState({
        ...initialState,
        tabs: [openTab('a', { kind: 'quick', user: 'ops', host: 'db1', port: 22 })],
        prompts: [hostKeyQuestion('db1', 22)],
      });
      render(<PromptDialog />);
      const answers = () => calls.filter((c) => c.channel === 'ssh:answer');
      // Enter on the focused button: a click with no pointer (detail 0).
      fireEvent.click(screen.getByTestId('ssh-hostkey-cancel'), { detail: 0 });
      expect(answers()).toEqual([]);
      expect(screen.getByTestId('ssh-hostkey-prompt')).toBeTruthy();
      // Once it has been on screen a moment, a key press answers.
      act(() => {
        vi.advanceTimersByTime(hostKeySettleMs);
      });
      fireEvent.click(screen.getByTestId('ssh-hostkey-remember'), { detail: 0 });
      expect(answers()).toEqual([
        {
          channel: 'ssh:answer',
          request: { promptId: 'p-1', answer: { kind: 'host-key', answer: 'remember' } },
        },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the first hop of a jump chain', () => {
  const bastion = { index: 0, count: 2, host: 'bastion.example', port: 22 };
  const withPrompt = (prompt: SessionPrompt): void => {
    useTerminalsStore.setState({
      ...initialState,
      tabs: [
        {
          ...openTab('a', { kind: 'profile', profileId: 'db', label: 'db' }),
          status: { state: 'connecting' as const, hop: bastion },
        },
      ],
      prompts: [prompt],
    });
  };

  it('is named the jump host in its host-key question', () => {
    installFakeBridge(() => null);
    withPrompt(hostKeyQuestion('bastion.example', 22));
    render(<PromptDialog />);
    expect(screen.getByTestId('ssh-hostkey-prompt').textContent).toContain(
      'hop 1 of 2: the jump host',
    );
  });

  it('asks for a key passphrase as a key of this machine, not as a question of the server', () => {
    installFakeBridge(() => null);
    withPrompt({
      kind: 'passphrase',
      promptId: 'p-3',
      sessionId: 'session-a',
      hop: 0,
      keyLabel: '~/.ssh/id_ed25519',
      retry: false,
      saveTo: null,
    });
    render(<PromptDialog />);
    const origin = screen.getByTestId('ssh-prompt-origin').textContent;
    expect(origin).toBe(
      'To log in to bastion.example:22, for the tab "db" (jump host, hop 1 of 2).',
    );
    expect(origin).not.toContain('asks');
  });
});
