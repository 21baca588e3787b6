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
  const { created, updated, unchanged } = result.data;
  const skipped = result.data.skipped ?? [];
  const notes = result.data.notes ?? [];
  // What was left out, and why, stays in sight until dismissed: a host missing from the list
  // would otherwise be a mystery; so does a setting taken another way.
  const said =
    skipped.length + notes.length === 0
      ? {}
      : { description: skippedList([...skipped, ...notes]), duration: Infinity };
  const imported = created.length + updated.length + unchanged.length;
  const message =
    imported === 0 && skipped.length === 0
      ? '~/.ssh/config has no Host entries to import.'
      : `Imported ~/.ssh/config: ${String(created.length)} created, ${String(updated.length)} updated` +
        (unchanged.length > 0 ? `, ${String(unchanged.length)} unchanged` : '') +
        (skipped.length > 0 ? `, ${String(skipped.length)} skipped` : '') +
        (notes.length > 0
          ? `, ${String(notes.length)} ${notes.length === 1 ? 'note' : 'notes'}.`
          : '.');
  if (skipped.length + notes.length > 0) toast.warning(message, said);
  else toast.success(message);
}

/** "proxied: it connects through a ProxyCommand…; noport: connection.port: …" */
export function skippedList(skipped: readonly { name: string; reason: string }[]): string {
  return skipped.map((skip) => `${skip.name}: ${skip.reason}`).join('; ');
}
