import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import type { SessionPrompt } from '../../../../shared/ssh';
import { openTab } from '../../test-support/terminal-tabs';
import { PromptDialog } from './PromptDialog';
import { initialState, useTerminalsStore } from './terminals-store';

afterEach(() => {
  cleanup();
  setBridge(undefined);
  useTerminalsStore.setState(initialState);
});

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

describe('a password or passphrase prompt', () => {
  const password = (saveTo: string | null): SessionPrompt => ({
    kind: 'password',
    promptId: 'p-1',
    sessionId: 'session-a',
    hop: 0,
    user: 'ops',
    host: 'web01',
    retry: false,
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
});
