import { afterEach, describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import { AppError } from '../../shared/errors';
import { silentLogger } from '../core/logger';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { SyncEngine } from '../sync/sync-engine';
import { SyncHistory } from '../sync/sync-history';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import { InventoryService } from './inventory-service';

const fleet = generateFleet({ size: 40, seed: 11 });
let store: Store | undefined;

afterEach(() => {
  store?.close();
  store = undefined;
});

const request = { query: '', limit: 20, offset: 0 };

describe('inventory freshness', () => {
  it('shows the freshness of the latest sync on every answer, never an earlier one', async () => {
    const opened = await unlockedTestStore();
    store = opened;
    addFleetProfiles(opened.profiles, fleet);
    let failure: AppError | null = null;
    const engine = new SyncEngine({
      db: opened.db,
      profiles: opened.profiles,
      connectors: fleetConnectors(() => fleet, { foreman: { failWith: () => failure } }),
      logger: silentLogger,
    });
    const inventory = new InventoryService(opened.db, () => engine.freshness());

    const before = inventory.query(request);
    expect(before.rows).toEqual([]);
    expect(before.sources.length).toBeGreaterThan(0);
    expect(before.sources.every((s) => s.dataFrom === null && s.lastStatus === null)).toBe(true);
    // Asked again with nothing changed: the same answer.
    expect(inventory.query(request).sources).toEqual(before.sources);

    await engine.sync('all');
    const synced = inventory.query(request);
    expect(synced.rows.length).toBeGreaterThan(0);
    expect(synced.sources.every((s) => s.lastStatus === 'ok' && s.dataFrom !== null)).toBe(true);
    expect(synced.sources.every((s) => !s.offline && !s.running)).toBe(true);
    expect(synced.rows.every((row) => !row.freshness.offline)).toBe(true);

    failure = new AppError('unavailable', 'connection refused');
    await engine.sync('all');
    const failed = inventory.query(request);
    const foreman = failed.sources.filter((s) => s.system === 'foreman');
    expect(foreman.length).toBeGreaterThan(0);
    expect(foreman.every((s) => s.offline && s.lastStatus === 'failed')).toBe(true);
    expect(foreman.every((s) => s.message.includes('connection refused'))).toBe(true);
    expect(failed.rows.some((row) => row.freshness.offline)).toBe(true);
    expect(inventory.facets().sources).toEqual(failed.sources);

    failure = null;
    await engine.sync('all');
    const recovered = inventory.query(request);
    expect(recovered.sources.every((s) => s.lastStatus === 'ok' && !s.offline)).toBe(true);
    expect(recovered.rows.every((row) => !row.freshness.offline)).toBe(true);
  }, 120_000);

  it('leaves a removed source profile out of the next answer', async () => {
    const opened = await unlockedTestStore();
    store = opened;
    addFleetProfiles(opened.profiles, fleet);
    const engine = new SyncEngine({
      db: opened.db,
      profiles: opened.profiles,
      connectors: fleetConnectors(() => fleet),
      logger: silentLogger,
    });
    const inventory = new InventoryService(opened.db, () => engine.freshness());
    const first = inventory.query(request).sources;
    const gone = first[0];
    expect(gone).toBeDefined();
    if (gone === undefined) return;
    opened.profiles.remove(gone.profileId);
    const after = inventory.query(request).sources;
    expect(after.map((s) => s.profileId)).toEqual(first.slice(1).map((s) => s.profileId));
  }, 120_000);

  it("says what the last sync of an asset's source warned about, also one another process ran", async () => {
    const opened = await unlockedTestStore();
    store = opened;
    addFleetProfiles(opened.profiles, fleet);
    const engine = new SyncEngine({
      db: opened.db,
      profiles: opened.profiles,
      connectors: fleetConnectors(() => fleet),
      logger: silentLogger,
    });
    await engine.sync('all');
    const inventory = new InventoryService(opened.db, () => engine.freshness());
    const router = opened.profiles.list().find((p) => p.connection.kind === 'routeros')!;
    const asset = inventory.query({ ...request, query: 'source:routeros', limit: 1 }).rows[0]!;
    expect(inventory.asset(asset.id).asset.freshness.message).not.toContain('warn');
    // `rackside sync` of the router, in its own process: it synced, with a gap.
    const history = new SyncHistory(opened.db, () => new Date('2026-11-25T03:50:00Z'));
    const run = history.begin(router.id, 'routeros');
    history.finish(run, 'ok', {
      counts: { fetched: 1, added: 0, changed: 0, removed: 0 },
      warnings: ['last update check failed: could not resolve dns name'],
      durationMs: 978,
    });
    const detail = inventory.asset(asset.id).asset.freshness;
    expect(detail.offline).toBe(false);
    expect(detail.message).toBe(
      `data from ${detail.dataFrom ?? ''}; the last sync warned (${router.name}: last update check failed: could not resolve dns name)`,
    );
  }, 120_000);
});
