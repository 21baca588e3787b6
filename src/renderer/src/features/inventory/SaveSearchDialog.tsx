import { useState } from 'react';
import { Modal } from '../profiles/Modal';
import { useInventoryStore } from './inventory-store';

export function SaveSearchDialog() {
  const query = useInventoryStore((s) => s.query);
  const [name, setName] = useState(query.slice(0, 80));
  const { saveSearch, openDialog } = useInventoryStore.getState();
  const save = (): void => {
    if (name.trim() !== '') saveSearch(name.trim());
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
          save();
        }}
      >
        <label className="modal-field">
          Name
          <input
            className="input"
            data-testid="save-search-name"
            maxLength={80}
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        </label>
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
            disabled={name.trim() === ''}
          >
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
