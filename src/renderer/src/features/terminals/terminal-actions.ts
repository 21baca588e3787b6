import { create } from 'zustand';
import type { SessionStatus, SshSessionView } from '../../../../shared/ssh';
import type { Result } from '../../../../shared/result';
import { bridge } from '../../lib/bridge';
import { focusLost, rescueFocus } from '../../lib/focus';
import { prepareTerminalChannels } from '../../lib/terminal-channel';
import { useNavStore } from '../../stores/nav-store';
import { move } from './tab-layout';
import { TerminalSession, type KeyCommand } from './terminal-session';
import { forgetTyped, holdTyped, takeTyped } from './typeahead';
import {
  describeTarget,
  saveSettings,
  selectors,
  updateTab,
  useTerminalsStore,
  type TabTarget,
  type TerminalSettings,
  type TerminalTab,
} from './terminals-store';

/** xterm.js instances by tab key; they outlive the components that show them. */
const sessions = new Map<string, TerminalSession>();
const reconnectTimers = new Map<string, ReturnType<typeof setTimeout>>();
let nextKey = 1;
let subscribed = false;

/** Automatic reconnect: delays for attempts 1, 2, … (then it stops). */
export const reconnectDelaysMs = [3_000, 6_000, 12_000, 24_000, 48_000];

export function sessionFor(key: string): TerminalSession | undefined {
  return sessions.get(key);
}

/** Push events for SSH, subscribed once for the whole renderer. */
function subscribe(): void {
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
    clearTimeout(reconnectTimers.get(tab.key));
    reconnectTimers.set(
      tab.key,
      setTimeout(() => {
        reconnectTimers.delete(tab.key);
        void reconnect(tab.key);
      }, delay),
    );
  }
}

function sessionHooks(key: string) {
  return {
    input: (data: string) => {
      sendInput(key, data);
    },
    reply: (data: string) => {
      const tab = selectors.byKey(useTerminalsStore.getState(), key);
      if (tab !== undefined && selectors.isLive(tab)) sessions.get(key)?.send(data);
    },
    resized: (cols: number, rows: number) => {
      const tab = selectors.byKey(useTerminalsStore.getState(), key);
      if (tab?.sessionId && selectors.isLive(tab)) {
        void bridge().call('ssh:resize', { sessionId: tab.sessionId, cols, rows });
      }
    },
    confirmPaste: (text: string) => {
      usePasteStore.setState({ pending: { key, text } });
    },
    openSearch: () => {
      const tab = selectors.byKey(useTerminalsStore.getState(), key);
      if (tab) setSearchOpen(useTerminalsStore.getState().split ? tab.pane : 0, true);
    },
    keyCommand: (command: KeyCommand) => {
      runKeyCommand(key, command);
    },
    streamLost: () => {
      void takeStreamBack(key);
    },
  };
}

/**
 * Tab `key`'s stream was lost while its session lives on: its terminal connects again, and the
 * stream comes back with the session's latest output — under Electron the host pushes a new port
 * on `ssh:attach`; in a browser the new socket asks for the replay itself, and `ssh:attach` only
 * shows again a question the session still has open.
 */
async function takeStreamBack(key: string): Promise<void> {
  const tab = selectors.byKey(useTerminalsStore.getState(), key);
  const session = sessions.get(key);
  if (tab?.sessionId == null || session === undefined) return;
  session.reattach(tab.sessionId);
  const attached = await bridge().call('ssh:attach', { sessionId: tab.sessionId });
  if (!attached.ok) {
    updateTab(key, {
      error: `This terminal's output stopped and could not be taken back: ${attached.error.message}`,
    });
  }
}

/** A terminal key (Ctrl+PageDown, Ctrl+Shift+W…) on tab `key`. */
export function runKeyCommand(key: string, command: KeyCommand): void {
  switch (command) {
    case 'next':
      cycleTab(key, 1);
      break;
    case 'previous':
      cycleTab(key, -1);
      break;
    case 'move-right':
      move(key, 1);
      break;
    case 'move-left':
      move(key, -1);
      break;
    case 'close':
      requestClose(key);
      break;
    case 'duplicate':
      duplicateTab(key);
      break;
    case 'palette':
      useNavStore.getState().setPaletteOpen(true);
      break;
  }
}

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

