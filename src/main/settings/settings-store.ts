import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-file';
import type { Logger } from '../core/logger';
import { defaultSettings, Settings, type SettingsPatch } from '../../shared/settings';

export const settingsFileName = 'settings.json';

/**
 * App preferences in `settings.json`. A file that cannot be read or fails validation is kept
 * aside (`settings.json.invalid-<time>`) and defaults are used, so a bad edit never stops the app.
 */
export class SettingsStore {
  #current: Settings = defaultSettings;
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

  async update(patch: SettingsPatch): Promise<Settings> {
    const next = Settings.parse({ ...this.#current, ...patch });
    // Writes are serialised so two quick changes cannot land out of order.
    const write = this.#writes.then(() =>
      writeFileAtomic(this.file, JSON.stringify(next, null, 2)),
    );
    this.#writes = write.catch(() => undefined);
    await write;
    this.#current = next;
    return next;
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const parsed = Settings.safeParse({ ...defaultSettings, ...(JSON.parse(text) as object) });
      if (parsed.success) {
        this.#current = parsed.data;
        return;
      }
      throw new Error(
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    } catch (error) {
      const aside = `${this.file}.invalid-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await fs.rename(this.file, aside);
      this.logger.warn('settings file was invalid; using defaults and keeping the old file', {
        kept: aside,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
