import { useState } from 'react';
import { toast } from 'sonner';
import type { ProfileView } from '../../../../shared/profiles';
import { Modal } from './Modal';
import { useProfilesStore } from './profiles-store';

export function DeleteDialog(props: { profile: ProfileView }) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
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
      description="The profile and the secrets stored for it are removed from this machine. This cannot be undone."
      testId="delete-dialog"
      role="alertdialog"
      onClose={close}
    >
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
