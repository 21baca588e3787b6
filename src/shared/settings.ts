import { z } from 'zod';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

/** Minutes of inactivity before the vault locks itself; 0 means never. */
export const LockTimeoutMinutes = z
  .number()
  .int()
  .min(0)
  .max(24 * 60);

export const Settings = z
  .object({
    theme: Theme,
    lockTimeoutMinutes: LockTimeoutMinutes,
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const defaultSettings: Settings = {
  theme: 'system',
  lockTimeoutMinutes: 15,
};

export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
