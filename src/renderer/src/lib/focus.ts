/** Whether the keyboard has no place: the focus is on the page body (or nowhere). */
export function focusLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || active === document.documentElement;
}

/**
 * After the page settles (a frame), gives the keyboard a place if it has none: `preferred` when it
 * is still shown, else the current section's heading, else the section itself. A control that
 * took the focus meanwhile (a new terminal, a dialog's field) keeps it.
 */
export function rescueFocus(preferred?: HTMLElement | null): void {
  requestAnimationFrame(() => {
    if (!focusLost()) return;
    if (preferred?.isConnected === true && preferred.getClientRects().length > 0) {
      preferred.focus();
      if (!focusLost()) return;
    }
    const main = document.querySelector<HTMLElement>('main');
    const target = main?.querySelector<HTMLElement>('h1') ?? main;
    if (!target) return;
    if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
    target.focus({ preventScroll: true });
  });
}
