import { create } from 'zustand';
import type { AppErrorShape } from '../../../../shared/errors';
import type { SyncProgressEvent, SyncStatus } from '../../../../shared/inventory';
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
}

interface SyncActions {
  load: () => Promise<void>;
  start: (profileIds: string[] | 'all') => Promise<AppErrorShape | undefined>;
  cancel: () => Promise<AppErrorShape | undefined>;
  /** Takes one `sync:progress`: the bus gets every one, the store only state changes. */
  onProgress: (event: SyncProgressEvent) => void;
}

export const initialState: SyncState = { status: undefined, loadError: undefined, runs: {} };

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
  // Profiles added, edited or removed change the list of sources.
  const offProfiles = bridge().on('profiles:changed', load);
  const offInventory = bridge().on('inventory:changed', () => {
    load();
    useInventoryStore.getState().inventoryChanged();
  });
  return () => {
    offProgress();
    offProfiles();
    offInventory();
  };
}
