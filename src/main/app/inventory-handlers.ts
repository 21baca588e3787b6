import { AppError } from '../../shared/errors';
import type { SyncStatus } from '../../shared/inventory';
import { needsOneTimeCode, oneTimeCodeSyncHint } from '../../shared/profiles';
import type { Handlers } from '../contract/router';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { inventoryDirty, inventoryGeneration } from '../inventory/asset-store';
import { InventoryService } from '../inventory/inventory-service';
import type { Sqlite } from '../db/sqlite';
import type { Store } from '../store/open-store';
import { BackgroundSync } from '../sync/background-sync';
import { defaultConnectors } from '../sync/connectors';
import { Reachability, tcpReachable, type ReachProbe } from '../sync/reachability';
import type { SyncWriter } from '../sync/sync-writer';
import { SyncEngine, type ConnectorSet } from '../sync/sync-engine';
import { isSourceProfile } from '../sync/sync-history';
import type { Correlator } from '../inventory/correlator';
import { testLogin } from '../sync/test-login';
import { exportInventory } from './inventory-export';
import type { WriteGuard } from './moved-database';

/** How the app notices, between syncs, that sources cannot be reached. */
export interface ReachOptions {
  /** Null: never check (data turns offline only when a sync fails). Default: a TCP connect. */
  probe?: ReachProbe | null;
  /** Time between checks (default a minute); the first runs at once. */
  everyMs?: number;
  /** A `sync:status` read checks again when the last check is older than this (default 2 s). */
  recheckMs?: number;
  /** How the inventory is re-correlated after a sync (default: in this thread). */
  correlate?: Correlator;
  /** Where syncs write their runs and records (default: in this thread). */
  writer?: SyncWriter;
  /** How often the inventory is looked at for changes another process made (default 2 s). */
  watchMs?: number;
  /** Refuses syncs once the database was moved away by another process (default: never). */
  guard?: WriteGuard;
}

/** Checks sources once a minute: cheap (a TCP connection each), and soon enough to notice. */
export const reachCheckMs = 60_000;
const reachRecheckMs = 2_000;
/** How long after start or a sync the search index is built, once no sync runs. */
const searchWarmMs = 1_000;

type InventoryHandlerNames = Extract<keyof Handlers, `sync:${string}` | `inventory:${string}`>;

export interface InventoryCore {
  handlers: Pick<Handlers, InventoryHandlerNames>;
  engine: SyncEngine;
  inventory: InventoryService;
  close(): void;
}

/**
 * The sync and inventory commands: adapters over the sync engine and the inventory service.
 * Progress becomes `sync:progress`; every committed change becomes `inventory:changed`.
 */
