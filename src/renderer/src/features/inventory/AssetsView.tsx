import { Columns3, Download, GitMerge, Star } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { toast } from 'sonner';
import { sectionById } from '../../app/sections';
import { matches } from '../../app/shortcuts';
import { EmptyState } from '../../components/EmptyState';
import { bridge } from '../../lib/bridge';
import { maxJoin } from '../../../../shared/inventory';
import { AddSourceButtons } from '../profiles/AddSourceButtons';
import { useSyncStore } from '../sync/sync-store';
import { AssetDetail } from './AssetDetail';
import { ColumnsDialog } from './ColumnsDialog';
import { groupByLabels, groupByOptions, type GroupBy } from './columns';
import { ExportDialog } from './ExportDialog';
import { useFocusReturn } from './focus-return';
import { InventoryTable } from './InventoryTable';
import { useInventoryStore } from './inventory-store';
import { useSavedSearches } from './saved-searches';
import { SavedSearchChips } from './SavedSearchChips';
import { SaveSearchDialog } from './SaveSearchDialog';
import { useSshKey } from './use-ssh-key';
import { QueryText, SearchBox } from './SearchBox';

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** Joins the selected assets; `done` runs once the Join button has gone with the selection. */
async function joinSelected(done: () => void): Promise<void> {
  const ids = [...useInventoryStore.getState().selected];
  const result = await bridge().call('inventory:join', { assetIds: ids });
  if (!result.ok) {
    toast.error(`Could not join: ${result.error.message}`);
    return;
  }
  toast.success(`Joined ${String(ids.length)} assets into ${result.data.asset.name}.`);
  useInventoryStore.getState().setSelected([]);
  useInventoryStore.getState().openDetail(result.data.asset.id);
  done();
}

