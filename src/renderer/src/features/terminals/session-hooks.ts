import { bridge } from '../../lib/bridge';
import { runKeyCommand } from './key-commands';
import { sendInput, usePasteStore } from './terminal-input';
import { sessions } from './terminal-registry';
import type { KeyCommand } from './terminal-session';
import { setSearchOpen } from './tab-actions';
import { selectors, updateTab, useTerminalsStore } from './terminals-store';

// What a tab's terminal asks of the app: input and replies for its session, resizes, paste
// confirmation, search, key commands, and taking back a stream it lost.

export function sessionHooks(key: string) {
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
