import { create } from 'zustand';
import type { SessionStatus } from '../../../../shared/ssh';
import { sessions } from './terminal-registry';
import { holdTyped, takeTyped } from './typeahead';
import { selectors, useTerminalsStore } from './terminals-store';

// What reaches a tab's shell: keys typed (to every broadcast tab, or kept while it connects)
// and pastes once confirmed.

/**
 * Input typed in a broadcast tab goes to every broadcast tab that is open. The tab typed into
 * also keeps what is typed while it connects (`typeahead.ts`); another broadcast tab does not —
 * a command meant for the open ones must not run there later, after a reconnect, unseen.
 */
export function sendInput(key: string, data: string): void {
  const state = useTerminalsStore.getState();
  const from = selectors.byKey(state, key);
  if (from === undefined) return;
  const targets = from.broadcast ? state.tabs.filter((tab) => tab.broadcast) : [from];
  for (const tab of targets) {
    const { state: now } = tab.status;
    if (now === 'open' && tab.sessionId !== null) sessions.get(tab.key)?.send(data);
    else if (tab.key === key && (now === 'connecting' || now === 'authenticating')) {
      holdTyped(tab.key, data);
    }
  }
}

/** What was typed ahead goes out once the session opens, and is dropped when it closes first. */
export function settleTypeahead(key: string, state: SessionStatus['state']): void {
  if (state === 'connecting' || state === 'authenticating') return;
  const kept = takeTyped(key);
  if (kept === undefined || state !== 'open') return;
  const session = sessions.get(key);
  if ('keys' in kept) session?.send(kept.keys);
  else session?.term.write(`\x1b[2m[${kept.notice}]\x1b[0m\r\n`);
}

/** A paste with line breaks waiting for confirmation. */
export const usePasteStore = create<{ pending: { key: string; text: string } | null }>()(() => ({
  pending: null,
}));

export function confirmPaste(confirmed: boolean): void {
  const pending = usePasteStore.getState().pending;
  usePasteStore.setState({ pending: null });
  if (!pending || !confirmed) return;
  sessions.get(pending.key)?.paste(pending.text);
}
