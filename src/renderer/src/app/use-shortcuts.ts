import { useEffect } from 'react';
import { isTyping } from '../lib/typing';
import { useNavStore } from '../stores/nav-store';
import { lockVault } from './commands';
import { sections } from './sections';
import { matches } from './shortcuts';

/** Whether a dialog other than the palette is open: it holds the keyboard until it closes. */
function dialogOpen(): boolean {
  return Array.from(document.querySelectorAll('[role="dialog"], [role="alertdialog"]')).some(
    (dialog) => !dialog.hasAttribute('cmdk-dialog'),
  );
}

/**
 * App-wide keys: Ctrl/Cmd+K opens the palette, Ctrl/Cmd+1…6 jump to a section, Ctrl/Cmd+L
 * locks, `?` (typed outside a field) lists the keyboard shortcuts. While a dialog is open only
 * the lock acts (and closes the palette): a section switched behind a dialog, or a palette over
 * it, would leave it half answered.
 */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const nav = useNavStore.getState();
      if (matches('lock', event)) {
        event.preventDefault();
        nav.setPaletteOpen(false);
        void lockVault();
        return;
      }
      if (matches('shortcuts', event)) {
        if (isTyping(event.target) || dialogOpen() || nav.paletteOpen) return;
        event.preventDefault();
        nav.setShortcutsOpen(true);
        return;
      }
      const palette = matches('palette', event);
      const section = matches('section', event)
        ? sections.find((s) => s.key === event.key)
        : undefined;
      if (!palette && section === undefined) return;
      event.preventDefault();
      if (dialogOpen()) return;
      if (palette) {
        nav.setPaletteOpen(!nav.paletteOpen);
        return;
      }
      if (section) nav.go(section.id);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);
}
