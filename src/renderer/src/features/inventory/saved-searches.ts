import { z } from 'zod';

/**
 * Saved searches live in this installation's browser storage (localStorage), beside the column
 * layout: they are a view preference, not inventory data, and need no round trip to the core.
 */
const SavedSearch = z.object({ name: z.string().min(1).max(80), query: z.string().max(1000) });
export type SavedSearch = z.infer<typeof SavedSearch>;
const SavedSearches = z.array(SavedSearch).max(100);

const key = 'rackside.inventory.saved-searches';

export function readSavedSearches(storage: Storage = window.localStorage): SavedSearch[] {
  try {
    const parsed = SavedSearches.safeParse(JSON.parse(storage.getItem(key) ?? '[]'));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function writeSavedSearches(
  searches: readonly SavedSearch[],
  storage: Storage = window.localStorage,
): void {
  storage.setItem(key, JSON.stringify(searches));
}

/** Adds a search, replacing one of the same name, keeping the list sorted by name. */
export function withSaved(list: readonly SavedSearch[], search: SavedSearch): SavedSearch[] {
  return [...list.filter((s) => s.name !== search.name), search].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
}
