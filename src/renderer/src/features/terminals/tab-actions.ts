import { bridge } from '../../lib/bridge';
import { focusLost, rescueFocus } from '../../lib/focus';
import { cancelAutoReconnect } from './reconnect-countdown';
import { sessionFor, sessions } from './terminal-registry';
import { forgetTyped } from './typeahead';
import { selectors, updateTab, useTerminalsStore, type TerminalTab } from './terminals-store';

// What is done to tabs as tabs: showing, cycling, naming, broadcasting, searching and closing.

/** Shows the next (or previous) tab of the same pane, wrapping around. */
export function cycleTab(key: string, by: -1 | 1): void {
  const state = useTerminalsStore.getState();
  const tab = selectors.byKey(state, key);
  if (tab === undefined) return;
  const tabs = selectors.paneTabs(state, state.split ? tab.pane : 0);
  const at = tabs.findIndex((t) => t.key === key);
  const next = tabs[(at + by + tabs.length) % tabs.length];
  if (next !== undefined && next.key !== key) activate(next.key);
}

/** Closing a tab with a live session asks first. */
export function requestClose(key: string): void {
  const tab = selectors.byKey(useTerminalsStore.getState(), key);
  if (tab === undefined) return;
  if (selectors.isLive(tab)) useTerminalsStore.setState({ confirmClose: key });
  else closeTabNow(key);
}

export function closeTabNow(key: string): void {
  const state = useTerminalsStore.getState();
  const tab = selectors.byKey(state, key);
  if (tab === undefined) return;
  cancelAutoReconnect(key);
  forgetTyped(key);
  if (tab.sessionId !== null) void bridge().call('ssh:close', { sessionId: tab.sessionId });
  sessions.get(key)?.dispose();
  sessions.delete(key);
  const tabs = state.tabs.filter((t) => t.key !== key);
  const active: [string | null, string | null] = [...state.active];
  for (const pane of [0, 1] as const) {
    if (active[pane] === key) {
      // The pane shows the tab that was next to the closed one — the one after it, or before
      // it when it was the last — as browsers do.
      const inPane = (t: TerminalTab): boolean => (state.split ? t.pane === pane : true);
      const before = state.tabs.slice(0, state.tabs.indexOf(tab)).filter(inPane);
      const after = state.tabs.slice(state.tabs.indexOf(tab) + 1).filter(inPane);
      active[pane] = (after[0] ?? before.at(-1))?.key ?? null;
    }
  }
  useTerminalsStore.setState({
    tabs,
    active,
    confirmClose: state.confirmClose === key ? null : state.confirmClose,
  });
  const pane = state.split ? tab.pane : 0;
  if (state.active[pane] === key) keepKeyboardAfterClose(pane);
}

/**
 * After a shown tab closed (through its confirmation, say, whose focus went back to the closed
 * terminal): the terminal its pane shows now takes the keyboard, else the other pane's, else the
 * section's heading — unless something else took it meanwhile.
 */
function keepKeyboardAfterClose(pane: 0 | 1): void {
  requestAnimationFrame(() => {
    if (!focusLost()) return;
    const state = useTerminalsStore.getState();
    const next =
      selectors.shownTab(state, pane) ??
      (state.split ? selectors.shownTab(state, pane === 0 ? 1 : 0) : undefined);
    if (next !== undefined) sessionFor(next.key)?.focus();
    rescueFocus();
  });
}

export function activate(key: string): void {
  const state = useTerminalsStore.getState();
  const tab = selectors.byKey(state, key);
  if (tab === undefined) return;
  const pane = state.split ? tab.pane : 0;
  const active: [string | null, string | null] = [...state.active];
  active[pane] = key;
  useTerminalsStore.setState({ active, focusedPane: pane });
}

/** Names a tab (a blank name gives its default back), numbered among tabs of that name. */
export function rename(key: string, name: string): void {
  const trimmed = name.trim().slice(0, 60);
  const state = useTerminalsStore.getState();
  const tab = selectors.byKey(state, key);
  if (tab === undefined) return;
  const renamed = { ...tab, name: trimmed === '' ? null : trimmed };
  if (selectors.tabLabel(renamed) === selectors.tabLabel(tab)) return;
  const ordinal = selectors.nextOrdinal(state.tabs, selectors.tabLabel(renamed), key);
  updateTab(key, { name: renamed.name, ordinal });
}

export function toggleBroadcast(key: string): void {
  const tab = selectors.byKey(useTerminalsStore.getState(), key);
  if (tab) updateTab(key, { broadcast: !tab.broadcast });
}

export function setSearchOpen(pane: 0 | 1, open: boolean): void {
  useTerminalsStore.setState((state) => {
    const searchOpen: [boolean, boolean] = [...state.searchOpen];
    searchOpen[pane] = open;
    const searchRequests: [number, number] = [...state.searchRequests];
    if (open) searchRequests[pane] += 1;
    return { searchOpen, searchRequests };
  });
}
