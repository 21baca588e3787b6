import type { SshSessionView } from '../../../../shared/ssh';
import type { Result } from '../../../../shared/result';
import { bridge } from '../../lib/bridge';
import { useNavStore } from '../../stores/nav-store';
import { sessionHooks } from './session-hooks';
import { subscribe } from './ssh-events';
import { newTabKey, sessions } from './terminal-registry';
import { TerminalSession } from './terminal-session';
import {
  describeTarget,
  selectors,
  updateTab,
  useTerminalsStore,
  type TabTarget,
  type TerminalTab,
} from './terminals-store';

// Opening a tab and starting its session — to a profile, an address or a container's console —
// or giving a tab to a session that a window showed before it was reloaded.

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
  const key = newTabKey();
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
  const key = newTabKey();
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
export async function startInTab(
  key: string,
  target: TabTarget,
  session: TerminalSession,
): Promise<void> {
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
