// What the Terminals views and the rest of the app do to terminal tabs, in one import. Each
// action lives in the module named for its job.

export { runKeyCommand, duplicateTab } from './key-commands';
export { reconnectDelaysMs, cancelAutoReconnect } from './reconnect-countdown';
export { reconnect, cancelConnect } from './reconnect';
export {
  failureText,
  openTab,
  adoptSession,
  openTerminalFor,
  openLxcConsole,
  type AdoptedTab,
} from './session-start';
export {
  cycleTab,
  requestClose,
  closeTabNow,
  activate,
  rename,
  toggleBroadcast,
  setSearchOpen,
} from './tab-actions';
export { sendInput, usePasteStore, confirmPaste } from './terminal-input';
export { sessionFor, updateSettings } from './terminal-registry';
