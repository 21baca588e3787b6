import { toast } from 'sonner';
import { useNavStore } from '../../stores/nav-store';
import { useProfilesStore, type Dialog } from './profiles-store';

/** Entry points shared by the Profiles page and the command palette. */
export function newProfile(): void {
  useNavStore.getState().go('profiles');
  useProfilesStore.getState().openEditor({ mode: 'new', kind: 'ssh' });
}

export function openProfilesDialog(dialog: Extract<Dialog, { type: 'import' | 'export' }>): void {
  useNavStore.getState().go('profiles');
  useProfilesStore.getState().openDialog(dialog);
}

export async function importSshConfig(): Promise<void> {
  useNavStore.getState().go('profiles');
  const result = await useProfilesStore.getState().importSshConfig();
  if (!result.ok) {
    toast.error(`Could not import ~/.ssh/config: ${result.error.message}`);
    return;
  }
  const { created, updated } = result.data;
  toast.success(
    created.length + updated.length === 0
      ? '~/.ssh/config has no Host entries to import.'
      : `Imported ~/.ssh/config: ${String(created.length)} created, ${String(updated.length)} updated.`,
  );
}