/** The table of assets with its search, saved searches, grouping, columns, export and detail. */
export function AssetsView() {
  const cache = useInventoryStore((s) => s.cache);
  const total = useInventoryStore((s) => s.total);
  const totalExact = useInventoryStore((s) => s.totalExact);
  const query = useInventoryStore((s) => s.query);
  const groupBy = useInventoryStore((s) => s.groupBy);
  const selected = useInventoryStore((s) => s.selected);
  const detailId = useInventoryStore((s) => s.detailId);
  const dialog = useInventoryStore((s) => s.dialog);
  const saved = useSavedSearches();
  const loadError = useInventoryStore((s) => s.loadError);
  const sources = useSyncStore((s) => s.status?.sources);
  const searchRef = useRef<HTMLInputElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const saveRef = useRef<HTMLButtonElement>(null);
  useFocusReturn(dialog !== undefined, () => gridRef.current);
  useSshKey(gridRef);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!matches('inventory-search', event)) return;
      if (isTyping(event.target) || useInventoryStore.getState().dialog) return;
      event.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  const empty = cache !== undefined && total === 0 && query === '' && sources?.length === 0;

  // Arriving from a button that went away with its view (the overview's bars and counts, the
  // drift list), the keyboard would be nowhere: it starts in the table instead.
  useEffect(() => {
    if (empty) return;
    const active = document.activeElement;
    if (active === null || active === document.body) gridRef.current?.focus();
  }, [empty]);

  if (empty) {
    return (
      <EmptyState
        icon={sectionById('inventory').icon}
        title="No assets yet"
        testId="inventory-empty"
      >
        <p>{sectionById('inventory').summary}</p>
        <p className="muted">
          Add a Foreman, Proxmox VE, PatchMon or RouterOS profile, then sync to fill it.
        </p>
        <AddSourceButtons />
      </EmptyState>
    );
  }

  return (
    <div className={`assets-view${detailId === undefined ? '' : ' with-detail'}`}>
      <div className="assets-main">
        <div className="toolbar inventory-toolbar">
          <SearchBox
            ref={searchRef}
            onLeave={() => {
              gridRef.current?.focus();
            }}
          />
          <div className="saved-searches" data-testid="saved-searches">
            <button
              ref={saveRef}
              type="button"
              className="icon-button"
              title="Save this search"
              aria-label="Save this search"
              data-testid="save-search"
              onClick={() => {
                useInventoryStore.getState().openDialog('save-search');
              }}
            >
              <Star size={14} aria-hidden />
            </button>
            <SavedSearchChips
              saved={saved}
              keepFocus={() => {
                saveRef.current?.focus();
              }}
            />
          </div>
        </div>
        <div className="toolbar inventory-toolbar secondary">
          <span className="muted" data-testid="inventory-count">
            {total.toLocaleString()}
            {totalExact ? ' ' : '+ '}
            {total === 1 && totalExact ? 'asset' : 'assets'}
            {selected.size > 0 ? ` · ${String(selected.size)} selected` : ''}
          </span>
          <label className="inline-field">
            Group by
            <select
              className="input"
              data-testid="group-by"
              value={groupBy}
              onChange={(event) => {
                useInventoryStore.getState().setGroupBy(event.target.value as GroupBy);
              }}
            >
              {groupByOptions.map((g) => (
                <option key={g} value={g}>
                  {groupByLabels[g]}
                </option>
              ))}
            </select>
          </label>
          <span className="spacer" />
          {selected.size > maxJoin ? (
            // Said in words, not in a disabled button's tooltip the keyboard never reaches.
            <span className="muted" data-testid="join-limit">
              A join merges at most {maxJoin} assets.
            </span>
          ) : selected.size >= 2 ? (
            <button
              type="button"
              className="button small"
              data-testid="join-selected"
              title="Merge the selected assets into one; the asset’s detail can split it again."
              onClick={() =>
                // The button goes away with the selection: the keys go on in the table.
                void joinSelected(() => {
                  gridRef.current?.focus();
                })
              }
            >
              <GitMerge size={12} aria-hidden /> Join {selected.size}
            </button>
          ) : null}
          {selected.size > 0 ? (
            <button
              type="button"
              className="button small"
              data-testid="clear-selection"
              onClick={() => {
                // The button goes away with the selection: the keys go on in the table.
                gridRef.current?.focus();
                useInventoryStore.getState().setSelected([]);
              }}
            >
              Clear selection
            </button>
          ) : null}
          <button
            type="button"
            className="button small"
            data-testid="columns-open"
            onClick={() => {
              useInventoryStore.getState().openDialog('columns');
            }}
          >
            <Columns3 size={12} aria-hidden /> Columns
          </button>
          <button
            type="button"
            className="button small"
            data-testid="export-open"
            onClick={() => {
              useInventoryStore.getState().openDialog('export');
            }}
          >
            <Download size={12} aria-hidden /> Export…
          </button>
        </div>
        {loadError ? (
          <div className="banner error" role="alert" data-testid="inventory-load-error">
            Rackside could not read the inventory: {loadError.message}
          </div>
        ) : null}
        {cache ? (
          <InventoryTable cache={cache} groupBy={groupBy} gridRef={gridRef} />
        ) : (
          <p className="muted grid-placeholder">Reading the inventory…</p>
        )}
        {cache !== undefined && total === 0 && totalExact && query !== '' ? (
          <p className="muted grid-empty" data-testid="inventory-no-match">
            No assets match <QueryText query={query} />.{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                useInventoryStore.getState().applyQuery('');
              }}
            >
              Show all assets
            </button>
          </p>
        ) : null}
        <p className="muted keys-hint">
          ↑/↓ PgUp/PgDn Home/End move · Space selects · Enter opens · / searches · Esc closes
        </p>
      </div>
      {detailId === undefined ? null : (
        <AssetDetail
          id={detailId}
          onClosed={() => {
            gridRef.current?.focus();
          }}
        />
      )}
      {dialog === 'export' ? <ExportDialog /> : null}
      {dialog === 'columns' ? <ColumnsDialog /> : null}
      {dialog === 'save-search' ? <SaveSearchDialog /> : null}
    </div>
  );
}
