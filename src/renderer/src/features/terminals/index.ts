/** The Terminals feature's public surface for the rest of the app. */
export { openLxcConsole, openTerminalFor } from './terminal-actions';
export { TerminalsPage } from './TerminalsPage';
export { terminalCommands } from './palette-commands';
