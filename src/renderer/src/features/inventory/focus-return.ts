import { useLayoutEffect, useRef } from 'react';

/**
 * Puts the keyboard focus back where it was when something modal opened (a dialog, the SSH user
 * prompt), once it closes; `fallback` when that element is gone (e.g. the command palette that
 * opened it). Radix dialogs hand focus back only to a `Dialog.Trigger`, which these have none of,
 * so without this the focus ends on the page body and the next Tab starts from the sidebar.
 *
 * A layout effect: it runs before the dialog's own focus scope moves the focus inside it.
 */
export function useFocusReturn(open: boolean, fallback: () => HTMLElement | null): void {
  const opener = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);
  const fallbackRef = useRef(fallback);
  useLayoutEffect(() => {
    fallbackRef.current = fallback;
  });
  useLayoutEffect(() => {
    if (open) {
      const active = document.activeElement;
      opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
      wasOpen.current = true;
      return;
    }
    if (!wasOpen.current) return;
    wasOpen.current = false;
    const target = opener.current;
    opener.current = null;
    const element = target?.isConnected === true ? target : fallbackRef.current();
    element?.focus();
  }, [open]);
}
