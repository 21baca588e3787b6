import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { X } from 'lucide-react';
import {
  createContext,
  useContext,
  useState,
  type ComponentProps,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
} from 'react';

/** Closes the menu an item is in (the last item taken away). */
const CloseMenu = createContext<() => void>(() => undefined);

/**
 * A button that opens a list of choices under it, as every such menu of Rackside's behaves: Enter,
 * Space or ↓ on the button opens it, ↑ ↓ Home End move along its items, Enter chooses one, Escape
 * closes it, and the focus goes back to the button unless `focusOnClose` takes it elsewhere. The
 * keys and focus come from Radix's dropdown menu; this keeps its look and placement in one place.
 */
export function MenuButton(props: {
  /** The button that opens the menu; it is given the menu's ARIA attributes and keys. */
  trigger: ReactElement;
  testId: string;
  /** Told when the menu opens (true) or closes (false). */
  onOpenChange?: (open: boolean) => void;
  /**
   * Called as the menu closes: true when it has put the focus somewhere (the terminal of a tab
   * chosen), false to send it back to the button.
   */
  focusOnClose?: () => boolean;
  children: ReactNode;
}) {
  const { trigger, testId, onOpenChange, focusOnClose, children } = props;
  const [open, setOpen] = useState(false);
  const openChange = (next: boolean): void => {
    setOpen(next);
    onOpenChange?.(next);
  };
  return (
    <DropdownMenu.Root open={open} onOpenChange={openChange}>
      <DropdownMenu.Trigger asChild>{trigger}</DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className="menu-content"
          align="end"
          sideOffset={4}
          data-testid={testId}
          onCloseAutoFocus={(event) => {
            if (focusOnClose?.() === true) event.preventDefault();
          }}
        >
          <CloseMenu
            value={() => {
              openChange(false);
            }}
          >
            {children}
          </CloseMenu>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/**
 * Takes `item` out of its menu: the focus first goes to the next item, else the previous one, and
 * a menu left with none closes.
 */
function removeItem(item: HTMLElement, remove: () => void, close: () => void): void {
  const menu = item.closest('[role="menu"]');
  const items = Array.from(menu?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? []);
  const at = items.indexOf(item);
  const neighbour = items[at + 1] ?? items[at - 1];
  if (neighbour === undefined) close();
  else neighbour.focus();
  remove();
}

/** Delete, and Backspace (the key macOS keyboards call delete), take an item away. */
const removeKeys = ['Delete', 'Backspace'];

/**
 * One choice of a `MenuButton`'s menu: `onSelect` runs on a click, Enter or Space. With `remove`,
 * Delete on the item or a click on its × takes it away (`remove.label` says what that does).
 */
export function MenuItem(
  props: Omit<ComponentProps<typeof DropdownMenu.Item>, 'className'> & {
    remove?: { label: string; run: () => void };
  },
) {
  const { remove, children, onKeyDown, ...rest } = props;
  const close = useContext(CloseMenu);
  return (
    <DropdownMenu.Item
      {...rest}
      className="menu-item"
      aria-keyshortcuts={remove === undefined ? undefined : 'Delete'}
      onKeyDown={(event: KeyboardEvent<HTMLDivElement>) => {
        onKeyDown?.(event);
        if (remove === undefined || event.defaultPrevented || !removeKeys.includes(event.key)) {
          return;
        }
        event.preventDefault();
        removeItem(event.currentTarget, remove.run, close);
      }}
    >
      {children}
      {remove === undefined ? null : (
        <button
          type="button"
          className="menu-item-remove"
          // For the pointer: the keyboard stays on the item, where Delete does this, and the
          // item's name is its own text (a menu item's content is not read as controls).
          tabIndex={-1}
          aria-hidden
          title={`${remove.label} (Delete)`}
          data-testid="menu-item-remove"
          onPointerDown={(event) => {
            // Not a press of the item, which would choose it.
            event.stopPropagation();
          }}
          onPointerUp={(event) => {
            event.stopPropagation();
          }}
          onClick={(event) => {
            event.stopPropagation();
            const item = event.currentTarget.closest<HTMLElement>('[role="menuitem"]');
            if (item !== null) removeItem(item, remove.run, close);
          }}
        >
          <X size={11} aria-hidden />
        </button>
      )}
    </DropdownMenu.Item>
  );
}

/** Items of which one is the current one (`value`), marked as such. */
export const MenuRadioGroup = DropdownMenu.RadioGroup;

/** One of a `MenuRadioGroup`'s items; `current` is shown beside the group's current one. */
export function MenuRadioItem(
  props: Omit<ComponentProps<typeof DropdownMenu.RadioItem>, 'className'> & { current: ReactNode },
) {
  const { current, children, ...rest } = props;
  return (
    <DropdownMenu.RadioItem {...rest} className="menu-item">
      {children}
      <DropdownMenu.ItemIndicator className="menu-item-check">{current}</DropdownMenu.ItemIndicator>
    </DropdownMenu.RadioItem>
  );
}
