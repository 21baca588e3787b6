import { useState } from 'react';
import { Modal } from '../profiles/Modal';
import { maxSavedSearchName } from '../../../../shared/settings';
import { useInventoryStore } from './inventory-store';
import { saveSearch, useSavedSearches } from './saved-searches';

/**
 * Saves the text in the search box under a name. A text the parser refuses is not saved (the
 * table still shows the last query that ran, which is not what the box says), and a name already
 * in use says which search it replaces before it does.
 */
export function SaveSearchDialog() {
  const query = useInventoryStore((s) => s.draft);
  const queryError = useInventoryStore((s) => s.queryError);
  const saved = useSavedSearches();
  const [name, setName] = useState(query.slice(0, maxSavedSearchName));
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const { openDialog } = useInventoryStore.getState();
  const trimmed = name.trim();
  const replaces = saved.find((s) => s.name === trimmed && s.query !== query);
  const save = async (): Promise<void> => {
    if (trimmed === '' || queryError) return;
    setSaving(true);
    const failed = await saveSearch({ name: trimmed, query });
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
        {queryError ? (
          <p className="field-error" role="alert" data-testid="save-search-invalid">
            This search has an error, so it cannot be saved: {queryError.message}
          </p>
        ) : null}
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
        {replaces ? (
          <p className="muted" data-testid="save-search-replaces">
            A saved search is already called “{replaces.name}”: saving replaces its query{' '}
            <code>{replaces.query === '' ? '(everything)' : replaces.query}</code>.
          </p>
        ) : null}
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
            disabled={trimmed === '' || saving || queryError !== undefined}
          >
            {replaces ? 'Replace' : 'Save'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
