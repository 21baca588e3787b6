import { selectors, useTerminalsStore, type TerminalTab } from './terminals-store';

/**
 * Where tabs sit: their order in a pane, the split, and moving tabs between the two panes. Only
 * the tabs' places change here; their sessions and terminals stay as they are.
 */

/**
 * Moves a tab one place left (-1) or right (+1) among the tabs of its pane: it trades places
 * with its neighbour there, so tabs of the other pane (hidden in between) do not swallow a step.
 */
export function move(key: string, by: -1 | 1): void {
  useTerminalsStore.setState((state) => {
    const from = state.tabs.findIndex((tab) => tab.key === key);
    const moved = state.tabs[from];
    if (moved === undefined) return {};
    const samePane = (tab: TerminalTab): boolean => !state.split || tab.pane === moved.pane;
    let to = from + by;
    let neighbour = state.tabs[to];
    while (neighbour !== undefined && !samePane(neighbour)) {
      to += by;
      neighbour = state.tabs[to];
    }
    if (neighbour === undefined) return {};
    const tabs = [...state.tabs];
    tabs[to] = moved;
    tabs[from] = neighbour;
    return { tabs };
  });
}

/**
 * Moves a tab to just before or after another tab (a tab dragged onto another). Within its pane
 * it goes one `move` at a time: it passes the same tabs, and skips the same hidden ones, as the
 * keyboard moves. A tab of the other pane takes it into that pane (see `moveToPane`).
 */
export function moveBeside(key: string, targetKey: string, side: 'before' | 'after'): void {
  const state = useTerminalsStore.getState();
  const tab = selectors.byKey(state, key);
  const target = selectors.byKey(state, targetKey);
  if (tab === undefined || target === undefined || key === targetKey) return;
  if (state.split && tab.pane !== target.pane) {
    moveToPane(key, target.pane, { key: targetKey, side });
    return;
  }
  const keys = selectors.paneTabs(state, state.split ? tab.pane : 0).map((t) => t.key);
  const from = keys.indexOf(key);
  const at = keys.indexOf(targetKey);
  // The place it takes among its pane's tabs once it has left its own.
  const to = (at > from ? at - 1 : at) + (side === 'after' ? 1 : 0);
  const by = to > from ? 1 : -1;
  for (let place = from; place !== to; place += by) move(key, by);
}

export function toggleSplit(): void {
  useTerminalsStore.setState((state) => {
    if (state.split) {
      return { split: false, focusedPane: 0, active: [state.active[0] ?? state.active[1], null] };
    }
    // The second pane starts with the active tab's neighbour, if any.
    const other = state.tabs.find((tab) => tab.key !== state.active[0]);
    const tabs = state.tabs.map((tab) =>
      tab.key === other?.key ? { ...tab, pane: 1 as const } : { ...tab, pane: 0 as const },
    );
    return { split: true, tabs, active: [state.active[0], other?.key ?? null] };
  });
}

/**
 * Moves a tab of the split into the other pane, `beside` one of that pane's tabs or else after
 * its last, and shows it there. Only the tab changes pane: its session and terminal stay as they
 * are (the terminal's element is placed in the other pane; see `TerminalSession.mount`), so
 * nothing reconnects and the scrollback stays. The pane it leaves shows what closing the tab
 * would have shown: its last tab, or, with none left, how to start one there.
 */
export function moveToPane(
  key: string,
  pane: 0 | 1,
  beside?: { key: string; side: 'before' | 'after' },
): void {
  useTerminalsStore.setState((state) => {
    const moved = selectors.byKey(state, key);
    if (!state.split || moved === undefined || moved.pane === pane) return {};
    const rest = state.tabs.filter((tab) => tab.key !== key);
    let at: number;
    if (beside === undefined) {
      const last = rest.findLastIndex((tab) => tab.pane === pane);
      at = last === -1 ? rest.length : last + 1;
    } else {
      const target = rest.findIndex((tab) => tab.key === beside.key && tab.pane === pane);
      if (target === -1) return {};
      at = beside.side === 'after' ? target + 1 : target;
    }
    const tabs = [...rest.slice(0, at), { ...moved, pane }, ...rest.slice(at)];
    const active: [string | null, string | null] = [...state.active];
    active[pane] = key;
    if (active[moved.pane] === key) {
      active[moved.pane] = rest.filter((tab) => tab.pane === moved.pane).at(-1)?.key ?? null;
    }
    return { tabs, active, focusedPane: pane };
  });
}

export function moveToOtherPane(key: string): void {
  const tab = selectors.byKey(useTerminalsStore.getState(), key);
  if (tab !== undefined) moveToPane(key, tab.pane === 0 ? 1 : 0);
}

/**
 * The keyboard's way to move a tab between panes (from the command palette): the tab the
 * focused pane shows goes to the other one. With one pane, the terminals split first and the
 * tab goes to the new pane, beside the tabs it leaves.
 */
export function moveShownTabToOtherPane(): void {
  const state = useTerminalsStore.getState();
  const pane = state.split ? state.focusedPane : 0;
  const tab = selectors.shownTab(state, pane);
  if (tab === undefined) return;
  if (!state.split) {
    useTerminalsStore.setState({
      split: true,
      tabs: state.tabs.map((t) => ({ ...t, pane: 0 as const })),
      active: [tab.key, null],
    });
  }
  moveToOtherPane(tab.key);
}
