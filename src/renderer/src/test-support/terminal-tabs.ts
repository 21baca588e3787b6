import type { EventName, EventPayload } from '../../../shared/contract';
import type { SshSessionView } from '../../../shared/ssh';
import type { TerminalTab } from '../features/terminals/terminals-store';
import { createBridge, setBridge } from '../lib/bridge';
import type { BridgeCall } from './fake-bridge';

/** An open tab as the store holds it, for tests. */
export function openTab(
  key: string,
  target: TerminalTab['target'],
  name: string | null = null,
  ordinal = 1,
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
    logStopped: null,
    broadcast: false,
    pane: 0,
    reconnectAt: null,
    reconnectAttempt: 0,
    error: null,
    ordinal,
  };
}

/**
 * The Terminals feature subscribes to the host's events once per window, so the listeners are
 * kept here, for every bridge a test file installs after the first.
 */
const listeners = new Map<string, Set<(payload: unknown) => void>>();

export interface SshBridge {
  /** Every command sent, in order. */
  calls: BridgeCall[];
  /** Pushes an event as the host does (a session's status, a prompt). */
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void;
}

/**
 * A bridge to a host whose SSH sessions start and never say more than the test makes them say:
 * `ssh:open` starts `session-1`, `session-2`, … (titled `user@host:port` for a quick connection,
 * logged to `/data/session-logs/session-1.log`, … when asked), `ssh:reconnect` takes the session
 * back, other SSH commands answer null, and the rest wait.
 */
export function installSshBridge(): SshBridge {
  const calls: BridgeCall[] = [];
  let opened = 0;
  const view = (
    id: string,
    title = 'ops@10.16.0.5:22',
    logFile: string | null = null,
  ): SshSessionView => ({
    id,
    title,
    profileId: null,
    status: { state: 'connecting' },
    hops: [],
    logFile,
    logStopped: null,
    attached: false,
  });
  setBridge(
    createBridge({
      invoke: (channel, request) => {
        calls.push({ channel, request });
        switch (channel) {
          case 'ssh:open':
          case 'ssh:lxc-console': {
            opened += 1;
            const id = `session-${String(opened)}`;
            const { quick, log } = request as {
              quick?: { user: string; host: string; port: number };
              log?: boolean;
            };
            const title =
              quick === undefined ? undefined : `${quick.user}@${quick.host}:${String(quick.port)}`;
            const logFile = log === true ? `/data/session-logs/${id}.log` : null;
            return Promise.resolve({ ok: true, data: view(id, title, logFile) });
          }
          case 'ssh:reconnect':
            return Promise.resolve({
              ok: true,
              data: view((request as { sessionId: string }).sessionId),
            });
          default:
            // Other SSH commands (resize, close) have nothing to say; the rest of the core is
            // still working.
            return channel.startsWith('ssh:')
              ? Promise.resolve({ ok: true, data: null })
              : new Promise(() => undefined);
        }
      },
      on: (name, listener) => {
        const forName = listeners.get(name) ?? new Set();
        forName.add(listener);
        listeners.set(name, forName);
        return () => forName.delete(listener);
      },
    }),
  );
  return {
    calls,
    emit: (name, payload) => {
      for (const listener of listeners.get(name) ?? []) listener(payload);
    },
  };
}
