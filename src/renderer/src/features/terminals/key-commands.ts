import { useNavStore } from '../../stores/nav-store';
import { openTab } from './session-start';
import { cycleTab, requestClose } from './tab-actions';
import { move } from './tab-layout';
import type { KeyCommand } from './terminal-session';
import { selectors, useTerminalsStore } from './terminals-store';

// The keys a terminal keeps for the app (Ctrl+PageDown, Ctrl+Shift+W…) and what each one does.

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

/** A new tab with a new session to the same profile, container or address. */
export function duplicateTab(key: string): void {
  const tab = selectors.byKey(useTerminalsStore.getState(), key);
  if (tab !== undefined) void openTab(tab.target);
}
