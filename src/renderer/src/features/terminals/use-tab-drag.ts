import { useState, type DragEvent, type HTMLAttributes } from 'react';
import { moveBeside, moveToPane } from './tab-layout';
import { sessionFor } from './terminal-actions';
import { selectors, useTerminalsStore } from './terminals-store';

/** Only the tab strip takes this type: a tab dropped on a field or a terminal types nothing. */
const tabDataType = 'application/x-rackside-terminal-tab';

/**
 * The tab being dragged and the pane it may be dropped in. Drag events read the data only on the
 * drop, and the tabs under the pointer need to know before then whether to show where it goes.
 */
let dragged: { key: string; pane: 0 | 1 } | null = null;

/**
 * The dragged tab, once dropped. A tab dropped in the other pane is shown there by a new
 * element, and the browser ends the drag on the old one, out of the page, where React does not
 * hear it: the drop itself has to forget the drag.
 */
function takeDragged(): string | null {
  const key = dragged?.key ?? null;
  dragged = null;
  return key;
}

export type DropSide = 'before' | 'after';

/** Which half of a tab the pointer is over: the dragged tab goes to that side of it. */
function sideOf(event: DragEvent<HTMLElement>): DropSide {
  const box = event.currentTarget.getBoundingClientRect();
  return event.clientX < box.left + box.width / 2 ? 'before' : 'after';
}

/** Passing over an element's own children is not leaving it. */
function leaves(event: DragEvent<HTMLElement>): boolean {
  const to = event.relatedTarget;
  return !(to instanceof Node && event.currentTarget.contains(to));
}

/**
 * Drag and drop for one terminal tab (HTML5 drag and drop): the tab is dragged by itself, and is
 * a drop target for the other tabs, showing on which side one dropped would land. A tab of the
 * other pane of a split dropped on it moves into this tab's pane.
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
  const takes = (): boolean => dragged !== null && dragged.key !== key;
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
        // hand the keyboard back: the terminal of the pane the tab is in now gets it, as after
        // clicking a tab.
        const state = useTerminalsStore.getState();
        const tab = selectors.byKey(state, key);
        const shown = tab && selectors.shownTab(state, state.split ? tab.pane : 0);
        if (shown !== undefined) sessionFor(shown.key)?.focus();
      },
      onDragOver: (event) => {
        if (!takes()) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        setDropSide(sideOf(event));
      },
      onDragLeave: (event) => {
        if (leaves(event)) setDropSide(null);
      },
      onDrop: (event) => {
        setDropSide(null);
        if (!takes()) return;
        event.preventDefault();
        const from = takeDragged();
        if (from !== null) moveBeside(from, key, sideOf(event));
      },
    },
  };
}

/**
 * A pane of the split as a drop target for the other pane's tabs: its tab strip past the tabs,
 * or all of it while it has none. A tab dropped there goes after its last tab. A tab under the
 * pointer takes the drop itself (it has cancelled the event by then).
 * `over` is set while such a tab is held over it, to show where the tab would land.
 */
export function usePaneDrop(pane: 0 | 1): {
  over: boolean;
  handlers: HTMLAttributes<HTMLElement>;
} {
  const [over, setOver] = useState(false);
  const takes = (event: DragEvent<HTMLElement>): boolean =>
    !event.defaultPrevented &&
    dragged !== null &&
    dragged.pane !== pane &&
    useTerminalsStore.getState().split;
  return {
    over,
    handlers: {
      onDragOver: (event) => {
        if (!takes(event)) {
          setOver(false);
          return;
        }
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        setOver(true);
      },
      onDragLeave: (event) => {
        if (leaves(event)) setOver(false);
      },
      onDrop: (event) => {
        setOver(false);
        if (!takes(event)) return;
        event.preventDefault();
        const from = takeDragged();
        if (from !== null) moveToPane(from, pane);
      },
    },
  };
}
