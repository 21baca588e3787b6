import { useState } from 'react';
import { Modal } from '../profiles/Modal';
import { maxSavedSearchName } from '../../../../shared/settings';
import { useInventoryStore } from './inventory-store';
import { saveSearch } from './saved-searches';

export function SaveSearchDialog() {
  const query = useInventoryStore((s) => s.query);
  const [name, setName] = useState(query.slice(0, maxSavedSearchName));
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const { openDialog } = useInventoryStore.getState();
  const save = async (): Promise<void> => {
    if (name.trim() === '') return;
    setSaving(true);
    const failed = await saveSearch({ name: name.trim(), query });
    setSaving(false);
    if (failed) setError(failed.message);
    else openDialog(undefined);
  };
  return (
    <Modal
      title="Save this search"
      description={<code>{query === '' ? '(everything)' : query}</code>}
      testId="save-search-dialog"
      onClose={() => {
        openDialog(undefined);
      }}
    >
      <form
        className="modal-form"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label className="modal-field">
          Name
          <input
            className="input"
            data-testid="save-search-name"
            maxLength={maxSavedSearchName}
            value={name}
            aria-invalid={error !== undefined}
            onChange={(event) => {
              setName(event.target.value);
              setError(undefined);
            }}
          />
        </label>
        {error === undefined ? null : (
          <p className="field-error" role="alert" data-testid="save-search-error">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              openDialog(undefined);
            }}
          >
            Cancel
          </button>
          <button
            type="submit"
            className="button primary"
            data-testid="save-search-confirm"
            disabled={name.trim() === '' || saving}
          >
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
