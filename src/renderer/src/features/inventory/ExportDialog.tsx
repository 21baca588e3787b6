import { Download } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { ExportFormat } from '../../../../shared/inventory';
import { bridge } from '../../lib/bridge';
import { Modal } from '../profiles/Modal';
import { Segmented } from '../../components/Segmented';
import { useInventoryStore } from './inventory-store';

const formats: readonly { format: ExportFormat; label: string }[] = [
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
  { format: 'ansible', label: 'Ansible inventory' },
];

interface Ready {
  fileName: string;
  url: string;
  count: number;
}

/** Exports the selection or everything matching the filter; the file arrives as a Blob link. */
export function ExportDialog() {
  const selected = useInventoryStore((s) => s.selected);
  const query = useInventoryStore((s) => s.query);
  const sort = useInventoryStore((s) => s.sort);
  const total = useInventoryStore((s) => s.total);
  const totalExact = useInventoryStore((s) => s.totalExact);
  const [scope, setScope] = useState<'selection' | 'filter'>(
    selected.size > 0 ? 'selection' : 'filter',
  );
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [ready, setReady] = useState<Ready | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const close = (): void => {
    useInventoryStore.getState().openDialog(undefined);
  };
  // An export of nothing is an empty file that looks like a broken one: say so instead.
  const nothing = scope === 'selection' ? selected.size === 0 : totalExact && total === 0;

  useEffect(
    () => () => {
      if (ready) URL.revokeObjectURL(ready.url);
    },
    [ready],
  );

  const run = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    setReady(undefined);
    const target = scope === 'selection' ? { ids: [...selected] } : { query, sort };
    const result = await bridge().call('inventory:export', { target, format });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    const type =
      format === 'csv' ? 'text/csv' : format === 'json' ? 'application/json' : 'text/yaml';
    const url = URL.createObjectURL(new Blob([result.data.content], { type }));
    setReady({ fileName: result.data.fileName, url, count: result.data.count });
  };

  return (
    <Modal
      title="Export the inventory"
      description="Writes the assets as a file: the CLI's CSV and JSON, or an Ansible YAML inventory."
      testId="inventory-export-dialog"
      onClose={close}
    >
      <div className="modal-form">
        <fieldset className="modal-field plain">
          <legend>Assets</legend>
          <label className="checkbox">
            <input
              type="radio"
              name="export-scope"
              data-testid="export-scope-selection"
              checked={scope === 'selection'}
              disabled={selected.size === 0}
              onChange={() => {
                setScope('selection');
                setReady(undefined);
              }}
            />
            The selection ({selected.size})
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="export-scope"
              data-testid="export-scope-filter"
              checked={scope === 'filter'}
              onChange={() => {
                setScope('filter');
                setReady(undefined);
              }}
            />
            Everything matching {query === '' ? 'no filter' : <code>{query}</code>} (
            {total.toLocaleString()}
            {totalExact ? '' : '+'})
          </label>
        </fieldset>
        <Segmented
          label="Format"
          value={format}
          options={formats.map((f) => ({ value: f.format, label: f.label }))}
          testId={(value) => `export-format-${value}`}
          onChange={(value) => {
            setFormat(value);
            setReady(undefined);
          }}
        />
        {nothing ? (
          <p className="muted" data-testid="export-nothing">
            {scope === 'selection'
              ? 'Nothing is selected: there is nothing to export.'
              : 'No asset matches this filter: there is nothing to export.'}
          </p>
        ) : null}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        {ready ? (
          <p className="export-ready">
            <a
              className="button primary"
              href={ready.url}
              download={ready.fileName}
              data-testid="export-download"
            >
              <Download size={13} aria-hidden /> {ready.fileName}
            </a>
            <span className="muted">
              {ready.count.toLocaleString()} {ready.count === 1 ? 'asset' : 'assets'}
            </span>
          </p>
        ) : null}
        <div className="modal-actions">
          <button type="button" className="button" data-testid="export-close" onClick={close}>
            Close
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="export-run"
            disabled={busy || nothing}
            onClick={() => void run()}
          >
            Export
          </button>
        </div>
      </div>
    </Modal>
  );
}
