import { Download, FileUp, Plus, TerminalSquare } from 'lucide-react';
import type { PaletteCommand } from '../../app/commands';
import { importSshConfig, newProfile, openProfilesDialog } from './profile-actions';

/** The Profiles page's entries in the command palette. */
export const profileCommands: readonly PaletteCommand[] = [
  {
    id: 'profiles:new',
    group: 'Profiles',
    label: 'New profile…',
    icon: Plus,
    keywords: ['profile', 'create', 'add', 'connection'],
    run: newProfile,
  },
  {
    id: 'profiles:import',
    group: 'Profiles',
    label: 'Import profiles…',
    icon: FileUp,
    keywords: ['profile', 'import', 'manifest', 'file'],
    run: () => {
      openProfilesDialog({ type: 'import' });
    },
  },
  {
    id: 'profiles:export',
    group: 'Profiles',
    label: 'Export profiles…',
    icon: Download,
    keywords: ['profile', 'export', 'backup', 'file'],
    run: () => {
      openProfilesDialog({ type: 'export' });
    },
  },
  {
    id: 'profiles:import-ssh-config',
    group: 'Profiles',
    label: 'Import ~/.ssh/config',
    icon: TerminalSquare,
    keywords: ['profile', 'ssh', 'config', 'import', 'hosts'],
    run: importSshConfig,
  },
];
