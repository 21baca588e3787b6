import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp } from 'lucide-react';
import { toast } from 'sonner';
import { memo, useEffect, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import type { AssetRow } from '../../../../shared/inventory';
import { inventoryRowMoves, matches, type InventoryRowMove } from '../../app/shortcuts';
import { modKey } from '../../components/Kbd';
import { isTyping } from '../../lib/typing';
import { useNow } from '../sync/use-now';
import { FreshnessDot, PatchCount, RebootFlag, SourceBadges, StatusText } from './cells';
import { ColumnResizer } from './ColumnResizer';
import {
  columnIds,
  columnMeta,
  columnWidth,
  groupValue,
  type ColumnId,
  type GroupBy,
} from './columns';
import { inventorySelectors, useInventoryStore, type SelectAllResult } from './inventory-store';
import type { RowCache } from './row-cache';

/**
 * Ctrl+A's outcome, when the table alone does not show it: a cap reached, a search changed before
 * the answer came, or a failure.
 */
function announceSelectAll(result: SelectAllResult): void {
  if (result.ok === false) toast.error(`Could not select all: ${result.message}`);
  else if (result.ok === 'stale') {
    toast.info(
      'The search changed before its matching assets were selected, so nothing was. ' +
        `Press ${modKey}+A again to select what it matches now.`,
    );
  } else if (result.ok === true && result.selected < result.total) {
    toast.info(
      `Selected the first ${result.selected.toLocaleString()} of ${result.total.toLocaleString()} ` +
        'matching assets: a selection holds at most that many. Export can take everything matching.',
    );
  }
}

export const rowHeight = 28;

/** A row of the visible window: loaded, or still on its way from the core. */
interface WindowRow {
  index: number;
  row: AssetRow | undefined;
  groupStart: string | undefined;
  /** The group of the top row in view when its group began above: the label stays in sight. */
  groupContinued: string | undefined;
}

const text = (value: string | null) => value ?? '';

/** Whether a key was pressed on a column's header (its sort button, its edge). */
const isInHeader = (target: EventTarget): boolean =>
  target instanceof Element && target.closest('[role="columnheader"]') !== null;

/** Cell contents per column; called directly (not as components) so rows never remount. */
/** The whole text of a cell whose column may be too narrow for it, shown when hovered. */
function cellTitle(id: ColumnId, row: AssetRow): string | undefined {
  switch (id) {
    case 'name':
      return row.name;
    case 'os':
      return row.os ?? undefined;
    case 'fqdn':
      return row.fqdn ?? undefined;
    case 'ips':
      return row.ips.join(', ') || undefined;
    case 'cluster':
      return row.cluster ?? undefined;
    case 'site':
      return row.site ?? undefined;
    case 'groups':
      return row.groups.join(', ') || undefined;
    case 'tags':
      return row.tags.join(' ') || undefined;
    default:
      return undefined;
  }
}

function renderCell(id: ColumnId, row: AssetRow, selected: boolean, now: number): React.ReactNode {
  switch (id) {
    case 'select':
      return (
        <input
          type="checkbox"
          tabIndex={-1}
          aria-label={`Select ${row.name}`}
          checked={selected}
          onChange={() => {
            useInventoryStore.getState().toggleSelected(row.id);
          }}
          onClick={(event) => {
            event.stopPropagation();
          }}
          data-testid="row-select"
        />
      );
    case 'freshness':
      return <FreshnessDot row={row} now={now} />;
    case 'name':
      return <span className="cell-name">{row.name}</span>;
    case 'kind':
      return row.kind;
    case 'status':
      return <StatusText status={row.status} />;
    case 'systems':
      return <SourceBadges systems={row.systems} />;
    case 'os':
      return text(row.os);
    case 'fqdn':
      return text(row.fqdn);
    case 'ips':
      return row.ips.join(', ');
    case 'cluster':
      return text(row.cluster);
    case 'site':
      return text(row.site);
    case 'groups':
      return row.groups.join(', ');
    case 'tags':
      return row.tags.join(' ');
    case 'updates':
      return <PatchCount value={row.patch.updates} />;
    case 'security':
      return <PatchCount value={row.patch.security} security />;
    case 'reboot':
      return <RebootFlag value={row.patch.rebootNeeded} />;
  }
}

interface GridRowProps {
  index: number;
  start: number;
  row: AssetRow | undefined;
  /** Visible column ids joined by spaces: a string, so unchanged layouts compare equal. */
  columns: string;
  gridColumns: string;
  grouped: boolean;
  groupStart: string | undefined;
  groupContinued: string | undefined;
  focused: boolean;
  selected: boolean;
  open: boolean;
  now: number;
}

/**
 * One row. Memoized: while scrolling only the rows entering the window render; the others keep
 * their props (a row's position depends only on its index).
 */
const GridRow = memo(function GridRow(props: GridRowProps) {
  const { row, index } = props;
  return (
    <div
      id={`asset-row-${String(index)}`}
      role="row"
      aria-rowindex={index + 1}
      aria-selected={props.selected}
      className={[
        'grid-row',
        props.focused ? 'focused' : '',
        props.open ? 'open' : '',
        props.groupStart !== undefined && index > 0 ? 'group-start' : '',
        row ? '' : 'loading',
      ].join(' ')}
      style={{
        transform: `translateY(${String(props.start)}px)`,
        gridTemplateColumns: props.gridColumns,
        // A row's box never depends on its cells: new text in one row lays out only that row.
        contain: 'strict',
      }}
      data-testid="inventory-row"
      data-index={index}
      data-id={row?.id}
      data-name={row?.name}
      onClick={(event) => {
        const store = useInventoryStore.getState();
        store.focus(index);
        if (!row) return;
        if (event.ctrlKey || event.metaKey) store.toggleSelected(row.id);
        else store.openDetail(row.id);
      }}
    >
      {props.grouped ? (
        <div
          role="gridcell"
          className="grid-td cell-group"
          data-testid="group-label"
          data-continued={props.groupContinued !== undefined}
          title={
            props.groupContinued === undefined ? undefined : `${props.groupContinued} (continued)`
          }
        >
          {props.groupStart ?? props.groupContinued ?? ''}
        </div>
      ) : null}
      {(props.columns.split(' ') as ColumnId[]).map((id) => (
        <div
          key={id}
          role="gridcell"
          className={`grid-td cell-${id}`}
          title={row ? cellTitle(id, row) : undefined}
        >
          {row ? renderCell(id, row, props.selected, props.now) : null}
        </div>
      ))}
    </div>
  );
});

/** A range being selected with Shift and the arrow keys. */
interface ShiftRange {
  cache: RowCache;
  /** Where the Shift moves began. */
  anchor: number;
  /** The selection before them. */
  base: ReadonlySet<number>;
  /** The selection they made: another change (a click, Clear selection) starts a new range. */
  applied: ReadonlySet<number>;
}

/** The column model (order, visibility, sort state) handled by TanStack Table. */
const columns: ColumnDef<WindowRow>[] = columnIds.map((id) => ({
  id,
  header: columnMeta[id].label,
  size: columnMeta[id].width,
  enableSorting: columnMeta[id].sort !== undefined,
}));

/**
 * Where the last table shown was scrolled, by its query and sort: shown again for the same ones
 * (after another section or view, or rows read again after a sync), it comes back there.
 */
let lastScroll: { key: string; offset: number } | undefined;
const scrollKey = (cache: RowCache): string => JSON.stringify([cache.query, cache.sort]);

/**
 * The fleet as a virtualized grid: a fixed number of row elements whatever the size of the
 * inventory, rows fetched page by page as they scroll into view. The rows are one tab stop; the
 * arrow keys, PgUp/PgDn, Home/End move, Space selects, Enter opens the detail. Sortable columns'
 * headers are buttons, and resizable columns' edges are separators ← → move: the tab stops
 * after the rows.
 */
export function InventoryTable(props: {
  cache: RowCache;
  groupBy: GroupBy;
  gridRef: React.RefObject<HTMLDivElement | null>;
}) {
  const { cache, groupBy } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = useInventoryStore((s) => s.total);
  const totalExact = useInventoryStore((s) => s.totalExact);
  const focused = useInventoryStore((s) => s.focused);
  const selected = useInventoryStore((s) => s.selected);
  const detailId = useInventoryStore((s) => s.detailId);
  const sort = useInventoryStore((s) => s.sort);
  const layout = useInventoryStore((s) => s.layout);
  const visible = inventorySelectors.visibleColumns({ layout });
  const now = useNow();
  // Re-render when a page of rows lands; the rows themselves stay in the cache.
  useSyncExternalStore(cache.subscribe, cache.version);

  // Where the table was scrolled when it was last shown with these rows (another section or
  // view in between): it comes back there, not at the focused row or the top.
  const [restoredOffset] = useState(() =>
    lastScroll?.key === scrollKey(cache) ? lastScroll.offset : undefined,
  );
  const restoring = useRef(restoredOffset !== undefined);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read in render by design
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    initialOffset: restoredOffset ?? 0,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    cache.ensure(first - 20, last + 20);
  }, [cache, first, last]);

  useEffect(() => {
    const element = scrollRef.current;
    if (restoredOffset !== undefined && element) element.scrollTop = restoredOffset;
  }, [restoredOffset]);

  useEffect(() => {
    if (total === 0) return;
    // Shown again where it was left: the focused row is not a reason to move.
    if (restoring.current) {
      restoring.current = false;
      return;
    }
    virtualizer.scrollToIndex(focused, { align: 'auto' });
  }, [focused, total, virtualizer]);

  const scrollOffset = virtualizer.scrollOffset ?? 0;
  // The top row in view: most of it below the sticky header (offsets start under the header).
  const topInView = items.find((item) => item.end > scrollOffset + rowHeight / 2)?.index;
  const windowRows: WindowRow[] = items.map((item) => {
    const row = cache.row(item.index);
    const previous = item.index > 0 ? cache.row(item.index - 1) : undefined;
    const value = row && groupBy !== 'none' ? groupValue(row, groupBy) : undefined;
    const groupStart =
      value !== undefined &&
      (item.index === 0 || (previous !== undefined && groupValue(previous, groupBy) !== value))
        ? value
        : undefined;
    const groupContinued = item.index === topInView && groupStart === undefined ? value : undefined;
    return { index: item.index, row, groupStart, groupContinued };
  });

  const sorting: SortingState = [
    {
      id: visible.find((id) => columnMeta[id].sort === sort.field) ?? sort.field,
      desc: sort.direction === 'desc',
    },
  ];
  const table = useReactTable({
    data: windowRows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (w) => String(w.index),
    manualSorting: true,
    // The data is the visible window and changes on every scroll; resetting paging or expansion
    // state on each change would re-render forever.
    autoResetAll: false,
    state: {
      columnOrder: layout.order,
      columnVisibility: Object.fromEntries(layout.hidden.map((id) => [id, false])),
      sorting,
    },
  });

  // A column being dragged wider or narrower: kept once the pointer lets go.
  const [dragged, setDragged] = useState<{ id: ColumnId; width: number } | undefined>();
  const widthOf = (id: ColumnId): number =>
    dragged?.id === id ? dragged.width : columnWidth(layout, id);
  const gridColumns = [
    ...(groupBy === 'none' ? [] : ['160px']),
    ...visible.map((id) => `${String(widthOf(id))}px`),
  ].join(' ');
  const width = (groupBy === 'none' ? 0 : 160) + visible.reduce((sum, id) => sum + widthOf(id), 0);

  /**
   * Shift with a move selects from the row where the Shift moves began (the anchor) to the row
   * reached, on top of what was selected before; moving back towards the anchor shrinks the
   * range again. Rows not loaded yet (far jumps) are left out.
   */
  const range = useRef<ShiftRange | undefined>(undefined);
  const extendSelection = (from: number, to: number): void => {
    const store = useInventoryStore.getState();
    const current =
      range.current?.cache === cache && range.current.applied === store.selected
        ? range.current
        : { cache, anchor: from, base: store.selected, applied: store.selected };
    const ids = new Set(current.base);
    for (let i = Math.min(current.anchor, to); i <= Math.max(current.anchor, to); i++) {
      const row = cache.row(i);
      if (row) ids.add(row.id);
    }
    store.setSelected(ids);
    range.current = { ...current, applied: useInventoryStore.getState().selected };
  };

  /** The table's keys, as the keyboard shortcuts list (`?`) shows them: asked of `matches()`. */
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    // A header's sort button and column edge take their own keys.
    if (isTyping(event.target) || isInHeader(event.target)) return;
    const store = useInventoryStore.getState();
    const move = matches('inventory-rows', event)
      ? inventoryRowMoves.find((key) => key === event.key)
      : undefined;
    if (move !== undefined) {
      event.preventDefault();
      if (move === 'End' && !cache.totalExact) {
        // "1,000+": the last row is known once the full count is read.
        range.current = undefined;
        void cache.countExactly().then(() => {
          const now = useInventoryStore.getState();
          if (now.cache === cache) now.focus(cache.total - 1);
        });
        return;
      }
      const page = Math.max(
        1,
        Math.floor((scrollRef.current?.clientHeight ?? 280) / rowHeight) - 1,
      );
      const moves: Record<InventoryRowMove, number> = {
        ArrowDown: store.focused + 1,
        ArrowUp: store.focused - 1,
        PageDown: store.focused + page,
        PageUp: store.focused - page,
        Home: 0,
        End: total - 1,
      };
      const target = moves[move];
      if (event.shiftKey) extendSelection(store.focused, Math.max(0, Math.min(target, total - 1)));
      else range.current = undefined;
      store.focus(target);
      return;
    }
    const row = cache.row(store.focused);
    if (matches('inventory-select', event) && row) {
      event.preventDefault();
      store.toggleSelected(row.id);
    } else if (matches('inventory-open', event) && row) {
      event.preventDefault();
      store.openDetail(row.id);
    } else if (matches('inventory-escape', event)) {
      if (store.detailId !== undefined) store.openDetail(undefined);
      else if (store.selected.size > 0) store.setSelected([]);
    } else if (matches('inventory-select-all', event)) {
      event.preventDefault();
      range.current = undefined;
      void store.selectAll().then(announceSelectAll);
    }
  };

  const focusedRow = cache.row(focused);
  const columnList = table
    .getVisibleLeafColumns()
    .map((c) => c.id)
    .join(' ');

  return (
    <div
      ref={props.gridRef}
      className="grid"
      role="grid"
      aria-rowcount={total}
      aria-colcount={visible.length}
      aria-label="Inventory"
      aria-activedescendant={focusedRow ? `asset-row-${String(focused)}` : undefined}
      tabIndex={0}
      data-testid="inventory-grid"
      data-total={total}
      data-total-exact={totalExact}
      data-query={cache.query}
      onKeyDown={onKeyDown}
    >
      {/* Not a tab stop of its own (Chromium makes a scroller with nothing focusable inside one:
          a second stop after the grid that shows no focus), and a click in it focuses the grid,
          which carries the focused row for assistive technology. */}
      <div
        ref={scrollRef}
        className="grid-scroll"
        tabIndex={-1}
        data-testid="inventory-scroll"
        onScroll={(event) => {
          lastScroll = { key: scrollKey(cache), offset: event.currentTarget.scrollTop };
        }}
        onFocus={(event) => {
          // Without moving the page: in a small window that would move the row away from under
          // the pointer between its press and release, and the click would open nothing.
          if (event.target === event.currentTarget) {
            props.gridRef.current?.focus({ preventScroll: true });
          }
        }}
      >
        <div className="grid-inner" style={{ width }}>
          <div className="grid-header" role="row" style={{ gridTemplateColumns: gridColumns }}>
            {groupBy === 'none' ? null : (
              <div role="columnheader" className="grid-th">
                Group
              </div>
            )}
            {table.getHeaderGroups()[0]?.headers.map((header) => {
              const id = header.column.id as ColumnId;
              const meta = columnMeta[id];
              const active = meta.sort !== undefined && meta.sort === sort.field;
              return (
                <div
                  key={header.id}
                  role="columnheader"
                  className={`grid-th${meta.sort ? ' sortable' : ''}`}
                  aria-sort={
                    active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined
                  }
                  data-testid={`column-${id}`}
                >
                  {id === 'select' || id === 'freshness' ? (
                    // No room for a word in these narrow columns; a screen reader still names them.
                    <span className="sr-only">{meta.label}</span>
                  ) : meta.sort ? (
                    // A button, so that the keyboard can sort too.
                    <button
                      type="button"
                      className="grid-sort"
                      onClick={() => {
                        if (!meta.sort) return;
                        const direction = active && sort.direction === 'asc' ? 'desc' : 'asc';
                        useInventoryStore.getState().setSort({ field: meta.sort, direction });
                      }}
                    >
                      {/* The label gives way to the arrow in a narrow column, not the arrow to it. */}
                      <span className="grid-sort-label">
                        {flexRender(header.column.columnDef.header, header.getContext())}
                      </span>
                      {active ? (
                        sort.direction === 'asc' ? (
                          <ArrowUp size={11} aria-hidden />
                        ) : (
                          <ArrowDown size={11} aria-hidden />
                        )
                      ) : null}
                    </button>
                  ) : (
                    flexRender(header.column.columnDef.header, header.getContext())
                  )}
                  <ColumnResizer
                    id={id}
                    width={widthOf(id)}
                    onDrag={(to) => {
                      setDragged(to === undefined ? undefined : { id, width: to });
                    }}
                  />
                </div>
              );
            })}
          </div>
          <div className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
            {windowRows.map((w, i) => {
              const item = items[i];
              if (!item) return null;
              const row = w.row;
              return (
                <GridRow
                  key={item.key}
                  index={w.index}
                  start={item.start}
                  row={row}
                  columns={columnList}
                  gridColumns={gridColumns}
                  grouped={groupBy !== 'none'}
                  groupStart={w.groupStart}
                  groupContinued={w.groupContinued}
                  focused={w.index === focused}
                  selected={row !== undefined && selected.has(row.id)}
                  open={row !== undefined && row.id === detailId}
                  now={now}
                />
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
