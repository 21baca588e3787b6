import { create } from 'zustand';
import type { SessionPrompt, SessionStatus } from '../../../../shared/ssh';
import { formatAddress } from './quick-connect';

/** How a tab's session was opened, so it can be described and opened again. */
export type TabTarget =
  | { kind: 'profile'; profileId: string; label: string }
  | { kind: 'quick'; user: string; host: string; port: number }
  | {
      kind: 'lxc';
      nodeProfileId: string;
      vmid: number;
      /** The node's name. */
      label: string;
      hostname?: string | null;
      /** The node's SSH profile, as named when the console was opened. */
      profileName?: string;
    };

export interface TerminalTab {
  key: string;
  target: TabTarget;
  sessionId: string | null;
  /** `user@host:port` from the main side, or the target's label until it answers. */
  title: string;
  /** A name the user gave the tab. */
  name: string | null;
  status: SessionStatus;
  /** The session was open at least once (a later close may reconnect automatically). */
  wasOpen: boolean;
  logFile: string | null;
  /** Why `logFile` stopped being written (briefly), as the terminal said; null while it is. */
  logStopped: string | null;
  /** Input typed in one broadcast tab goes to every broadcast tab. */
  broadcast: boolean;
  pane: 0 | 1;
  /** Automatic reconnect scheduled for this time (ms since epoch), with its attempt number. */
  reconnectAt: number | null;
  reconnectAttempt: number;
  /** Why opening failed before a session existed (no such profile, vault locked, …). */
  error: string | null;
  /**
   * The tab's number among tabs of the same label, given when it opened or was renamed and kept
   * for its life, so moving or closing other tabs never renumbers it; shown from 2 on.
   */
  ordinal: number;
}

export interface TerminalSettings {
  fontFamily: string;
  fontSize: number;
  /** Write new sessions' output to a log file in the data folder. */
  logSessions: boolean;
}

export interface TerminalsState {
  tabs: TerminalTab[];
  active: [string | null, string | null];
  split: boolean;
  focusedPane: 0 | 1;
  prompts: SessionPrompt[];
  settings: TerminalSettings;
  /** A tab waiting for "close the live session?" confirmation. */
  confirmClose: string | null;
  /** Pane whose scrollback search bar is open. */
  searchOpen: [boolean, boolean];
  /** Counts each pane's requests for its search bar (Ctrl+Shift+F); each one focuses the field. */
  searchRequests: [number, number];
}

const settingsKey = 'rackside.terminal-settings';
export const defaultSettings: TerminalSettings = {
  fontFamily: 'ui-monospace, "JetBrains Mono", Menlo, Consolas, monospace',
  fontSize: 13,
  logSessions: false,
};

function loadSettings(): TerminalSettings {
  try {
    const raw = window.localStorage.getItem(settingsKey);
    if (raw === null) return defaultSettings;
    const parsed = JSON.parse(raw) as Partial<TerminalSettings>;
    return {
      fontFamily:
        typeof parsed.fontFamily === 'string' && parsed.fontFamily.length <= 200
          ? parsed.fontFamily
          : defaultSettings.fontFamily,
      fontSize:
        typeof parsed.fontSize === 'number' && parsed.fontSize >= 8 && parsed.fontSize <= 32
          ? parsed.fontSize
          : defaultSettings.fontSize,
      logSessions: parsed.logSessions === true,
    };
  } catch {
    return defaultSettings;
  }
}

export function saveSettings(settings: TerminalSettings): void {
  try {
    window.localStorage.setItem(settingsKey, JSON.stringify(settings));
  } catch {
    // Private windows may refuse storage; the settings then last for this run only.
  }
}

export const initialState: TerminalsState = {
  tabs: [],
  active: [null, null],
  split: false,
  focusedPane: 0,
  prompts: [],
  settings: defaultSettings,
  confirmClose: null,
  searchOpen: [false, false],
  searchRequests: [0, 0],
};

/** Terminal tabs and prompts. Terminal output never passes through here (see terminal-session). */
export const useTerminalsStore = create<TerminalsState>()(() => ({
  ...initialState,
  settings: loadSettings(),
}));

/** What a target is called before (and, for profiles and containers, after) it connects. */
export function describeTarget(target: TabTarget): string {
  switch (target.kind) {
    case 'profile':
      return target.label;
    case 'quick':
      return formatAddress(target.user, target.host, target.port);
    case 'lxc':
      return `CT ${String(target.vmid)} on ${target.label}`;
  }
}

export const selectors = {
  /** The user's name for the tab, else the profile's or container's, else `user@host:port`. */
  tabLabel: (tab: TerminalTab): string =>
    tab.name ?? (tab.target.kind === 'quick' ? tab.title : describeTarget(tab.target)),
  /**
   * The label a tab shows: with its number from the second tab of one label on ("bastion-ber",
   * "bastion-ber (2)"), so sessions to one target can be told apart.
   */
  shownLabel: (_state: TerminalsState, tab: TerminalTab): string => {
    const label = selectors.tabLabel(tab);
    return tab.ordinal > 1 ? `${label} (${String(tab.ordinal)})` : label;
  },
  /** The number a tab labelled `label` gets now: one more than the highest open such tab. */
  nextOrdinal: (tabs: readonly TerminalTab[], label: string, except?: string): number =>
    1 +
    Math.max(
      0,
      ...tabs
        .filter((tab) => tab.key !== except && selectors.tabLabel(tab) === label)
        .map((tab) => tab.ordinal),
    ),
  isLive: (tab: TerminalTab): boolean => tab.sessionId !== null && tab.status.state !== 'closed',
  paneTabs: (state: TerminalsState, pane: 0 | 1): TerminalTab[] =>
    state.tabs.filter((tab) => (state.split ? tab.pane === pane : true)),
  /** The tab a pane shows: its active one, else its last. */
  shownTab: (state: TerminalsState, pane: 0 | 1): TerminalTab | undefined => {
    const tabs = selectors.paneTabs(state, pane);
    return tabs.find((tab) => tab.key === state.active[pane]) ?? tabs.at(-1);
  },
  byKey: (state: TerminalsState, key: string | null): TerminalTab | undefined =>
    key === null ? undefined : state.tabs.find((tab) => tab.key === key),
  bySession: (state: TerminalsState, sessionId: string): TerminalTab | undefined =>
    state.tabs.find((tab) => tab.sessionId === sessionId),
  /** The live tabs input typed in tab `key` reaches: every broadcast tab when it broadcasts. */
  inputTargets: (state: TerminalsState, key: string): TerminalTab[] => {
    const from = state.tabs.find((tab) => tab.key === key);
    if (from === undefined) return [];
    const targets = from.broadcast ? state.tabs.filter((tab) => tab.broadcast) : [from];
    return targets.filter(selectors.isLive);
  },
};

export function updateTab(key: string, patch: Partial<TerminalTab>): void {
  useTerminalsStore.setState((state) => ({
    tabs: state.tabs.map((tab) => (tab.key === key ? { ...tab, ...patch } : tab)),
  }));
}
