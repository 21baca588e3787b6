import { ArrowLeft, ArrowRight } from 'lucide-react';
import { Modal } from '../profiles/Modal';
import { columnMeta, defaultLayout, moveColumn } from './columns';
import { useInventoryStore } from './inventory-store';

/** Which columns show, and in what order (kept in this installation's browser storage). */
export function ColumnsDialog() {
  const layout = useInventoryStore((s) => s.layout);
  const { setLayout, openDialog } = useInventoryStore.getState();
  return (
    <Modal
      title="Columns"
      description="Choose the columns of the inventory and their order."
      testId="columns-dialog"
      onClose={() => {
        openDialog(undefined);
      }}
    >
      <ul className="column-list">
        {layout.order
          .filter((id) => !columnMeta[id].fixed)
          .map((id) => (
            <li key={id} data-testid="column-choice" data-column={id}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  data-testid={`column-toggle-${id}`}
                  checked={!layout.hidden.includes(id)}
                  onChange={(event) => {
                    const hidden = event.target.checked
                      ? layout.hidden.filter((h) => h !== id)
                      : [...layout.hidden, id];
                    setLayout({ ...layout, hidden });
                  }}
                />
                {columnMeta[id].label}
              </label>
              <span className="column-move">
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Move ${columnMeta[id].label} left`}
                  onClick={() => {
                    setLayout({ ...layout, order: moveColumn(layout.order, id, -1) });
                  }}
                >
                  <ArrowLeft size={12} aria-hidden />
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Move ${columnMeta[id].label} right`}
                  onClick={() => {
                    setLayout({ ...layout, order: moveColumn(layout.order, id, 1) });
                  }}
                >
                  <ArrowRight size={12} aria-hidden />
                </button>
              </span>
            </li>
          ))}
      </ul>
      <div className="modal-actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            setLayout(defaultLayout);
          }}
        >
          Reset
        </button>
        <button
          type="button"
          className="button primary"
          data-testid="columns-close"
          onClick={() => {
            openDialog(undefined);
          }}
        >
          Done
        </button>
      </div>
    </Modal>
  );
}
