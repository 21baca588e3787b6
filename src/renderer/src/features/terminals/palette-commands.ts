import { ArrowRightLeft, Columns2, SquareTerminal } from 'lucide-react';
import type { PaletteCommand } from '../../app/commands';
import { useNavStore } from '../../stores/nav-store';
import { moveShownTabToOtherPane, toggleSplit } from './tab-layout';
import { useTerminalsStore } from './terminals-store';

/**
 * The Terminals entries in the command palette: splitting needs a terminal, moving a tab to the
 * other pane a split.
 */
export function terminalCommands(): PaletteCommand[] {
  const { tabs, split } = useTerminalsStore.getState();
  return allCommands.filter(
    (command) =>
      command.id === 'terminals:quick-connect' ||
      (command.id === 'terminals:split' && tabs.length > 0) ||
      (command.id === 'terminals:move-to-other-pane' && split && tabs.length > 1),
  );
}

const allCommands: readonly PaletteCommand[] = [
  {
    id: 'terminals:quick-connect',
    group: 'Terminals',
    label: 'Quick connect (user@host:port)…',
    icon: SquareTerminal,
    keywords: ['ssh', 'terminal', 'connect', 'quick'],
    run: () => {
      useNavStore.getState().go('terminals');
      requestAnimationFrame(() => {
        document.querySelector<HTMLInputElement>('[data-testid="quick-connect-input"]')?.focus();
      });
    },
  },
  {
    id: 'terminals:split',
    group: 'Terminals',
    label: 'Split terminals side by side',
    icon: Columns2,
    keywords: ['ssh', 'terminal', 'split', 'pane'],
    run: () => {
      useNavStore.getState().go('terminals');
      toggleSplit();
    },
  },
  {
    id: 'terminals:move-to-other-pane',
    group: 'Terminals',
    label: 'Move the terminal tab to the other pane',
    icon: ArrowRightLeft,
    keywords: ['ssh', 'terminal', 'tab', 'split', 'pane', 'move'],
    run: () => {
      useNavStore.getState().go('terminals');
      moveShownTabToOtherPane();
    },
  },
];
