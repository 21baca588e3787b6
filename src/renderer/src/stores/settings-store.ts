import { create } from 'zustand';
import type { AppInfo } from '../../../shared/contract';
import type { AppErrorShape } from '../../../shared/errors';
import type { Settings, SettingsPatch } from '../../../shared/settings';
import { bridge } from '../lib/bridge';

interface SettingsState {
  settings: Settings | undefined;
  info: AppInfo | undefined;
  loadError: AppErrorShape | undefined;
  load: () => Promise<void>;
  /** Saves a change; resolves to an error for the caller to show, or undefined. */
  update: (patch: SettingsPatch) => Promise<AppErrorShape | undefined>;
  applyRemote: (settings: Settings) => void;
}

export const useSettingsStore = create<SettingsState>()((set) => ({
  settings: undefined,
  info: undefined,
  loadError: undefined,
  load: async () => {
    const [settings, info] = await Promise.all([
      bridge().call('settings:get', {}),
      bridge().call('app:info', {}),
    ]);
    if (!settings.ok || !info.ok) {
      set({ loadError: settings.ok ? (info.ok ? undefined : info.error) : settings.error });
      return;
    }
    set({ settings: settings.data, info: info.data, loadError: undefined });
  },
  update: async (patch) => {
    const result = await bridge().call('settings:set', patch);
    if (!result.ok) return result.error;
    set({ settings: result.data });
    return undefined;
  },
  applyRemote: (settings) => {
    set({ settings });
  },
}));
