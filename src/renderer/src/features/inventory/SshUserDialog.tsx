import { useState } from 'react';
import { SshUser } from '../../../../shared/ssh';
import { useSettingsStore } from '../../stores/settings-store';
import { Modal } from '../profiles/Modal';
import { initialSshUser, rememberSshUser } from './ssh-user';

/**
 * Asks who to log in as before an SSH terminal to an asset without an SSH profile: prefilled
 * with the user last used there, else the default SSH user, else the OS user, else root. Enter
 * connects; the user can also become the default for assets never connected to.
 */
export function SshUserDialog(props: {
  assetId: number;
  host: string;
  fallbackUser: string;
  onConnect: (user: string) => void;
  onClose: () => void;
}) {
  const settings = useSettingsStore((s) => s.settings);
  const info = useSettingsStore((s) => s.info);
  const [user, setUser] = useState(() =>
    initialSshUser(props.assetId, {
      defaultSshUser: settings?.defaultSshUser,
      osUser: info?.userName,
      fallback: props.fallbackUser,
    }),
  );
  const [makeDefault, setMakeDefault] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const connect = async (): Promise<void> => {
    if (user.trim() === '') {
      setError('Enter whom to log in as.');
      return;
    }
    const parsed = SshUser.safeParse(user.trim());
    if (!parsed.success) {
      setError('Enter a login name: no spaces or “@”, not starting with “-”.');
      return;
    }
    if (makeDefault) {
      const failed = await useSettingsStore.getState().update({ defaultSshUser: parsed.data });
      if (failed) {
        setError(`Could not keep the default SSH user: ${failed.message}`);
        return;
      }
    }
    rememberSshUser(props.assetId, parsed.data);
    props.onConnect(parsed.data);
  };

  return (
    <Modal
      title="Open SSH terminal"
      description={
        <>
          No SSH profile matches this asset; Rackside connects to <code>{props.host}</code>.
        </>
      }
      testId="ssh-user-dialog"
      onClose={props.onClose}
    >
      <form
        className="modal-form"
        onSubmit={(event) => {
          event.preventDefault();
          void connect();
        }}
      >
        <label className="modal-field">
          User
          <input
            className="input mono"
            data-testid="ssh-user"
            autoFocus
            spellCheck={false}
            autoComplete="off"
            maxLength={64}
            value={user}
            aria-invalid={error !== undefined}
            onChange={(event) => {
              setUser(event.target.value);
              setError(undefined);
            }}
          />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="ssh-user-default"
            checked={makeDefault}
            onChange={(event) => {
              setMakeDefault(event.target.checked);
            }}
          />
          Use this user by default for assets I have not connected to yet
        </label>
        {error === undefined ? null : (
          <p className="field-error" role="alert" data-testid="ssh-user-error">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="ssh-user-connect">
            Connect
          </button>
        </div>
      </form>
    </Modal>
  );
}
