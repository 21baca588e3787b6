import { z } from 'zod';
import type { AppErrorShape } from '../../../../shared/errors';
import {
  maxSavedSearches,
  maxSavedSearchName,
  maxSavedSearchQuery,
  type SavedSearch,
} from '../../../../shared/settings';
import { compareNames } from '../../../../shared/name-sort';
import { useSettingsStore } from '../../stores/settings-store';

export type { SavedSearch };

/**
 * Saved searches are kept with the settings in the core (`savedSearches`), so they survive a
 * browser host on another port and every window sees the same list. Older versions kept them in
 * this origin's localStorage under `legacyKey`; those are moved into the settings once.
 */
export const legacyKey = 'rackside.inventory.saved-searches';

const LegacySavedSearches = z.array(z.object({ name: z.string(), query: z.string() }));

const none: readonly SavedSearch[] = [];

/** The saved searches, sorted by name (a stable empty list before the settings load). */
export function useSavedSearches(): readonly SavedSearch[] {
  return useSettingsStore((s) => s.settings?.savedSearches ?? none);
}

/** Adds a search, replacing one of the same name, keeping the list sorted by name. */
export function withSaved(list: readonly SavedSearch[], search: SavedSearch): SavedSearch[] {
  return [...list.filter((s) => s.name !== search.name), search].sort((a, b) =>
    compareNames(a.name, b.name),
  );
}

function current(): readonly SavedSearch[] {
  return useSettingsStore.getState().settings?.savedSearches ?? none;
}

/** Saves the query under a name; resolves to the reason it could not be saved, if any. */
export async function saveSearch(search: SavedSearch): Promise<AppErrorShape | undefined> {
  const list = current();
  if (list.length >= maxSavedSearches && !list.some((s) => s.name === search.name)) {
    return {
      code: 'bad-request',
      message: `Rackside keeps at most ${String(maxSavedSearches)} saved searches; forget one first.`,
    };
  }
  // Sent as a change to the list the core holds, not a whole list: a quick second change (or
  // one from another window) would otherwise be written over by this one.
  return useSettingsStore.getState().update({ saveSearches: [search] });
}

export async function forgetSearch(name: string): Promise<AppErrorShape | undefined> {
  return useSettingsStore.getState().update({ forgetSearches: [name] });
}

/**
 * Moves saved searches left in this origin's localStorage by an older version into the settings
 * (names already saved there win), then removes them from localStorage. Entries beyond the
 * settings' bounds are shortened or left out. Resolves to how many were moved.
 */
export async function migrateLegacySavedSearches(
  storage: Storage = window.localStorage,
): Promise<number> {
  const raw = storage.getItem(legacyKey);
  if (raw === null) return 0;
  let legacy: { name: string; query: string }[] = [];
  try {
    const parsed = LegacySavedSearches.safeParse(JSON.parse(raw));
    if (parsed.success) legacy = parsed.data;
  } catch {
    // An unreadable entry has nothing to move.
  }
  let list = [...current()];
  const moving: SavedSearch[] = [];
  for (const entry of legacy) {
    const name = entry.name.trim().slice(0, maxSavedSearchName).trim();
    if (name === '' || entry.query.length > maxSavedSearchQuery) continue;
    if (list.some((s) => s.name === name) || list.length >= maxSavedSearches) continue;
    list = withSaved(list, { name, query: entry.query });
    moving.push({ name, query: entry.query });
  }
  const moved = moving.length;
  if (moved > 0) {
    const error = await useSettingsStore.getState().update({ saveSearches: moving });
    // Keep the old entries for the next start if the core could not store them.
    if (error) return 0;
  }
  storage.removeItem(legacyKey);
  return moved;
}
