import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { createRouter } from '../contract/router';
import { EventHub } from '../core/events';
import { createLogger, silentLogger, type LogRecord } from '../core/logger';
import type {
  AssetDetail,
  DriftPage,
  Facets,
  InventoryPage,
  SyncStatus,
} from '../../shared/inventory';
import { openStore } from '../store/open-store';
import { SyncHistory } from '../sync/sync-history';
import { fleetConnectors } from '../sync/test-fleet';
import { openSqlite } from '../db/sqlite';
import { InventoryService } from '../inventory/inventory-service';
import { inventoryHandlers } from './inventory-handlers';
import { context, fleet, setup } from './test-helpers';

describe('inventory commands', () => {
  it('tells the windows when another Rackside process changed the inventory or syncs', async () => {
    const { call, core, store, seen } = await setup();
    // The command line's own connection to the same file, joining two assets.
    const other = openSqlite(store.db.name);
    other.pragma('busy_timeout = 5000');
    const elsewhere = new InventoryService(other, () => []);
    const [a, b] = (
      await call<InventoryPage>('inventory:query', { query: 'source:foreman', limit: 2 })
    ).rows;
    if (a === undefined || b === undefined) throw new Error('missing assets');
    seen.length = 0;
    const joined = await elsewhere.join([a.id, b.id]);
    await expect.poll(() => seen.includes('inventory:changed'), { timeout: 5_000 }).toBe(true);
    const detail = await call<AssetDetail>('inventory:asset', { id: joined.asset.id });
    expect(detail.links).toHaveLength(joined.links.length);

    // And when it starts a sync: the sync center reads its status again and shows it running.
    const patchmon = store.profiles.list().find((p) => p.connection.kind === 'patchmon');
    const cli = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      seen.length = 0;
      const owner = JSON.stringify({ host: os.hostname(), pid: cli.pid, mark: 'cli' });
      new SyncHistory(other, () => new Date()).begin(patchmon!.id, 'patchmon', owner);
      await expect.poll(() => seen.includes('inventory:changed'), { timeout: 5_000 }).toBe(true);
      const status = await call<SyncStatus>('sync:status', {});
      expect(
        status.sources.find((s) => s.profileId === patchmon!.id)?.syncedElsewhere,
      ).toMatchObject({ pid: cli.pid });
    } finally {
      cli.kill('SIGKILL');
    }
    other.close();
    core.close();
  });

  it('merges the assets again without a removed source profile, while running and at the next start', async () => {
    const { call, core, store, seen, events } = await setup();
    const only = 'source:patchmon -source:foreman -source:proxmox -source:routeros';
    const total = async (query: string): Promise<number> =>
      (await call<InventoryPage>('inventory:query', { query, limit: 1 })).total;
    expect(await total('source:patchmon')).toBeGreaterThan(0);
    expect(await total(only)).toBeGreaterThan(0);
    const patchmon = store.profiles.list().find((p) => p.connection.kind === 'patchmon');
    store.profiles.remove(patchmon!.id);
    seen.length = 0;
    // What the Profiles command tells the windows; the inventory follows it.
    events.emit('profiles:changed', { reason: 'removed' });
    await expect.poll(() => seen.includes('inventory:changed')).toBe(true);
    expect(await total('source:patchmon')).toBe(0);
    expect(await total(only)).toBe(0);
    core.close();

    // Removed by another process (the CLI) while this one was not running: merged at start.
    const other = await setup();
    const removed = other.store.profiles.list().find((p) => p.connection.kind === 'patchmon');
    other.core.close();
    other.store.profiles.remove(removed!.id);
    const again = inventoryHandlers(
      other.store,
      new EventHub(),
      silentLogger,
      fleetConnectors(() => fleet),
      { probe: () => Promise.resolve(null) },
    );
    const router = createRouter(again.handlers as never, silentLogger);
    const result = await router.dispatch(
      'inventory:query',
      { query: 'source:patchmon', limit: 1 },
      context,
    );
    expect(result.ok && (result.data as InventoryPage).total).toBe(0);
    again.close();
    other.store.close();
    store.close();
  });

  it('shows a source profile removed by another Rackside process within the watch period', async () => {
    const { call, core, store, seen } = await setup();
    const total = async (query: string): Promise<number> =>
      (await call<InventoryPage>('inventory:query', { query, limit: 1 })).total;
    const shared = (
      await call<InventoryPage>('inventory:query', { query: 'source:patchmon source:foreman' })
    ).rows[0];
    expect(await total('source:patchmon')).toBeGreaterThan(0);
    // The command line's own store on the same data folder removes the PatchMon profile.
    const cli = openStore({ dataDir: store.dataDir, logger: silentLogger });
    const patchmon = cli.profiles.list().find((p) => p.connection.kind === 'patchmon');
    seen.length = 0;
    cli.profiles.remove(patchmon!.id);
    cli.close();
    await expect.poll(() => total('source:patchmon'), { timeout: 5_000 }).toBe(0);
    expect(seen).toContain('profiles:changed');
    expect(seen).toContain('inventory:changed');
    const detail = await call<AssetDetail>('inventory:asset', { id: shared!.id });
    expect(detail.asset.systems).not.toContain('patchmon');
    expect(detail.links.every((l) => l.profileId !== patchmon!.id)).toBe(true);

    // A rename there reaches the windows too: they read the profiles and the inventory again.
    const other = openStore({ dataDir: store.dataDir, logger: silentLogger });
    const foreman = other.profiles.list().find((p) => p.connection.kind === 'foreman')!;
    seen.length = 0;
    const { id, folder, tags, notes, connection } = foreman;
    other.profiles.save({
      id,
      name: 'Foreman renamed',
      folder,
      tags,
      notes,
      connection,
      secrets: {},
    });
    other.close();
    await expect
      .poll(() => seen.includes('profiles:changed') && seen.includes('inventory:changed'), {
        timeout: 5_000,
      })
      .toBe(true);
    core.close();
    store.close();
  });

  it('searches from the in-memory index once it is ready, and from SQL while it follows a join', async () => {
    const records: LogRecord[] = [];
    const logger = createLogger({ sink: (record) => records.push(record) });
    const { call, core, store } = await setup(new Set(), undefined, logger);
    const ready = (): LogRecord[] => records.filter((r) => r.message === 'search index ready');
    const until = async (done: () => boolean): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!done() && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    await until(() => ready().length === 1);
    const assets = (store.db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n;
    expect(ready()[0]?.fields).toMatchObject({ assets });

    const query = { query: 'source:foreman', limit: 500, sort: { field: 'name' } };
    const before = await call<InventoryPage>('inventory:query', query);
    const [a, b] = before.rows;
    await call<AssetDetail>('inventory:join', { assetIds: [a!.id, b!.id] });
    // Right after the join the database answers; the index is read again once searches pause.
    const joined = await call<InventoryPage>('inventory:query', query);
    expect(joined.total).toBe(before.total - 1);
    await until(() => ready().length === 2);
    expect(ready()).toHaveLength(2);
    const again = await call<InventoryPage>('inventory:query', query);
    expect(again.rows).toEqual(joined.rows);
    core.close();
    store.close();
  });

  it('pages, sorts and filters the inventory and never returns more than asked', async () => {
    const { call, router, store, core } = await setup();
    const page = await call<InventoryPage>('inventory:query', {
      query: 'source:proxmox',
      limit: 5,
      offset: 5,
      sort: { field: 'name', direction: 'desc' },
    });
    expect(page.rows).toHaveLength(5);
    expect(page.total).toBeGreaterThan(10);
    const names = page.rows.map((r) => r.name);
    expect(names).toEqual([...names].sort().reverse());
    expect(page.rows.every((r) => r.systems.includes('proxmox'))).toBe(true);

    const tooMany = await router.dispatch('inventory:query', { limit: 501 }, context);
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const bad = await router.dispatch('inventory:query', { query: 'updates>lots' }, context);
    expect(bad).toMatchObject({
      ok: false,
      error: {
        code: 'bad-request',
        message: 'Query error at position 9: updates needs a whole number, not "lots"',
      },
    });
    core.close();
    store.close();
  });

  it('answers "select all" with every matching id in the table’s order, capped, with the count', async () => {
    const { call, router, store, core } = await setup();
    const sort = { field: 'name', direction: 'desc' } as const;
    const all = await call<{ ids: number[]; total: number }>('inventory:ids', {
      query: 'source:proxmox',
      sort,
    });
    const pages: number[] = [];
    for (let offset = 0; offset < all.total; offset += 500) {
      const page = await call<InventoryPage>('inventory:query', {
        query: 'source:proxmox',
        sort,
        offset,
        limit: 500,
      });
      pages.push(...page.rows.map((r) => r.id));
    }
    expect(all.ids).toEqual(pages);
    expect(all.total).toBe(pages.length);
    expect(all.total).toBeGreaterThan(10);

    const capped = await call<{ ids: number[]; total: number }>('inventory:ids', {
      query: 'source:proxmox',
      sort,
      limit: 3,
    });
    expect(capped).toEqual({ ids: pages.slice(0, 3), total: pages.length });
    const tooMany = await router.dispatch('inventory:ids', { limit: 10_001 }, context);
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    core.close();
    store.close();
  });

  it('expects nothing of Foreman while its only profile syncs the hosts of a filter', async () => {
    // Foreman's next sync waits here until the test lets it go on.
    let held: Promise<void> | undefined;
    const { call, store, core } = await setup(new Set(), undefined, silentLogger, {
      foreman: { beforePage: () => held },
    });
    const drift = () => call<DriftPage>('inventory:drift', { limit: 500 });
    const missingFromForeman = async (): Promise<number> =>
      (await drift()).items.filter((i) => i.missingFrom.includes('foreman')).length;
    const driftQuery = async (): Promise<number> =>
      (await call<InventoryPage>('inventory:query', { query: 'drift:foreman' })).total;
    // The seeded fleet has guests Foreman does not know.
    const before = await missingFromForeman();
    expect(before).toBeGreaterThan(0);
    expect(await driftQuery()).toBe(before);
    expect((await call<Facets>('inventory:facets', {})).drift.foreman).toBe(before);

    const foreman = store.profiles.findByName('foreman')!;
    const setFilter = (hostFilter: string | null): void => {
      store.profiles.save({
        id: foreman.id,
        name: foreman.name,
        tags: foreman.tags,
        connection: { ...foreman.connection, hostFilter },
      });
    };
    const shownFilter = async (): Promise<string | null | undefined> =>
      (await call<Facets>('inventory:facets', {})).sources.find((s) => s.profileId === foreman.id)
        ?.hostFilter;
    const syncForeman = async (): Promise<void> => {
      await call('sync:start', { profileIds: [foreman.id] });
      await expect
        .poll(async () => (await call<SyncStatus>('sync:status', {})).running)
        .toBe(false);
    };
    // The data held is all of Foreman's until a sync fetches it through the filter.
    setFilter('hostgroup_title ~ web');
    expect(await missingFromForeman()).toBe(before);
    expect(await driftQuery()).toBe(before);
    expect(await shownFilter()).toBeNull();
    // Nor while that sync runs.
    let release = (): void => undefined;
    held = new Promise((resolve) => {
      release = resolve;
    });
    await call('sync:start', { profileIds: [foreman.id] });
    await expect.poll(async () => (await call<SyncStatus>('sync:status', {})).running).toBe(true);
    expect(await missingFromForeman()).toBe(before);
    held = undefined;
    release();
    await expect.poll(async () => (await call<SyncStatus>('sync:status', {})).running).toBe(false);
    // A host outside the filter may be in Foreman: nothing counts as missing from it.
    expect(await missingFromForeman()).toBe(0);
    expect(await driftQuery()).toBe(0);
    const facets = await call<Facets>('inventory:facets', {});
    expect(facets.drift.foreman).toBe(0);
    expect(await shownFilter()).toBe('hostgroup_title ~ web');
    // Other systems still count theirs.
    expect((await drift()).total).toBeGreaterThan(0);

    // The filter cleared: the data held is still the filter's hosts until the next sync.
    setFilter(null);
    expect(await missingFromForeman()).toBe(0);
    expect(await driftQuery()).toBe(0);
    expect(await shownFilter()).toBe('hostgroup_title ~ web');
    await syncForeman();
    expect(await missingFromForeman()).toBe(before);
    expect(await shownFilter()).toBeNull();
    core.close();
    store.close();
  });

  it('shows an asset with its records and keys; join and split survive a re-sync', async () => {
    const { call, core, store, seen } = await setup();
    const merged = (
      await call<InventoryPage>('inventory:query', {
        query: 'source:foreman source:proxmox',
        limit: 1,
      })
    ).rows[0]!;
    const detail = await call<AssetDetail>('inventory:asset', { id: merged.id });
    expect(detail.links.map((l) => l.system).sort()).toEqual(
      [...new Set(detail.links.map((l) => l.system))].sort(),
    );
    const proxmoxLink = detail.links.find((l) => l.system === 'proxmox')!;
    expect(proxmoxLink.matchKey).toMatch(/mac|smbios-uuid|machine-id/);
    expect(proxmoxLink.raw).toHaveProperty('vmid');

    const split = await call<{ assetIds: number[] }>('inventory:split', {
      assetId: merged.id,
      records: [{ profileId: proxmoxLink.profileId, externalId: proxmoxLink.externalId }],
    });
    expect(split.assetIds).toHaveLength(2);
    await core.engine.sync('all');
    const [a, b] = split.assetIds as [number, number];
    const left = await call<AssetDetail>('inventory:asset', { id: a });
    const right = await call<AssetDetail>('inventory:asset', { id: b });
    const systemsOf = (d: AssetDetail) => d.links.map((l) => l.system);
    expect([...systemsOf(left), ...systemsOf(right)].filter((s) => s === 'proxmox')).toHaveLength(
      1,
    );
    expect(systemsOf(left).includes('proxmox') !== systemsOf(right).includes('proxmox')).toBe(true);

    // Joined back, the asset is as it was: every link with the key and confidence that merged
    // it, none of them made manual — and so it stays after a re-sync.
    const joined = await call<AssetDetail>('inventory:join', { assetIds: [a, b] });
    const keys = (d: AssetDetail) =>
      d.links.map((l) => `${l.externalId} ${l.matchKey} ${String(l.confidence)}`).sort();
    expect(keys(joined)).toEqual(keys(detail));
    await core.engine.sync('all');
    const after = await call<AssetDetail>('inventory:asset', { id: joined.asset.id });
    expect(keys(after)).toEqual(keys(detail));
    // Two assets that nothing links are joined by hand: the second's records show it.
    const [c, d] = (await call<InventoryPage>('inventory:query', { limit: 5 })).rows.filter(
      (row) => row.id !== joined.asset.id,
    );
    const first = await call<AssetDetail>('inventory:asset', { id: c!.id });
    const second = await call<AssetDetail>('inventory:asset', { id: d!.id });
    const byHand = await call<AssetDetail>('inventory:join', { assetIds: [c!.id, d!.id] });
    expect(byHand.links).toHaveLength(first.links.length + second.links.length);
    for (const link of second.links) {
      expect(byHand.links.find((l) => l.externalId === link.externalId)?.matchKey).toBe('manual');
    }
    // The joined asset shows one name; the other still finds it.
    const hidden = [first.asset.name, second.asset.name].find((n) => n !== byHand.asset.name);
    if (hidden === undefined) throw new Error('the joined assets had the same name');
    const found = await call<InventoryPage>('inventory:query', { query: `"${hidden}"`, limit: 10 });
    expect(found.rows.map((row) => row.id)).toContain(byHand.asset.id);
    expect(seen).toContain('inventory:changed');
    core.close();
    store.close();
  });

  it('reports drift, facets and sync status', async () => {
    const { call, core, store } = await setup();
    const drift = await call<{ items: { reason: string; missingFrom: string[] }[]; total: number }>(
      'inventory:drift',
      { limit: 500 },
    );
    expect(drift.total).toBeGreaterThan(0);
    expect(drift.items.some((i) => /unknown to Foreman|unknown to PatchMon/.test(i.reason))).toBe(
      true,
    );
    const facets = await call<Facets>('inventory:facets', {});
    expect(facets.total).toBeGreaterThan(50);
    expect(facets.system.proxmox).toBeGreaterThan(0);
    // The clusters and groups offered for autocomplete are the ones the query finds.
    const [cluster, clusterCount] = Object.entries(facets.cluster).find(([k]) => k !== 'unknown')!;
    const byCluster = await call<InventoryPage>('inventory:query', {
      query: `cluster:"${cluster}"`,
      limit: 1,
    });
    expect(byCluster.total).toBe(clusterCount);
    const [group, groupCount] = Object.entries(facets.group)[0]!;
    expect(groupCount).toBeGreaterThan(0);
    const all = await call<InventoryPage>('inventory:query', { limit: 500 });
    expect(all.rows.filter((row) => row.groups.includes(group))).toHaveLength(groupCount);
    const status = await call<{ running: boolean; sources: { lastStatus: string }[] }>(
      'sync:status',
      {},
    );
    expect(status.running).toBe(false);
    expect(status.sources.every((s) => s.lastStatus === 'ok')).toBe(true);
    core.close();
    store.close();
  });
});
