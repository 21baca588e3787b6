import { useEffect } from 'react';
import { useNavStore } from '../stores/nav-store';
import { lockVault } from './commands';
import { sections } from './sections';

/** Whether a dialog other than the palette is open: it holds the keyboard until it closes. */
function dialogOpen(): boolean {
  return Array.from(document.querySelectorAll('[role="dialog"], [role="alertdialog"]')).some(
    (dialog) => !dialog.hasAttribute('cmdk-dialog'),
  );
}

/**
 * App-wide keys: Ctrl/Cmd+K opens the palette, Ctrl/Cmd+1…6 jump to a section, Ctrl/Cmd+L
 * locks. While a dialog is open only the lock acts (and closes the palette): a section switched
 * behind a dialog, or a palette over it, would leave it half answered.
 */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const mod = event.metaKey || event.ctrlKey;
      if (!mod || event.altKey || event.shiftKey) return;
      const nav = useNavStore.getState();
      if (event.key.toLowerCase() === 'l') {
        event.preventDefault();
        nav.setPaletteOpen(false);
        void lockVault();
        return;
      }
      const section = sections.find((s) => s.key === event.key);
      if (event.key.toLowerCase() !== 'k' && section === undefined) return;
      event.preventDefault();
      if (dialogOpen()) return;
      if (event.key.toLowerCase() === 'k') {
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
