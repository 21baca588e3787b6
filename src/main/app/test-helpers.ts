import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { generateFleet } from '../../../lab/fleet';
import type { EventName } from '../../shared/contract';
import type { SyncProgressEvent } from '../../shared/inventory';
import { createRouter } from '../contract/router';
import { EventHub } from '../core/events';
import { silentLogger, type Logger } from '../core/logger';
import type { SourceSystem } from '../sources/types';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import type { FleetConnectorOptions } from '../sync/fleet-connector';
import { SyncHistory } from '../sync/sync-history';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import { inventoryHandlers } from './inventory-handlers';

/** The fleet every profile of `setup` serves. */
export const fleet = generateFleet({ size: 60, seed: 9 });
export const context = { host: 'browser' } as const;

/** Hosts the reachability check finds refusing connections; all others answer. */
export async function setup(
  refusing: ReadonlySet<string> = new Set(),
  everyMs?: number,
  logger: Logger = silentLogger,
  sources: Partial<Record<SourceSystem, FleetConnectorOptions>> = {},
) {
  const store = await unlockedTestStore();
  addFleetProfiles(store.profiles, fleet);
  const events = new EventHub();
  const seen: EventName[] = [];
  events.subscribe((name) => seen.push(name));
  const core = inventoryHandlers(
    store,
    events,
    logger,
    fleetConnectors(() => fleet, sources),
    {
      probe: (host) => Promise.resolve(refusing.has(host) ? 'connection refused' : null),
      ...(everyMs === undefined ? {} : { everyMs }),
    },
  );
  const router = createRouter(core.handlers as never, silentLogger);
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    const result = await router.dispatch(channel, payload, context);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.data as T;
  };
  await core.engine.sync('all');
  return { store, core, router, call, seen, events };
}

/** Every `sync:progress` event the core emits from now on, in order. */
export function progressEvents(events: EventHub): SyncProgressEvent[] {
  const progress: SyncProgressEvent[] = [];
  events.subscribe((name, payload) => {
    if (name === 'sync:progress') progress.push(payload as SyncProgressEvent);
  });
  return progress;
}

/**
 * `rackside sync` in another process: alive, on this machine, syncing PatchMon profile
 * `profileId` now. Kill `other` when done.
 */
export function syncingElsewhere(
  store: Store,
  profileId: string,
): { other: ChildProcess; runId: number; history: SyncHistory } {
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  const owner = JSON.stringify({ host: os.hostname(), pid: other.pid, mark: 'cli' });
  const history = new SyncHistory(store.db, () => new Date());
  return { other, runId: history.begin(profileId, 'patchmon', owner), history };
}
