import { Keyboard, Lock, Monitor, Moon, Sun, type LucideIcon } from 'lucide-react';
import { toast } from 'sonner';
import type { Theme } from '../../../shared/settings';
import { inventoryCommands } from '../features/inventory/palette-commands';
import { profileCommands } from '../features/profiles/palette-commands';
import { terminalCommands } from '../features/terminals/palette-commands';
import { useNavStore } from '../stores/nav-store';
import { useSettingsStore } from '../stores/settings-store';
import { useVaultStore } from '../stores/vault-store';
import { sections } from './sections';

export interface PaletteCommand {
  id: string;
  group:
    | 'Go to'
    | 'Connect'
    | 'Assets'
    | 'Saved searches'
    | 'Appearance'
    | 'Vault'
    | 'Profiles'
    | 'Fleet'
    | 'Terminals'
    | 'Help';
  label: string;
  /** A second, quieter line of text (an address, a kind). */
  detail?: string;
  icon: LucideIcon;
  keywords: string[];
  shortcut?: string;
  run: () => void | Promise<void>;
}

const themes: readonly { theme: Theme; label: string; icon: LucideIcon }[] = [
  { theme: 'light', label: 'Use light theme', icon: Sun },
  { theme: 'dark', label: 'Use dark theme', icon: Moon },
  { theme: 'system', label: 'Follow system theme', icon: Monitor },
];

export async function setTheme(theme: Theme): Promise<void> {
  const error = await useSettingsStore.getState().update({ theme });
  if (error) toast.error(`Could not change the theme: ${error.message}`);
}

export async function lockVault(): Promise<void> {
  const error = await useVaultStore.getState().lock();
  if (error) toast.error(`Could not lock the vault: ${error.message}`);
}

/** Everything the command palette offers; features add their own commands here. */
export function paletteCommands(): PaletteCommand[] {
  const go = useNavStore.getState().go;
  return [
    ...sections.map<PaletteCommand>((section) => ({
      id: `go:${section.id}`,
      group: 'Go to',
      label: section.label,
      icon: section.icon,
      keywords: [section.id, 'open', 'go'],
      shortcut: section.key,
      run: () => {
        go(section.id);
      },
    })),
    ...inventoryCommands,
    ...profileCommands,
    ...terminalCommands(),
    ...themes.map<PaletteCommand>(({ theme, label, icon }) => ({
      id: `theme:${theme}`,
      group: 'Appearance',
      label,
      icon,
      keywords: ['theme', 'appearance', theme],
      run: () => setTheme(theme),
    })),
    {
      id: 'vault:lock',
      group: 'Vault',
      label: 'Lock the vault now',
      icon: Lock,
      keywords: ['lock', 'vault', 'secure'],
      shortcut: 'L',
      run: lockVault,
    },
    {
      id: 'help:shortcuts',
      group: 'Help',
      label: 'Keyboard shortcuts',
      icon: Keyboard,
      keywords: ['keys', 'keyboard', 'shortcuts', 'help', 'hotkeys', '?'],
      run: () => {
        useNavStore.getState().setShortcutsOpen(true);
      },
    },
  ];
}
