import { create } from 'zustand';
import type { AppErrorShape } from '../../../../shared/errors';
import type { SyncProgressEvent, SyncStatus } from '../../../../shared/inventory';
import { needsOneTimeCode } from '../../../../shared/profiles';
import { bridge } from '../../lib/bridge';
import { useInventoryStore } from '../inventory/inventory-store';
import { progressBus } from './progress-bus';
import { tickNow } from './use-now';

/** What this window saw of a profile's last finished sync (the contract keeps no run totals). */
export interface RunSummary {
  runId: number;
  state: SyncProgressEvent['state'];
  records: number;
  durationMs: number | undefined;
  error: string | null;
}

interface SyncState {
  status: SyncStatus | undefined;
  loadError: AppErrorShape | undefined;
  /** Per profile, the last run that ended while this window was open. */
  runs: Record<string, RunSummary>;
  /** Profiles that ask for a one-time code at every login: synced by hand only. */
  byHandOnly: Record<string, true>;
  /** Per profile, why the last change of its background interval failed. */
  scheduleErrors: Record<string, AppErrorShape>;
}

interface SyncActions {
  load: () => Promise<void>;
  start: (profileIds: string[] | 'all') => Promise<AppErrorShape | undefined>;
  cancel: () => Promise<AppErrorShape | undefined>;
  /** Reads which profiles ask for a one-time code (they get no background interval). */
  loadProfiles: () => Promise<void>;
  /** Sets (minutes) or switches off (null) a profile's background interval. */
  schedule: (profileId: string, intervalMinutes: number | null) => Promise<void>;
  /** Takes one `sync:progress`: the bus gets every one, the store only state changes. */
  onProgress: (event: SyncProgressEvent) => void;
}

export const initialState: SyncState = {
  status: undefined,
  loadError: undefined,
  runs: {},
  byHandOnly: {},
  scheduleErrors: {},
};

const without = <T>(record: Record<string, T>, key: string): Record<string, T> =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));

export const useSyncStore = create<SyncState & SyncActions>()((set, get) => ({
  ...initialState,
  load: async () => {
    const result = await bridge().call('sync:status', {});
    if (result.ok) {
      tickNow();
      set({ status: result.data, loadError: undefined });
    } else set({ loadError: result.error });
  },
  start: async (profileIds) => {
    const result = await bridge().call('sync:start', { profileIds });
    await get().load();
    return result.ok ? undefined : result.error;
  },
  cancel: async () => {
    const result = await bridge().call('sync:cancel', {});
    if (result.ok) set({ status: result.data });
    return result.ok ? undefined : result.error;
  },
  loadProfiles: async () => {
    const result = await bridge().call('profiles:list', {});
    // Without the list the control stays enabled; the core still refuses such a profile.
    if (!result.ok) return;
    set({
      byHandOnly: Object.fromEntries(
        result.data.filter((p) => needsOneTimeCode(p.connection)).map((p) => [p.id, true] as const),
      ),
    });
  },
  schedule: async (profileId, intervalMinutes) => {
    const result = await bridge().call('sync:schedule', { profileId, intervalMinutes });
    if (result.ok) {
      tickNow();
      set((s) => ({ status: result.data, scheduleErrors: without(s.scheduleErrors, profileId) }));
    } else {
      set((s) => ({ scheduleErrors: { ...s.scheduleErrors, [profileId]: result.error } }));
    }
  },
  onProgress: (event) => {
    const previous = progressBus.latest(event.profileId);
    progressBus.publish(event);
    const changed = previous?.runId !== event.runId || previous.state !== event.state;
    if (!changed) return;
    if (event.state !== 'running') {
      set((s) => ({
        runs: {
          ...s.runs,
          [event.profileId]: {
            runId: event.runId,
            state: event.state,
            records: event.records,
            durationMs: progressBus.elapsed(event.runId),
            error: event.error,
          },
        },
      }));
    }
    void get().load();
  },
}));

/**
 * Subscribes the sync store to the core's progress events for as long as the shell is up, and
 * tells the inventory when its data changed (it reloads now or when its section opens).
 */
export function connectSync(): () => void {
  const load = (): void => {
    void useSyncStore.getState().load();
  };
  load();
  const offProgress = bridge().on('sync:progress', (event) => {
    useSyncStore.getState().onProgress(event);
  });
  // Profiles added, edited or removed change the list of sources (and who needs a code).
  const loadProfiles = (): void => {
    void useSyncStore.getState().loadProfiles();
  };
  loadProfiles();
  const offProfiles = bridge().on('profiles:changed', () => {
    load();
    loadProfiles();
  });
  const offInventory = bridge().on('inventory:changed', () => {
    load();
    useInventoryStore.getState().inventoryChanged();
  });
  // The machine lost or found its network: read the status again, which has the core check at
  // once which sources can be reached (instead of at its next minute).
  window.addEventListener('online', load);
  window.addEventListener('offline', load);
  return () => {
    offProgress();
    offProfiles();
    offInventory();
    window.removeEventListener('online', load);
    window.removeEventListener('offline', load);
  };
}
