import { Bookmark, X } from 'lucide-react';
import { useLayoutEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { MenuButton, MenuItem } from '../../components/MenuButton';
import { useInventoryStore } from './inventory-store';
import { forgetSearch, saveSearch, type SavedSearch } from './saved-searches';

/** How long a forgotten search can be brought back from its notice. */
const undoMs = 8000;

/** Forgets a saved search, with an Undo in the notice that says so. */
function forget(search: SavedSearch): void {
  void forgetSearch(search.name).then((error) => {
    if (error) {
      toast.error(`Could not forget the search: ${error.message}`);
      return;
    }
    toast(`Forgot the saved search ${search.name}.`, {
      duration: undoMs,
      action: {
        label: 'Undo',
        onClick: () => {
          void saveSearch(search).then((failed) => {
            if (failed) toast.error(`Could not save the search again: ${failed.message}`);
          });
        },
      },
    });
  });
}

/**
 * The saved searches as one row of chips above the table, however many there are: those that do
 * not fit are in a "+N more" menu at the row's end, so the table keeps its room.
 */
export function SavedSearchChips(props: {
  saved: readonly SavedSearch[];
  /** Where the keyboard goes when the chip it was on goes away. */
  keepFocus: () => void;
}) {
  const { saved, keepFocus } = props;
  const rowRef = useRef<HTMLDivElement>(null);
  // How many chips fit on the first line of the row; the others wrap out of sight.
  const [fits, setFits] = useState(saved.length);
  useLayoutEffect(() => {
    const row = rowRef.current;
    if (row === null) return;
    const measure = (): void => {
      const chips = Array.from(row.children) as HTMLElement[];
      const top = chips[0]?.offsetTop ?? 0;
      setFits(chips.filter((chip) => chip.offsetTop <= top).length);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(row);
    return () => {
      observer.disconnect();
    };
  }, [saved]);
  const more = saved.slice(fits);
  // The last search of the menu forgotten: the menu and its button go away with it.
  const menuEmptied = useRef(false);

  return (
    <>
      <div className="saved-row" ref={rowRef}>
        {saved.map((s, i) => (
          <span
            key={s.name}
            className="saved-chip"
            data-testid="saved-search"
            data-name={s.name}
            // Out of sight on a later line: neither shown nor reached by Tab; it is in the menu.
            data-overflow={i >= fits}
          >
            <button
              type="button"
              className="chip"
              title={s.query}
              onClick={() => {
                useInventoryStore.getState().applyQuery(s.query);
              }}
            >
              <Bookmark size={11} aria-hidden /> {s.name}
            </button>
            <button
              type="button"
              className="chip-remove"
              aria-label={`Forget the saved search ${s.name}`}
              onClick={() => {
                // The chip goes away with its button: keep the focus in the toolbar.
                keepFocus();
                forget(s);
              }}
            >
              <X size={10} aria-hidden />
            </button>
          </span>
        ))}
      </div>
      {more.length > 0 ? (
        <MenuButton
          testId="saved-more-menu"
          focusOnClose={() => {
            if (!menuEmptied.current) return false;
            menuEmptied.current = false;
            keepFocus();
            return true;
          }}
          trigger={
            <button
              type="button"
              className="chip saved-more"
              aria-label={`${String(more.length)} more saved searches`}
              data-testid="saved-more"
            >
              +{more.length} more
            </button>
          }
        >
          {more.map((s) => (
            <MenuItem
              key={s.name}
              title={s.query}
              data-testid="saved-more-item"
              data-name={s.name}
              onSelect={() => {
                useInventoryStore.getState().applyQuery(s.query);
              }}
              remove={{
                label: `Forget the saved search ${s.name}`,
                run: () => {
                  menuEmptied.current = more.length === 1;
                  forget(s);
                },
              }}
            >
              <Bookmark size={11} aria-hidden />
              <span className="menu-item-label">{s.name}</span>
            </MenuItem>
          ))}
        </MenuButton>
      ) : null}
    </>
  );
}
