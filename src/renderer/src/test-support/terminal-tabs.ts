import type { TerminalTab } from '../features/terminals/terminals-store';

/** An open tab as the store holds it, for tests. */
export function openTab(
  key: string,
  target: TerminalTab['target'],
  name: string | null = null,
): TerminalTab {
  return {
    key,
    target,
    sessionId: `session-${key}`,
    title: 'ops@10.16.0.5:22',
    name,
    status: { state: 'open' },
    wasOpen: true,
    logFile: null,
    broadcast: false,
    pane: 0,
    reconnectAt: null,
    reconnectAttempt: 0,
    error: null,
  };
}
