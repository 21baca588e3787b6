import type { KeyboardEvent, PointerEvent } from 'react';
import { clampWidth, columnMeta, widthRange, withWidth, type ColumnId } from './columns';
import { useInventoryStore } from './inventory-store';

/** How far ← and → move a column's edge, in pixels; with Shift, `bigStep`. */
const step = 10;
const bigStep = 50;

/** Keeps column `id` at `width` (undefined: its default), as the other column settings are kept. */
function setWidth(id: ColumnId, width: number | undefined): void {
  const store = useInventoryStore.getState();
  store.setLayout(withWidth(store.layout, id, width));
}

/**
 * The edge of a column's header that makes the column wider or narrower: dragged with the
 * pointer, or focused (it is a tab stop) and moved with ← → (Shift for bigger steps), Home for
 * the narrowest, End for the widest; double-click or Enter gives back the default width.
 * `onDrag` tells the width while a drag is under way, and undefined once it ends.
 */
export function ColumnResizer(props: {
  id: ColumnId;
  width: number;
  onDrag: (width: number | undefined) => void;
}) {
  const { id, width, onDrag } = props;
  const range = widthRange(id);
  if (range === undefined) return null;
  const label = columnMeta[id].label;

  const startDrag = (event: PointerEvent<HTMLElement>): void => {
    // Neither a sort nor a move of the keyboard into the table.
    event.preventDefault();
    const handle = event.currentTarget;
    const from = event.clientX;
    const widthAt = (x: number): number => clampWidth(id, width + x - from);
    handle.setPointerCapture(event.pointerId);
    const move = (e: globalThis.PointerEvent): void => {
      onDrag(widthAt(e.clientX));
    };
    const end = (e: globalThis.PointerEvent): void => {
      handle.removeEventListener('pointermove', move);
      onDrag(undefined);
      setWidth(id, widthAt(e.clientX));
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end, { once: true });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    const by = event.shiftKey ? bigStep : step;
    const widths: Record<string, number | undefined> = {
      ArrowLeft: width - by,
      ArrowRight: width + by,
      Home: range.min,
      End: range.max,
    };
    if (!(event.key in widths) && event.key !== 'Enter') return;
    // The table's own keys (Home, End, Enter on its rows) are not pressed on its header.
    event.preventDefault();
    event.stopPropagation();
    setWidth(id, widths[event.key]);
  };

  return (
    <span
      className="column-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Width of the ${label} column`}
      aria-valuenow={width}
      aria-valuemin={range.min}
      aria-valuemax={range.max}
      aria-valuetext={`${String(width)} pixels`}
      title={`Drag, or press ← → here, to resize the ${label} column; double-click or Enter for its default width`}
      tabIndex={0}
      data-testid={`resize-${id}`}
      onPointerDown={startDrag}
      onDoubleClick={() => {
        setWidth(id, undefined);
      }}
      onKeyDown={onKeyDown}
    />
  );
}
