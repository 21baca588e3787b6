import { isMac, modKey } from '../components/Kbd';
import { runsInBrowser } from '../lib/bridge';
import { searchToggles } from '../features/terminals/search-options';
import { sections } from './sections';

/**
 * One key press: `KeyboardEvent.key` (a letter in either case) and the modifiers it is pressed
 * with. `mod: 'ctrl'` is Ctrl alone (a terminal's keys, also on macOS); `'ctrl-or-cmd'` is Ctrl or
 * ⌘. Modifiers not named must be up, except Shift where `anyShift` (a `?` or `/` typed as the
 * keyboard's layout types it).
 */
export interface Chord {
  key: string;
  mod?: 'ctrl' | 'ctrl-or-cmd';
  shift?: boolean;
  alt?: boolean;
  anyShift?: boolean;
}

export type ShortcutArea =
  'Anywhere' | 'Terminals page' | 'In a terminal' | 'Scrollback search' | 'Inventory' | 'Profiles';

export interface Shortcut {
  id: string;
  area: ShortcutArea;
  /** What the keys do, as the keyboard shortcuts list says it. */
  does: string;
  chords: readonly Chord[];
  /**
   * Keys that do the same in a browser, whose own keys `chords` are there (Chromium closes the
   * window on Ctrl+Shift+W and switches its tabs on Ctrl+PageDown, and never lets a page see
   * them). Rackside's own window keeps `chords` alone.
   */
  browserChords?: readonly Chord[];
  /** How the list writes the keys when not one chord after another ("Ctrl+1 … 6"). */
  shown?: string;
}

const ctrl = (key: string, shift = false): Chord => ({ key, mod: 'ctrl', shift });
const mod = (key: string): Chord => ({ key, mod: 'ctrl-or-cmd' });
const plain = (key: string, shift = false): Chord => ({ key, shift });
const alt = (key: string, shift = false): Chord => ({ key, alt: true, shift });

/**
 * The keys that move along the inventory table's rows (Shift held, selecting the rows passed); the
 * table says how far each one goes.
 */
export const inventoryRowMoves = [
  'ArrowUp',
  'ArrowDown',
  'PageUp',
  'PageDown',
  'Home',
  'End',
] as const;
export type InventoryRowMove = (typeof inventoryRowMoves)[number];

/**
 * Every key Rackside binds beyond what a control does by itself (Tab, a button's Enter). The key
 * handlers ask `matches()` with an id from here, and the keyboard shortcuts list (`?`) is drawn
 * from it, so what the list says is what the keys do.
 */
export const shortcuts = [
  {
    id: 'shortcuts',
    area: 'Anywhere',
    does: 'Show the keyboard shortcuts',
    chords: [{ key: '?', anyShift: true }],
  },
  { id: 'palette', area: 'Anywhere', does: 'Open the command palette', chords: [mod('k')] },
  {
    id: 'section',
    area: 'Anywhere',
    does: `Go to a section (${sections.map((s) => s.label).join(', ')})`,
    chords: sections.map((s) => mod(s.key)),
    shown: `${modKey}+1 … ${String(sections.length)}`,
  },
  { id: 'lock', area: 'Anywhere', does: 'Lock the vault', chords: [mod('l')] },
  {
    id: 'terminal-next',
    area: 'Terminals page',
    does: 'Next tab',
    chords: [ctrl('PageDown')],
    browserChords: [alt('PageDown')],
  },
  {
    id: 'terminal-previous',
    area: 'Terminals page',
    does: 'Previous tab',
    chords: [ctrl('PageUp')],
    browserChords: [alt('PageUp')],
  },
  {
    id: 'terminal-move-right',
    area: 'Terminals page',
    does: 'Move the tab right',
    chords: [ctrl('PageDown', true)],
    browserChords: [alt('PageDown', true)],
  },
  {
    id: 'terminal-move-left',
    area: 'Terminals page',
    does: 'Move the tab left',
    chords: [ctrl('PageUp', true)],
    browserChords: [alt('PageUp', true)],
  },
  {
    id: 'terminal-duplicate',
    area: 'Terminals page',
    does: 'Another session to the same target',
    chords: [ctrl('t', true)],
    browserChords: [alt('t', true)],
  },
  {
    id: 'terminal-close',
    area: 'Terminals page',
    does: 'Close the tab (asks first while live)',
    chords: [ctrl('w', true)],
    browserChords: [alt('w', true)],
  },
  {
    id: 'terminal-rename',
    area: 'Terminals page',
    does: 'Rename the tab whose name has the focus',
    chords: [plain('F2')],
  },
  {
    id: 'terminal-tab-names',
    area: 'Terminals page',
    does: 'Move along the tabs’ names',
    chords: [plain('ArrowLeft'), plain('ArrowRight'), plain('Home'), plain('End')],
  },
  {
    id: 'terminal-palette',
    area: 'In a terminal',
    does: 'Open the command palette (Ctrl+K stays the shell’s)',
    chords: [ctrl('k', true)],
  },
  {
    id: 'terminal-search',
    area: 'In a terminal',
    does: 'Search the scrollback',
    chords: [ctrl('f', true)],
  },
  { id: 'terminal-copy', area: 'In a terminal', does: 'Copy', chords: [ctrl('c', true)] },
  { id: 'terminal-paste', area: 'In a terminal', does: 'Paste', chords: [ctrl('v', true)] },
  {
    id: 'search-next',
    area: 'Scrollback search',
    does: 'Next match / previous match',
    chords: [plain('Enter'), plain('Enter', true)],
  },
  ...searchToggles.map((toggle) => ({
    id: `search-${toggle.option}` as const,
    area: 'Scrollback search' as const,
    does: toggle.label,
    chords: [{ key: toggle.key, alt: true }],
  })),
  {
    id: 'search-close',
    area: 'Scrollback search',
    does: 'Close the search',
    chords: [plain('Escape')],
  },
  {
    id: 'inventory-search',
    area: 'Inventory',
    does: 'Go to the search box',
    chords: [{ key: '/', anyShift: true }],
  },
  {
    id: 'inventory-rows',
    area: 'Inventory',
    does: 'Move along the assets (with Shift, select them)',
    // Ctrl+Home and Ctrl+End as well, as in a spreadsheet's grid: the first and the last asset.
    chords: [
      ...inventoryRowMoves.map((key) => ({ key, anyShift: true })),
      { key: 'Home', mod: 'ctrl-or-cmd', anyShift: true },
      { key: 'End', mod: 'ctrl-or-cmd', anyShift: true },
    ],
  },
  {
    id: 'inventory-open',
    area: 'Inventory',
    does: 'Open the asset’s detail',
    chords: [plain('Enter')],
  },
  {
    id: 'inventory-ssh',
    area: 'Inventory',
    does: 'Open an SSH terminal to the asset, as its detail’s button does',
    chords: [plain('s')],
  },
  {
    id: 'inventory-select',
    area: 'Inventory',
    does: 'Select the asset',
    chords: [plain(' ')],
  },
  {
    id: 'inventory-select-all',
    area: 'Inventory',
    does: 'Select every asset the search matches',
    chords: [mod('a')],
  },
  {
    id: 'inventory-escape',
    area: 'Inventory',
    does: 'Close the detail, else clear the selection',
    chords: [plain('Escape')],
  },
  {
    id: 'profiles-search',
    area: 'Profiles',
    does: 'Go to the search box',
    chords: [{ key: '/', anyShift: true }],
  },
  {
    id: 'profiles-list',
    area: 'Profiles',
    does: 'Open / delete the chosen profile',
    chords: [plain('Enter'), plain('Delete')],
  },
  {
    id: 'profiles-save',
    area: 'Profiles',
    does: 'Save the profile being edited (Escape cancels)',
    chords: [mod('Enter')],
  },
] as const satisfies readonly Shortcut[];

