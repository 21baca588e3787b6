import { z } from 'zod';
import { compareNames } from './name-sort';
import { SshUser } from './ssh';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

/** Minutes of inactivity before the vault locks itself; 0 means never. */
export const LockTimeoutMinutes = z
  .number()
  .int()
  .min(0)
  .max(24 * 60);

export const maxSavedSearches = 200;
export const maxSavedSearchName = 80;
export const maxSavedSearchQuery = 2000;

/** A named inventory query, shown as a chip beside the search box. */
export const SavedSearch = z
  .object({
    name: z.string().trim().min(1).max(maxSavedSearchName),
    query: z.string().max(maxSavedSearchQuery),
  })
  .strict();
export type SavedSearch = z.infer<typeof SavedSearch>;

export const SavedSearches = z
  .array(SavedSearch)
  .max(maxSavedSearches, `Keep at most ${String(maxSavedSearches)} saved searches.`)
  .refine((list) => new Set(list.map((s) => s.name)).size === list.length, {
    message: 'Two saved searches cannot share a name.',
  });

export const Settings = z
  .object({
    theme: Theme,
    lockTimeoutMinutes: LockTimeoutMinutes,
    /** Saved inventory searches: kept with the settings so every window and host sees them. */
    savedSearches: SavedSearches,
    /** Who to log in as on an asset without an SSH profile, before any user was used there; '' for none. */
    defaultSshUser: z.union([z.literal(''), SshUser]),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const defaultSettings: Settings = {
  theme: 'system',
  lockTimeoutMinutes: 15,
  savedSearches: [],
  defaultSshUser: '',
};

/**
 * A change to the settings. A setting's key replaces its value. `saveSearches` and
 * `forgetSearches` change the saved searches as the core holds them when it applies the change,
 * so changes sent close together (two chips forgotten quickly, two windows) all land.
 */
export const SettingsPatch = Settings.partial()
  .extend({
    /** Added to the saved searches, each replacing one of its name. */
    saveSearches: z.array(SavedSearch).max(maxSavedSearches).optional(),
    /** Names of saved searches to remove; a name not saved is no error. */
    forgetSearches: z.array(z.string().max(maxSavedSearchName)).max(maxSavedSearches).optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** The settings after a change: throws (a ZodError) if the result is not valid settings. */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  const { saveSearches, forgetSearches, ...values } = patch;
  const next = { ...current, ...values };
  if (saveSearches !== undefined || forgetSearches !== undefined) {
    const replaced = new Set([
      ...(forgetSearches ?? []),
      ...(saveSearches ?? []).map((s) => s.name),
    ]);
    next.savedSearches = [
      ...next.savedSearches.filter((s) => !replaced.has(s.name)),
      ...(saveSearches ?? []),
    ].sort((a, b) => compareNames(a.name, b.name));
  }
  return Settings.parse(next);
}