/** A new tab with a new session to the same profile, container or address. */
export function duplicateTab(key: string): void {
  const tab = selectors.byKey(useTerminalsStore.getState(), key);
  if (tab !== undefined) void openTab(tab.target);
}

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
function settleTypeahead(key: string, state: SessionStatus['state']): void {
  if (state === 'connecting' || state === 'authenticating') return;
  const kept = takeTyped(key);
  if (kept === undefined || state !== 'open') return;
  const session = sessions.get(key);
  if ('keys' in kept) session?.send(kept.keys);
  else session?.term.write(`\x1b[2m[${kept.notice}]\x1b[0m\r\n`);
}

async function startSession(
  target: TabTarget,
  size: { cols: number; rows: number },
  log: boolean,
): Promise<Result<SshSessionView>> {
  switch (target.kind) {
    case 'profile':
      return bridge().call('ssh:open', { profileId: target.profileId, ...size, log });
    case 'quick':
      return bridge().call('ssh:open', {
        quick: { user: target.user, host: target.host, port: target.port },
        ...size,
        log,
      });
    case 'lxc':
      return bridge().call('ssh:lxc-console', {
        nodeProfileId: target.nodeProfileId,
        vmid: target.vmid,
        hostname: target.hostname ?? null,
        ...size,
        log,
      });
  }
}

/**
 * What a tab says when its session could not start. A profile deleted since the tab opened is
 * named, not shown as the internal id the host's answer carries. A container console's tab is
 * labelled with its node, which is not the profile's name.
 */
export function failureText(target: TabTarget, error: { code: string; message: string }): string {
  if (error.code === 'not-found' && target.kind !== 'quick' && /\bprofile\b/i.test(error.message)) {
    if (target.kind === 'profile') {
      return `The profile "${target.label}" was deleted. Open the terminal again from another profile.`;
    }
    const profile =
      target.profileName === undefined
        ? `The SSH profile of the node ${target.label}`
        : `The profile "${target.profileName}"`;
    return `${profile} was deleted. Open the container's console again from the inventory.`;
  }
  return error.message;
}

/** Opens a new tab with a session to `target`, in the focused pane. */
export async function openTab(target: TabTarget): Promise<void> {
  subscribe();
  const state = useTerminalsStore.getState();
  const key = `tab-${String(nextKey++)}`;
  const pane = state.split ? state.focusedPane : 0;
  const tab: TerminalTab = {
    key,
    target,
    sessionId: null,
    title: describeTarget(target),
    name: null,
    status: { state: 'connecting' },
    wasOpen: false,
    logFile: null,
    logStopped: null,
    broadcast: false,
    pane,
    reconnectAt: null,
    reconnectAttempt: 0,
    error: null,
    ordinal: 1,
  };
  const session = new TerminalSession(state.settings, sessionHooks(key));
  sessions.set(key, session);
  useTerminalsStore.setState((s) => {
    const active: [string | null, string | null] = [...s.active];
    active[pane] = key;
    const numbered = { ...tab, ordinal: selectors.nextOrdinal(s.tabs, selectors.tabLabel(tab)) };
    return { tabs: [...s.tabs, numbered], active };
  });
  await startInTab(key, target, session);
}

/** A tab as a reloaded window shows it again (see terminal-restore). */
export interface AdoptedTab {
  target: TabTarget;
  name: string | null;
  pane: 0 | 1;
  broadcast: boolean;
  /** The number it had there; a new one when it had none. */
  ordinal?: number | undefined;
}

/**
 * Gives a session an earlier window showed (before a reload) a tab in this one: its terminal
 * starts with the session's latest output, and the host's stream moves here. Returns the key.
 */