export function inventoryHandlers(
  store: Store,
  events: EventHub,
  logger: Logger,
  connectors: ConnectorSet = defaultConnectors(),
  options: ReachOptions = {},
): InventoryCore {
  // Reading every link takes a while at 100 000 assets, so the per-profile asset counts are kept
  // until a sync ends (read again once no sync runs) or a join or split changes the assets.
  let assetCounts: Map<string, number> | undefined;
  let stale = false;
  let recheckAfterSync = false;
  const probe = options.probe === undefined ? tcpReachable : options.probe;
  const reachability = probe === null ? undefined : new Reachability(probe);
  const engine = new SyncEngine({
    db: store.db,
    profiles: store.profiles,
    connectors,
    ...(reachability === undefined ? {} : { reachability }),
    ...(options.correlate === undefined ? {} : { correlate: options.correlate }),
    ...(options.writer === undefined ? {} : { writer: options.writer }),
    logger: logger.child('sync'),
    onProgress: (event) => {
      if (event.state !== 'running') stale = true;
      // A source that failed during a sync may share its network with those that finished
      // before it (one lab, one VPN): once the sync ends, every source is checked at once,
      // not at the next minute's check.
      if (event.state === 'failed') recheckAfterSync = true;
      if (event.state !== 'running' && recheckAfterSync) {
        setTimeout(() => {
          if (!recheckAfterSync || engine.isRunning()) return;
          recheckAfterSync = false;
          checkReach();
        }, 0);
      }
      events.emit('sync:progress', event);
      if (event.state === 'ok') {
        events.emit('inventory:changed', { reason: 'synced' });
        setTimeout(warmSearch, searchWarmMs).unref();
      }
    },
  });
  const inventory = new InventoryService(
    store.db,
    () => engine.freshness(),
    () => engine.freshnessKey(),
    {
      searchIndex: 'background',
      ...(options.correlate === undefined ? {} : { correlate: options.correlate }),
      onError: (error) => {
        logger.warn('search index failed; searching with SQL', { error: String(error) });
      },
      onReady: (index, ms) => {
        logger.info('search index ready', {
          assets: index.size,
          ms: Math.round(ms),
          mib: Math.round(index.bytes / 2 ** 20),
        });
      },
    },
  );
  // The search index is built once the inventory settles, before the next search needs it; a
  // sync still writing would only make the build start over.
  function warmSearch(): void {
    if (!engine.isRunning()) inventory.warmSearch();
  }
  setTimeout(warmSearch, searchWarmMs).unref();
  // A changed verdict reaches the UI like a sync's: freshness, banners and rows are read again.
  let checking = false;
  let checkedAt = -Infinity;
  const checkReach = (): void => {
    // A running sync reports on its sources itself (and reads the status many times a second).
    if (reachability === undefined || checking || engine.isRunning()) return;
    checking = true;
    checkedAt = Date.now();
    const before = engine.freshnessKey();
    engine
      .checkReachability()
      .then(() => {
        if (engine.freshnessKey() !== before) {
          events.emit('inventory:changed', { reason: 'reachability' });
        }
      })
      .catch((error: unknown) => {
        logger.warn('reachability check failed', { error: String(error) });
      })
      .finally(() => {
        checking = false;
      });
  };
  const reachTimer =
    reachability === undefined
      ? undefined
      : setInterval(checkReach, options.everyMs ?? reachCheckMs);
  reachTimer?.unref();
  checkReach();
  const background = new BackgroundSync({
    engine,
    profiles: store.profiles,
    canSync: () => store.vault.state() === 'unlocked' && options.guard?.moved() !== true,
    logger: logger.child('background-sync'),
  });
  background.start();
  // Due syncs start when the vault opens, not up to a minute later at the next check.
  const offVault = store.vault.onStateChange((state) => {
    if (state === 'unlocked') background.tick();
  });
  // A removed source profile took its records along: its assets are merged again without them,
  // and the assets only it knew are gone.
  const mergeWithoutRemoved = (reason: string): void => {
    void engine.recorrelate().then(() => {
      stale = true;
      events.emit('inventory:changed', { reason });
      setTimeout(warmSearch, searchWarmMs).unref();
    });
  };
  let profiles = profilesKey(store.db);
  const offProfiles = events.subscribe((name, payload) => {
    if (name !== 'profiles:changed') return;
    profiles = profilesKey(store.db);
    if ((payload as { reason?: string }).reason === 'removed') {
      mergeWithoutRemoved('profile removed');
    }
  });
  // Another Rackside process (a `rackside sync` beside the app) changes the inventory, and starts
  // and ends syncs, without telling this one: the inventory's generation moves with every change
  // (one row read), and the runs under way elsewhere are in the sync history.
  const elsewhereKey = (): string =>
    engine
      .freshness()
      .flatMap((s) =>
        s.syncedElsewhere ? [`${s.profileId}:${String(s.syncedElsewhere.runId)}`] : [],
      )
      .join();
  let generation = inventoryGeneration(store.db);
  let elsewhere = elsewhereKey();
  const offOwn = events.subscribe((name) => {
    if (name === 'inventory:changed') generation = inventoryGeneration(store.db);
  });
  const watchTimer = setInterval(() => {
    // A run elsewhere that a Cancel here stopped waiting for: its end is told as its progress.
    engine.reportStoppedWaits();
    if (engine.isRunning()) return;
    const running = elsewhereKey();
    // Profiles another process added, edited or removed: the windows read them again (names and
    // sources are part of the inventory's views). A removal there leaves its assets to be merged
    // again by the next process that reads them, unless a sync under way there ends by doing so.
    const profilesNow = profilesKey(store.db);
    let profilesMoved = false;
    if (profilesNow !== profiles) {
      profiles = profilesNow;
      events.emit('profiles:changed', { reason: 'changed by another Rackside process' });
      if (running === '' && inventoryDirty(store.db)) {
        mergeWithoutRemoved('profile removed by another Rackside process');
      } else {
        profilesMoved = true;
      }
    }
    const now = inventoryGeneration(store.db);
    if (now === generation && running === elsewhere && !profilesMoved) return;
    elsewhere = running;
    if (now !== generation) {
      stale = true;
      setTimeout(warmSearch, searchWarmMs).unref();
    }
    events.emit('inventory:changed', { reason: 'changed by another Rackside process' });
  }, options.watchMs ?? 2_000);
  watchTimer.unref();
  const status = (): SyncStatus => {
    const sources = engine.freshness();
    if (assetCounts === undefined || (stale && !engine.isRunning())) {
      assetCounts = engine.history.assetCounts();
      stale = false;
    }
    return {
      running: engine.isRunning(),
      sources,
      lastRuns: engine.history.lastRuns(
        sources.map((s) => s.profileId),
        assetCounts,
      ),
    };
  };

  return {
    engine,
    inventory,
    close: () => {
      clearInterval(reachTimer);
      clearInterval(watchTimer);
      offOwn();
      offVault();
      offProfiles();
      background.stop();
      engine.cancel();
    },
    handlers: {
      'sync:start': ({ profileIds }) => {
        // Said here: the sync itself runs on after this answer, where a refusal reaches no one.
        options.guard?.assertWritable();
        if (store.readOnly !== null) {
          throw new AppError(
            'unavailable',
            `Cannot sync: nothing it fetches could be stored. ${store.readOnly}`,
          );
        }
        const targets =
          profileIds === 'all'
            ? engine.freshness().map((s) => s.profileId)
            : profileIds.map((id) => {
                const profile = store.profiles.get(id);
                if (!isSourceProfile(profile)) {
                  throw new AppError(
                    'bad-request',
                    `"${profile.name}" is not an inventory source.`,
                  );
                }
                return profile.id;
              });
        engine.sync(targets).catch((error: unknown) => {
          logger.warn('sync failed to start', { error: String(error) });
        });
        return { started: targets };
      },
      'sync:cancel': () => {
        engine.cancel();
        return status();
      },
      'sync:status': () => {
        // Someone is looking at freshness: make sure it is at most a few seconds old.
        if (Date.now() - checkedAt > (options.recheckMs ?? reachRecheckMs)) checkReach();
        return status();
      },
      'sync:schedule': ({ profileId, intervalMinutes }) => {
        const profile = store.profiles.get(profileId);
        if (!isSourceProfile(profile)) {
          throw new AppError('bad-request', `"${profile.name}" is not an inventory source.`);
        }
        if (intervalMinutes !== null && needsOneTimeCode(profile.connection)) {
          throw new AppError('bad-request', oneTimeCodeSyncHint(profile.name));
        }
        engine.history.setSchedule(profile.id, intervalMinutes);
        return status();
      },
      'sync:test-login': ({ profileId }) => testLogin(store.profiles, connectors, profileId),
      'inventory:query': (request) => inventory.query(request),
      'inventory:ids': (request) => inventory.ids(request),
      'inventory:asset': ({ id }) => inventory.asset(id),
      'inventory:join': async ({ assetIds }) => {
        const joined = await inventory.join(assetIds);
        stale = true;
        events.emit('inventory:changed', { reason: 'joined' });
        return joined;
      },
      'inventory:split': async ({ assetId, records }) => {
        const split = await inventory.split(assetId, records);
        stale = true;
        events.emit('inventory:changed', { reason: 'split' });
        return split;
      },
      'inventory:drift': ({ offset, limit }) => inventory.drift(offset, limit),
      'inventory:facets': () => inventory.facets(),
      'inventory:export': ({ target, format }) =>
        exportInventory(
          inventory,
          store.db,
          new Map(store.profiles.list().map((p) => [p.id, p.name])),
          target,
          format,
        ),
    },
  };
}

/** What changes with every profile added, saved or removed: their number and the last save. */
function profilesKey(db: Sqlite): string {
  const row = db.prepare('SELECT count(*) AS n, max(updated_at) AS at FROM profiles').get() as {
    n: number;
    at: string | null;
  };
  return `${String(row.n)}:${row.at ?? ''}`;
}
