import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { type ComponentProps, type ReactElement, type ReactNode } from 'react';

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
  return (
    <DropdownMenu.Root onOpenChange={onOpenChange}>
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
          {children}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/** One choice of a `MenuButton`'s menu: `onSelect` runs on a click, Enter or Space. */
export function MenuItem(props: Omit<ComponentProps<typeof DropdownMenu.Item>, 'className'>) {
  return <DropdownMenu.Item {...props} className="menu-item" />;
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
