import { bridge } from '../../lib/bridge';
import { stopReconnectCountdown } from './reconnect-countdown';
import { failureText, openTab, startInTab } from './session-start';
import { closeTabNow } from './tab-actions';
import { sessions } from './terminal-registry';
import { forgetTyped } from './typeahead';
import { selectors, updateTab, useTerminalsStore } from './terminals-store';

// Connecting a dropped tab again, and cancelling that while it connects.

export async function reconnect(key: string): Promise<void> {
  stopReconnectCountdown(key);
  const tab = selectors.byKey(useTerminalsStore.getState(), key);
  if (tab === undefined) return;
  if (tab.sessionId === null) {
    const session = sessions.get(key);
    if (tab.wasOpen && session !== undefined) {
      // Its last connect was cancelled: a new session, in this tab, below its scrollback.
      forgetTyped(key);
      updateTab(key, { reconnectAt: null, status: { state: 'connecting' }, error: null });
      await startInTab(key, tab.target, session);
      return;
    }
    // Opening never got a session: open again from scratch in the same tab.
    closeTabNow(key);
    await openTab(tab.target);
    return;
  }
  forgetTyped(key);
  updateTab(key, { reconnectAt: null, status: { state: 'connecting' } });
  const result = await bridge().call('ssh:reconnect', { sessionId: tab.sessionId });
  if (!result.ok) {
    updateTab(key, { status: { state: 'closed' }, error: failureText(tab.target, result.error) });
    return;
  }
  // The profile may have been edited since: the status line names where it went this time. The
  // log is opened again too, and may be written this time.
  updateTab(key, {
    error: null,
    title: result.data.title || tab.title,
    logStopped: result.data.logStopped,
  });
  const session = sessions.get(key);
  const size = session ? { cols: session.term.cols, rows: session.term.rows } : null;
  if (size) void bridge().call('ssh:resize', { sessionId: tab.sessionId, ...size });
}

/**
 * Cancel while a tab connects. A tab that never connected goes away; one that was open (this is
 * a reconnect) stays, closed, with its scrollback, and may be reconnected later.
 */
export function cancelConnect(key: string): void {
  const tab = selectors.byKey(useTerminalsStore.getState(), key);
  if (tab === undefined) return;
  if (!tab.wasOpen) {
    closeTabNow(key);
    return;
  }
  stopReconnectCountdown(key);
  // The host forgets the session; its late events no longer match this tab.
  if (tab.sessionId !== null) void bridge().call('ssh:close', { sessionId: tab.sessionId });
  const message = 'Reconnecting was cancelled.';
  forgetTyped(key);
  updateTab(key, {
    sessionId: null,
    reconnectAt: null,
    // As after cancelling the countdown: the next drop counts its attempts from the first.
    reconnectAttempt: 0,
    status: { state: 'closed', reason: { kind: 'cancelled', retryable: false, message } },
  });
  sessions.get(key)?.term.write(`\r\n\x1b[2m[${message}]\x1b[0m\r\n`);
}
