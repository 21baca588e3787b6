import { create } from 'zustand';
import { isSectionId, type SectionId } from '../app/sections';

interface NavState {
  section: SectionId;
  paletteOpen: boolean;
  /** The keyboard shortcuts list (`?`). */
  shortcutsOpen: boolean;
  go: (section: SectionId) => void;
  setPaletteOpen: (open: boolean) => void;
  setShortcutsOpen: (open: boolean) => void;
}

/** The section lives in the URL hash too, so a reload returns to where the user was. */
function sectionFromHash(): SectionId {
  const id = window.location.hash.replace(/^#\/?/, '');
  return isSectionId(id) ? id : 'inventory';
}

export const useNavStore = create<NavState>()((set) => ({
  section: sectionFromHash(),
  paletteOpen: false,
  shortcutsOpen: false,
  go: (section) => {
    if (window.location.hash !== `#/${section}`) {
      window.history.replaceState(null, '', `#/${section}`);
    }
    set({ section, paletteOpen: false });
  },
  setPaletteOpen: (paletteOpen) => {
    set({ paletteOpen });
  },
  setShortcutsOpen: (shortcutsOpen) => {
    set({ shortcutsOpen });
  },
}));
