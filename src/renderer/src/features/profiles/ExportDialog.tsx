import { Download } from 'lucide-react';
import { useEffect, useState } from 'react';
import { bridge } from '../../lib/bridge';
import { Modal } from './Modal';
import { useProfilesStore } from './profiles-store';

interface Exported {
  fileName: string;
  url: string;
  encrypted: boolean;
}

/**
 * Export some or all profiles. With a passphrase the file is encrypted and carries the secrets;
 * without one it carries none. The file is handed over as a Blob download link.
 */
export function ExportDialog() {
  const profiles = useProfilesStore((s) => s.profiles);
  const selectedId = useProfilesStore((s) => s.selectedId);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(
    () => new Set(selectedId !== undefined ? [selectedId] : profiles.map((p) => p.id)),
  );
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [exported, setExported] = useState<Exported | undefined>();
  const [busy, setBusy] = useState(false);
  const all = profiles.length > 0 && profiles.every((p) => chosen.has(p.id));

  useEffect(() => {
    return () => {
      if (exported) URL.revokeObjectURL(exported.url);
    };
  }, [exported]);

  const close = (): void => {
    useProfilesStore.getState().openDialog(undefined);
  };
  const toggle = (id: string): void => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
    setExported(undefined);
  };

  const run = async (): Promise<void> => {
    if (passphrase !== confirmation) {
      setError('The passphrases differ.');
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await bridge().call('profiles:export', {
      ids: all ? 'all' : [...chosen],
      passphrase: passphrase === '' ? null : passphrase,
    });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    const blob = new Blob([result.data.content], { type: 'application/json' });
    setExported({
      fileName: result.data.fileName,
      url: URL.createObjectURL(blob),
      encrypted: passphrase !== '',
    });
    setPassphrase('');
    setConfirmation('');
  };

  return (
    <Modal title="Export profiles" testId="export-dialog" onClose={close}>
      <form
        className="modal-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <div className="export-list" role="group" aria-label="Profiles to export">
          <label className="switch">
            <input
              type="checkbox"
              checked={all}
              data-testid="export-all"
              onChange={() => {
                setChosen(new Set(all ? [] : profiles.map((p) => p.id)));
                setExported(undefined);
              }}
            />
            <span>All profiles ({profiles.length})</span>
          </label>
          {profiles.map((profile) => (
            <label key={profile.id} className="switch nested">
              <input
                type="checkbox"
                checked={chosen.has(profile.id)}
                onChange={() => {
                  toggle(profile.id);
                }}
              />
              <span>{profile.name}</span>
            </label>
          ))}
        </div>
        <label className="modal-field">
          <span>Passphrase (optional)</span>
          <input
            type="password"
            className="input"
            autoComplete="new-password"
            data-testid="export-passphrase"
            value={passphrase}
            onChange={(event) => {
              setPassphrase(event.target.value);
              setExported(undefined);
            }}
          />
        </label>
        {passphrase !== '' ? (
          <label className="modal-field">
            <span>Passphrase again</span>
            <input
              type="password"
              className="input"
              autoComplete="new-password"
              data-testid="export-passphrase-confirm"
              value={confirmation}
              onChange={(event) => {
                setConfirmation(event.target.value);
              }}
            />
          </label>
        ) : null}
        <p className="field-help" data-testid="export-mode">
          {passphrase === ''
            ? 'Without a passphrase no secrets are written: the file holds names, addresses and settings only.'
            : 'With a passphrase the file is encrypted and includes the stored secrets.'}
        </p>
        {error !== undefined ? (
          <p className="field-error" role="alert" data-testid="export-error">
            {error}
          </p>
        ) : null}
        {exported ? (
          <p className="export-ready" role="status">
            <a
              className="button primary"
              href={exported.url}
              download={exported.fileName}
              data-testid="export-download"
            >
              <Download size={13} aria-hidden /> Save {exported.fileName}
            </a>
            <span className="muted">
              {exported.encrypted ? 'Encrypted, with secrets.' : 'Plain, without secrets.'}
            </span>
          </p>
        ) : null}
        <div className="modal-actions">
          <button type="button" className="button" data-testid="export-close" onClick={close}>
            {exported ? 'Done' : 'Cancel'}
          </button>
          <button
            type="submit"
            className="button primary"
            data-testid="export-run"
            disabled={chosen.size === 0 || busy}
          >
            Export
          </button>
        </div>
      </form>
    </Modal>
  );
}
