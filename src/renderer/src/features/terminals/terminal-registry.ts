import { saveSettings, useTerminalsStore, type TerminalSettings } from './terminals-store';
import type { TerminalSession } from './terminal-session';

// The terminals of the open tabs by tab key, and the settings every one of them follows.

/** xterm.js instances by tab key; they outlive the components that show them. */
export const sessions = new Map<string, TerminalSession>();
let nextKey = 1;

/** A key no tab of this window has had. */
export function newTabKey(): string {
  return `tab-${String(nextKey++)}`;
}

export function sessionFor(key: string): TerminalSession | undefined {
  return sessions.get(key);
}

export function updateSettings(patch: Partial<TerminalSettings>): void {
  const settings = { ...useTerminalsStore.getState().settings, ...patch };
  saveSettings(settings);
  useTerminalsStore.setState({ settings });
  for (const session of sessions.values()) session.applySettings(settings);
}
