import { useState, type DragEvent, type HTMLAttributes } from 'react';
import { moveBeside, sessionFor } from './terminal-actions';
import { selectors, useTerminalsStore } from './terminals-store';

/** Only the tab strip takes this type: a tab dropped on a field or a terminal types nothing. */
const tabDataType = 'application/x-rackside-terminal-tab';

/**
 * The tab being dragged and the pane it may be dropped in. Drag events read the data only on the
 * drop, and the tabs under the pointer need to know before then whether to show where it goes.
 */
let dragged: { key: string; pane: 0 | 1 } | null = null;

export type DropSide = 'before' | 'after';

/** Which half of a tab the pointer is over: the dragged tab goes to that side of it. */
function sideOf(event: DragEvent<HTMLElement>): DropSide {
  const box = event.currentTarget.getBoundingClientRect();
  return event.clientX < box.left + box.width / 2 ? 'before' : 'after';
}

/**
 * Drag and drop for one terminal tab (HTML5 drag and drop): the tab is dragged by itself, and is
 * a drop target for the other tabs of its pane, showing on which side one dropped would land.
 * `pane` is the pane the tab shows in (0 without a split).
 */
export function useTabDrag(
  key: string,
  pane: 0 | 1,
  enabled: boolean,
): {
  dragging: boolean;
  dropSide: DropSide | null;
  handlers: HTMLAttributes<HTMLElement> & { draggable: boolean };
} {
  const [dragging, setDragging] = useState(false);
  const [dropSide, setDropSide] = useState<DropSide | null>(null);
  const takes = (): boolean => dragged !== null && dragged.key !== key && dragged.pane === pane;
  return {
    dragging,
    dropSide,
    handlers: {
      draggable: enabled,
      onDragStart: (event) => {
        dragged = { key, pane };
        event.dataTransfer.effectAllowed = 'move';
        event.dataTransfer.setData(tabDataType, key);
        setDragging(true);
      },
      onDragEnd: () => {
        dragged = null;
        setDragging(false);
        // The press that started the drag focused the tab's button, and no click follows to
        // hand the keyboard back: the pane's terminal gets it, as after clicking a tab.
        const state = useTerminalsStore.getState();
        const shown = selectors.shownTab(state, pane);
        if (shown !== undefined) sessionFor(shown.key)?.focus();
      },
      onDragOver: (event) => {
        if (!takes()) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        setDropSide(sideOf(event));
      },
      onDragLeave: (event) => {
        // Passing over the tab's own buttons is not leaving it.
        const to = event.relatedTarget;
        if (to instanceof Node && event.currentTarget.contains(to)) return;
        setDropSide(null);
      },
      onDrop: (event) => {
        setDropSide(null);
        if (dragged === null || !takes()) return;
        event.preventDefault();
        moveBeside(dragged.key, key, sideOf(event));
      },
    },
  };
}
