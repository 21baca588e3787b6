import type { SessionStatus } from '../../../../shared/ssh';
import { bridge } from '../../lib/bridge';
import { prepareTerminalChannels } from '../../lib/terminal-channel';
import { reconnectDelaysMs, startReconnectCountdown } from './reconnect-countdown';
import { reconnect } from './reconnect';
import { settleTypeahead } from './terminal-input';
import { sessions } from './terminal-registry';
import { selectors, updateTab, useTerminalsStore, type TerminalTab } from './terminals-store';

// What the host pushes about SSH sessions — status, questions, log stops — applied to the tabs.

let subscribed = false;

/** Push events for SSH, subscribed once for the whole renderer. */
export function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  prepareTerminalChannels();
  bridge().on('ssh:status', ({ sessionId, status }) => {
    const tab = selectors.bySession(useTerminalsStore.getState(), sessionId);
    if (tab) applyStatus(tab, status);
  });
  bridge().on('ssh:prompt', (prompt) => {
    useTerminalsStore.setState((state) =>
      // A question shown again (to a window taking its session back) is still one dialog.
      state.prompts.some((p) => p.promptId === prompt.promptId)
        ? state
        : { prompts: [...state.prompts, prompt] },
    );
  });
  bridge().on('ssh:log-stopped', ({ sessionId, why }) => {
    const tab = selectors.bySession(useTerminalsStore.getState(), sessionId);
    if (tab) updateTab(tab.key, { logStopped: why });
  });
  bridge().on('ssh:prompt-closed', ({ promptId }) => {
    useTerminalsStore.setState((state) => ({
      prompts: state.prompts.filter((p) => p.promptId !== promptId),
    }));
  });
}

function applyStatus(tab: TerminalTab, status: SessionStatus): void {
  const open = status.state === 'open';
  const retry =
    status.state === 'closed' && status.reason?.retryable === true && tab.wasOpen
      ? tab.reconnectAttempt + 1
      : null;
  const delay = retry === null ? undefined : reconnectDelaysMs[retry - 1];
  updateTab(tab.key, {
    status,
    wasOpen: tab.wasOpen || open,
    ...(open ? { reconnectAttempt: 0, reconnectAt: null } : {}),
    ...(delay === undefined
      ? {}
      : { reconnectAt: Date.now() + delay, reconnectAttempt: retry ?? 0 }),
  });
  settleTypeahead(tab.key, status.state);
  if (status.state === 'closed') {
    const line = status.reason ? `\r\n\x1b[2m[${status.reason.message}]\x1b[0m\r\n` : '';
    sessions.get(tab.key)?.term.write(line);
  }
  if (delay !== undefined) {
    startReconnectCountdown(tab.key, delay, () => void reconnect(tab.key));
  }
}