export async function adoptSession(saved: AdoptedTab, view: SshSessionView): Promise<string> {
  subscribe();
  const key = `tab-${String(nextKey++)}`;
  const tab: TerminalTab = {
    key,
    target: saved.target,
    sessionId: view.id,
    title: view.title || describeTarget(saved.target),
    name: saved.name,
    status: view.status,
    // One still connecting may be a first connect: cancelling it then closes the tab.
    wasOpen: view.status.state === 'open' || view.status.state === 'closed',
    logFile: view.logFile,
    logStopped: view.logStopped,
    broadcast: saved.broadcast,
    pane: saved.pane,
    reconnectAt: null,
    reconnectAttempt: 0,
    error: null,
    ordinal: 1,
  };
  const session = new TerminalSession(useTerminalsStore.getState().settings, sessionHooks(key));
  sessions.set(key, session);
  useTerminalsStore.setState((s) => ({
    tabs: [
      ...s.tabs,
      {
        ...tab,
        ordinal: saved.ordinal ?? selectors.nextOrdinal(s.tabs, selectors.tabLabel(tab)),
      },
    ],
  }));
  session.connect(view.id, { replay: true });
  const attached = await bridge().call('ssh:attach', { sessionId: view.id });
  if (!attached.ok) {
    updateTab(key, {
      status: { state: 'closed' },
      error: `This terminal could not be shown again: ${attached.error.message}`,
    });
  }
  return key;
}

/** Starts a session for tab `key` and connects its terminal to it. */
async function startInTab(key: string, target: TabTarget, session: TerminalSession): Promise<void> {
  const size = { cols: Math.max(session.term.cols, 2), rows: Math.max(session.term.rows, 1) };
  const result = await startSession(
    target,
    size,
    useTerminalsStore.getState().settings.logSessions,
  );
  if (!result.ok) {
    updateTab(key, {
      error: failureText(target, result.error),
      status: { state: 'closed' },
    });
    return;
  }
  const current = selectors.byKey(useTerminalsStore.getState(), key);
  if (!sessions.has(key) || current === undefined || current.status.state === 'closed') {
    // The tab was closed, or its connect cancelled, while the session was starting.
    void bridge().call('ssh:close', { sessionId: result.data.id });
    return;
  }
  session.connect(result.data.id);
  updateTab(key, {
    sessionId: result.data.id,
    title: result.data.title || describeTarget(target),
    logFile: result.data.logFile,
    logStopped: result.data.logStopped,
    // A status event may have arrived before this answer; keep the newer one.
    status: current.status.state === 'connecting' ? result.data.status : current.status,
  });
  session.refit();
  // The tab was fitted to its pane while the session started, and resizes without a session id
  // go nowhere: the shell gets the size the terminal has now.
  const { cols, rows } = session.term;
  if (cols !== size.cols || rows !== size.rows) {
    void bridge().call('ssh:resize', { sessionId: result.data.id, cols, rows });
  }
}

/** Opens a terminal from anywhere in the app (profiles, inventory): switches to Terminals. */
export function openTerminalFor(
  target: { profileId: string; label?: string } | { host: string; user: string; port?: number },
): Promise<void> {
  useNavStore.getState().go('terminals');
  return openTab(
    'profileId' in target
      ? { kind: 'profile', profileId: target.profileId, label: target.label ?? 'SSH profile' }
      : { kind: 'quick', user: target.user, host: target.host, port: target.port ?? 22 },
  );
}

/** Opens a Proxmox container's console (`pct enter <vmid>`) through its node's SSH profile. */
export function openLxcConsole(target: {
  nodeProfileId: string;
  vmid: number;
  node: string;
  hostname: string | null;
  profileName?: string;
}): Promise<void> {
  useNavStore.getState().go('terminals');
  return openTab({
    kind: 'lxc',
    nodeProfileId: target.nodeProfileId,
    vmid: target.vmid,
    label: target.node,
    hostname: target.hostname,
    ...(target.profileName === undefined ? {} : { profileName: target.profileName }),
  });
}

export async function reconnect(key: string): Promise<void> {
  clearTimeout(reconnectTimers.get(key));
  reconnectTimers.delete(key);
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
 * Stops the countdown to the next automatic reconnect. The attempts start over: a later drop
 * (after reconnecting by hand, say) counts from the first again, with its short delay.
 */
export function cancelAutoReconnect(key: string): void {
  clearTimeout(reconnectTimers.get(key));
  reconnectTimers.delete(key);
  updateTab(key, { reconnectAt: null, reconnectAttempt: 0 });
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
  clearTimeout(reconnectTimers.get(key));
  reconnectTimers.delete(key);
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

export function updateSettings(patch: Partial<TerminalSettings>): void {
  const settings = { ...useTerminalsStore.getState().settings, ...patch };
  saveSettings(settings);
  useTerminalsStore.setState({ settings });
  for (const session of sessions.values()) session.applySettings(settings);
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