export type ShortcutId = (typeof shortcuts)[number]['id'];

type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

function chordMatches(chord: Chord, event: KeyPress): boolean {
  const key = chord.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (key !== chord.key) return false;
  if (event.altKey !== (chord.alt ?? false)) return false;
  if (chord.anyShift !== true && event.shiftKey !== (chord.shift ?? false)) return false;
  switch (chord.mod) {
    case undefined:
      return !event.ctrlKey && !event.metaKey;
    case 'ctrl':
      return event.ctrlKey && !event.metaKey;
    case 'ctrl-or-cmd':
      return event.ctrlKey || event.metaKey;
  }
}

export function shortcutById(id: ShortcutId): Shortcut {
  const found = (shortcuts as readonly Shortcut[]).find((s) => s.id === id);
  if (found === undefined) throw new Error(`unknown shortcut ${id}`);
  return found;
}

/** The keys that do a shortcut where Rackside runs now (a browser, or its own window). */
function chordsOf(shortcut: Shortcut): readonly Chord[] {
  return runsInBrowser() && shortcut.browserChords !== undefined
    ? [...shortcut.chords, ...shortcut.browserChords]
    : shortcut.chords;
}

/** Whether a key press is shortcut `id`. */
export function matches(id: ShortcutId, event: KeyPress): boolean {
  return chordsOf(shortcutById(id)).some((chord) => chordMatches(chord, event));
}

const keyNames: Record<string, string> = {
  ' ': 'Space',
  ArrowLeft: '←',
  ArrowRight: '→',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Escape: 'Esc',
};

/** "Ctrl+Shift+W", "⌘+K", "Alt+C". */
export function chordLabel(chord: Chord): string {
  const parts: string[] = [];
  if (chord.mod === 'ctrl') parts.push('Ctrl');
  if (chord.mod === 'ctrl-or-cmd') parts.push(modKey);
  if (chord.alt === true) parts.push(isMac ? '⌥' : 'Alt');
  if (chord.shift === true) parts.push('Shift');
  parts.push(keyNames[chord.key] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : chord.key));
  return parts.join('+');
}

/**
 * The keys of a shortcut as the list shows them, one string per alternative: in a browser, those
 * that reach the page.
 */
export function shortcutKeys(shortcut: Shortcut): string[] {
  if (shortcut.shown !== undefined) return [shortcut.shown];
  if (runsInBrowser() && shortcut.browserChords !== undefined) {
    return shortcut.browserChords.map(chordLabel);
  }
  return shortcut.chords.map(chordLabel);
}

/** The keys a browser keeps for itself, where Rackside has others: "Ctrl+PageDown, …". */
export function keysTakenByBrowser(): string[] {
  return (shortcuts as readonly Shortcut[]).flatMap((s) =>
    s.browserChords === undefined ? [] : s.chords.map(chordLabel),
  );
}
