import fs from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-file';
import type { Logger } from '../core/logger';
import {
  applySettingsPatch,
  defaultSettings,
  maxSavedSearches,
  SavedSearch,
  Settings,
  type SettingsPatch,
} from '../../shared/settings';

export const settingsFileName = 'settings.json';

/**
 * App preferences in `settings.json`, read so that a bad file never stops the app and costs as
 * little as possible:
 * - a file that cannot be read (a folder, no permission) or holds no JSON object is moved aside
 *   as `settings.json.invalid-<time>` (left in place if it cannot be moved) and defaults are used;
 * - a value that is not valid (an unknown theme, one saved search too long) is left out alone,
 *   the rest is kept, and the file as it was is copied aside;
 * - keys this version does not know (a newer version's) are kept in the file as they are.
 * What was set aside or left out is said in `notice`, for the user.
 */
export class SettingsStore {
  #current: Settings = defaultSettings;
  /** Keys of the file this version does not know: written back as they were. */
  #unknown: Record<string, unknown> = {};
  #notice: string | null = null;
  #writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  static async open(dataDir: string, logger: Logger): Promise<SettingsStore> {
    const store = new SettingsStore(path.join(dataDir, settingsFileName), logger);
    await store.load();
    return store;
  }

  get(): Settings {
    return this.#current;
  }

  /** What happened to an unreadable or partly invalid settings file at open, for the user. */
  get notice(): string | null {
    return this.#notice;
  }

  /**
   * Applies a change and saves it. Changes run one after another, each on the settings the one
   * before left, so two quick changes both land, in the order they came.
   */
  update(patch: SettingsPatch): Promise<Settings> {
    const run = this.#writes.then(async () => {
      const next = applySettingsPatch(this.#current, patch);
      await this.write(next);
      this.#current = next;
      return next;
    });
    this.#writes = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async write(settings: Settings): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify({ ...settings, ...this.#unknown }, null, 2));
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await this.setAside(`it cannot be read: ${unreadable(error)}`);
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      await this.setAside(`it is not valid JSON: ${(error as Error).message}`);
      return;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      await this.setAside('it holds no settings (not a JSON object)');
      return;
    }
    const { settings, unknown, leftOut } = salvage(raw as Record<string, unknown>);
    this.#current = settings;
    this.#unknown = unknown;
    if (Object.keys(unknown).length > 0) {
      this.logger.info('settings file has keys this version does not use; they are kept', {
        keys: Object.keys(unknown).slice(0, 20),
      });
    }
    if (leftOut.length === 0) return;

    const copy = asidePath(this.file);
    let kept: string;
    try {
      await fs.copyFile(this.file, copy);
      // The file now holds what is used, so the same values are not reported at every start.
      await this.write(settings);
      kept = ` The file as it was is kept as ${copy}.`;
    } catch (error) {
      this.logger.warn('could not keep a copy of the settings file or rewrite it', {
        error: String(error),
      });
      kept = '';
    }
    this.logger.warn('settings file had values that are not valid; they were left out', {
      leftOut,
    });
    this.#notice = `Some settings in ${this.file} could not be used and were left out: ${leftOut.join('; ')}. Defaults are used for these; the rest was kept.${kept}`;
  }

  /** Defaults for a file that cannot be used at all; it is moved aside if it can be. */
  private async setAside(why: string): Promise<void> {
    const aside = asidePath(this.file);
    try {
      await fs.rename(this.file, aside);
      this.logger.warn('settings file could not be used; moved aside, defaults used', {
        kept: aside,
        reason: why,
      });
      this.#notice = `Rackside could not use its settings file ${this.file} (${why}). It was moved to ${aside}, and the default settings are used.`;
    } catch (error) {
      const reason = unreadable(error);
      this.logger.warn('settings file could not be used nor moved aside; defaults used', {
        reason: why,
        moveError: reason,
      });
      this.#notice = `Rackside could not use its settings file ${this.file} (${why}), nor move it aside (${reason}). The default settings are used; changes to them cannot be saved until that file is fixed or removed.`;
    }
  }
}

function asidePath(file: string): string {
  return `${file}.invalid-${new Date().toISOString().replace(/[:.]/g, '-')}`;
}

/** Why a file could not be read or moved, in words. */
function unreadable(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EISDIR':
      return 'it is a folder';
    case 'EACCES':
    case 'EPERM':
      return 'no permission';
    case 'EROFS':
      return 'the disk is read-only';
    default:
      return (error as Error).message;
  }
}

const labels: Record<keyof Settings, string> = {
  theme: 'the theme',
  lockTimeoutMinutes: 'the vault lock timeout',
  savedSearches: 'the saved searches',
  defaultSshUser: 'the default SSH user',
};

/**
 * The settings a file's object holds, value by value: each valid one is kept, each invalid one
 * is left out (its default used) and named in `leftOut`, saved searches one search at a time.
 */
function salvage(raw: Record<string, unknown>): {
  settings: Settings;
  unknown: Record<string, unknown>;
  leftOut: string[];
} {
  const kept: Record<string, unknown> = {};
  // No prototype: a key named "__proto__" is kept as a key like any other.
  const unknown = Object.create(null) as Record<string, unknown>;
  const leftOut: string[] = [];
  const shape: Partial<Record<string, z.ZodType>> = Settings.shape;
  for (const [key, value] of Object.entries(raw)) {
    const schema = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (schema === undefined) {
      unknown[key] = value;
    } else if (key === 'savedSearches') {
      kept[key] = savedSearches(value, leftOut);
    } else {
      const parsed = schema.safeParse(value);
      if (parsed.success) kept[key] = parsed.data;
      else {
        const label = labels[key as keyof Settings];
        leftOut.push(`${label} (${preview(value)}: ${firstIssue(parsed.error)})`);
      }
    }
  }
  return { settings: Settings.parse({ ...defaultSettings, ...kept }), unknown, leftOut };
}

function savedSearches(value: unknown, leftOut: string[]): SavedSearch[] {
  if (!Array.isArray(value)) {
    leftOut.push(`${labels.savedSearches} (${preview(value)}: not a list)`);
    return [];
  }
  const kept: SavedSearch[] = [];
  const names = new Set<string>();
  let beyond = 0;
  value.forEach((entry: unknown, index) => {
    const name = (entry as { name?: unknown } | null)?.name;
    const label =
      typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : `number ${String(index + 1)}`;
    const parsed = SavedSearch.safeParse(entry);
    if (!parsed.success) {
      leftOut.push(`the saved search ${label} (${firstIssue(parsed.error)})`);
    } else if (names.has(parsed.data.name)) {
      leftOut.push(`a second saved search named ${label}`);
    } else if (kept.length >= maxSavedSearches) {
      beyond++;
    } else {
      names.add(parsed.data.name);
      kept.push(parsed.data);
    }
  });
  if (beyond > 0) {
    leftOut.push(`${String(beyond)} saved searches beyond the ${String(maxSavedSearches)} kept`);
  }
  return kept;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'not valid';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
