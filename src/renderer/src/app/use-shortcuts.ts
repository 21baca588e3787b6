import { useEffect } from 'react';
import { useNavStore } from '../stores/nav-store';
import { lockVault } from './commands';
import { sections } from './sections';

/** App-wide keys: Ctrl/Cmd+K opens the palette, Ctrl/Cmd+1…6 jump to a section, Ctrl/Cmd+L locks. */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const mod = event.metaKey || event.ctrlKey;
      if (!mod || event.altKey || event.shiftKey) return;
      const nav = useNavStore.getState();
      if (event.key.toLowerCase() === 'k') {
        event.preventDefault();
        nav.setPaletteOpen(!nav.paletteOpen);
        return;
      }
      if (event.key.toLowerCase() === 'l') {
        event.preventDefault();
        void lockVault();
        return;
      }
      const section = sections.find((s) => s.key === event.key);
      if (section) {
        event.preventDefault();
        nav.go(section.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);
}
