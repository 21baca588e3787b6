import { useState } from 'react';
import { toast } from 'sonner';
import type { ProfileView } from '../../../../shared/profiles';
import { selectors, useTerminalsStore } from '../terminals/terminals-store';
import { Modal } from './Modal';
import { useProfilesStore } from './profiles-store';

export function DeleteDialog(props: { profile: ProfileView }) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // Terminals open through this profile (as the target or a container's node) stay connected,
  // but cannot reconnect or be duplicated once it is gone.
  const live = useTerminalsStore(
    (s) =>
      s.tabs.filter(
        (tab) =>
          selectors.isLive(tab) &&
          ((tab.target.kind === 'profile' && tab.target.profileId === props.profile.id) ||
            (tab.target.kind === 'lxc' && tab.target.nodeProfileId === props.profile.id)),
      ).length,
  );
  const close = (): void => {
    useProfilesStore.getState().openDialog(undefined);
  };
  const confirm = async (): Promise<void> => {
    setBusy(true);
    const failure = await useProfilesStore.getState().remove(props.profile.id);
    setBusy(false);
    if (failure) setError(failure.message);
    else toast.success(`Deleted “${props.profile.name}”.`);
  };
  return (
    <Modal
      title={`Delete “${props.profile.name}”?`}
      description={
        props.profile.connection.kind === 'ssh'
          ? 'The profile and the secrets stored for it are removed from this machine. This cannot be undone.'
          : 'The profile, the secrets stored for it, its records in the inventory and the joins and splits made by hand with them are removed from this machine. This cannot be undone.'
      }
      testId="delete-dialog"
      role="alertdialog"
      onClose={close}
    >
      {live > 0 ? (
        <p className="field-help" data-testid="delete-live-terminals">
          {live === 1 ? 'A terminal is' : `${String(live)} terminals are`} open with this profile:{' '}
          {live === 1 ? 'it stays' : 'they stay'} connected, but cannot reconnect once the profile
          is deleted.
        </p>
      ) : null}
      {error !== undefined ? (
        <p className="field-error" role="alert" data-testid="delete-error">
          {error}
        </p>
      ) : null}
      <div className="modal-actions">
        <button
          type="button"
          className="button"
          data-testid="delete-cancel"
          onClick={close}
          autoFocus
        >
          Cancel
        </button>
        <button
          type="button"
          className="button danger-solid"
          data-testid="delete-confirm"
          disabled={busy}
          onClick={() => void confirm()}
        >
          Delete profile
        </button>
      </div>
    </Modal>
  );
}
