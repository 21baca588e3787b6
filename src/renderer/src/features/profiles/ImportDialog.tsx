import { useState } from 'react';
import { toast } from 'sonner';
import { maxImportBytes, type ImportSummary } from '../../../../shared/contract';
import { Modal } from './Modal';
import { useProfilesStore } from './profiles-store';

interface PickedFile {
  name: string;
  content: string;
  encrypted: boolean;
}

/** Encrypted exports say so in their envelope; plain exports and manifests do not. */
export function isEncryptedExport(content: string): boolean {
  try {
    const json = JSON.parse(content) as unknown;
    return (
      typeof json === 'object' &&
      json !== null &&
      (json as { rackside?: unknown }).rackside === 'profile-export'
    );
  } catch {
    return false;
  }
}

export function summarizeImport(summary: ImportSummary): string {
  const parts = [
    `${String(summary.created.length)} created`,
    `${String(summary.updated.length)} updated`,
    ...(summary.unchanged.length > 0 ? [`${String(summary.unchanged.length)} unchanged`] : []),
  ];
  return parts.join(', ');
}

/** Import a profile file: a manifest, a plain export, or an encrypted export (asks its passphrase). */
export function ImportDialog() {
  const [file, setFile] = useState<PickedFile | undefined>();
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [summary, setSummary] = useState<ImportSummary | undefined>();
  const [busy, setBusy] = useState(false);
  const close = (): void => {
    useProfilesStore.getState().openDialog(undefined);
  };

  const pick = async (picked: File | undefined): Promise<void> => {
    setError(undefined);
    setSummary(undefined);
    setFile(undefined);
    if (!picked) return;
    if (picked.size > maxImportBytes) {
      setError(
        `${picked.name} is larger than ${String(maxImportBytes / 1024 / 1024)} MiB; it is not a profile file.`,
      );
      return;
    }
    const content = await picked.text();
    if (content.trim() === '') {
      setError(`${picked.name} is empty: there is nothing to import.`);
      return;
    }
    const encrypted = isEncryptedExport(content);
    if (encrypted) {
      // Its envelope is checked before the passphrase is asked: a damaged export, or one from a
      // newer Rackside, says so at once. Without a passphrase nothing is imported.
      const check = await useProfilesStore.getState().importFile(content, null);
      if (!check.ok && check.error.code !== 'wrong-passphrase') {
        setError(check.error.message);
        return;
      }
    }
    setFile({ name: picked.name, content, encrypted });
  };

  const run = async (): Promise<void> => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    const result = await useProfilesStore
      .getState()
      .importFile(file.content, file.encrypted ? passphrase : null);
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setSummary(result.data);
    setPassphrase('');
    toast.success(`Imported ${file.name}: ${summarizeImport(result.data)}.`);
  };

  return (
    <Modal
      title="Import profiles"
      description="A Rackside export (plain or encrypted) or a profile manifest. Profiles are matched by name: existing ones are updated. If any entry is invalid, nothing is imported."
      testId="import-dialog"
      onClose={close}
    >
      <form
        className="modal-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <input
          type="file"
          accept=".json,application/json"
          data-testid="import-file"
          aria-label="Profile file"
          onChange={(event) => void pick(event.target.files?.[0])}
        />
        {file?.encrypted ? (
          <label className="modal-field">
            <span>This export is encrypted. Its passphrase:</span>
            <input
              type="password"
              className="input"
              autoComplete="off"
              data-testid="import-passphrase"
              value={passphrase}
              onChange={(event) => {
                setPassphrase(event.target.value);
              }}
            />
          </label>
        ) : null}
        {error !== undefined ? (
          <p className="field-error" role="alert" data-testid="import-error">
            {error}
          </p>
        ) : null}
        {summary ? (
          <div className="import-summary" role="status" data-testid="import-summary">
            <p>{summarizeImport(summary)}.</p>
            {summary.created.length > 0 ? (
              <p className="muted">Created: {summary.created.join(', ')}</p>
            ) : null}
            {summary.updated.length > 0 ? (
              <p className="muted">Updated: {summary.updated.join(', ')}</p>
            ) : null}
          </div>
        ) : null}
        <div className="modal-actions">
          <button type="button" className="button" data-testid="import-close" onClick={close}>
            {summary ? 'Done' : 'Cancel'}
          </button>
          <button
            type="submit"
            className="button primary"
            data-testid="import-run"
            disabled={!file || busy || (file.encrypted && passphrase === '')}
          >
            Import
          </button>
        </div>
      </form>
    </Modal>
  );
}
