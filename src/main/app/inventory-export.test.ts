import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import type { ExportFile, InventoryPage } from '../../shared/inventory';
import { createRouter } from '../contract/router';
import { EventHub } from '../core/events';
import { silentLogger } from '../core/logger';
import { unlockedTestStore } from '../store/test-helpers';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import { inventoryHandlers } from './inventory-handlers';

const fleet = generateFleet({ size: 40, seed: 4 });

async function setup() {
  const store = await unlockedTestStore();
  addFleetProfiles(store.profiles, fleet);
  const core = inventoryHandlers(
    store,
    new EventHub(),
    silentLogger,
    fleetConnectors(() => fleet),
    { probe: null },
  );
  const router = createRouter(core.handlers as never, silentLogger);
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    const result = await router.dispatch(channel, payload, { host: 'browser' });
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.data as T;
  };
  await core.engine.sync('all');
  return { call, close: () => core.close() };
}

describe('inventory:export', () => {
  it('exports a filter as CSV with one line per matching asset', async () => {
    const { call, close } = await setup();
    const page = await call<InventoryPage>('inventory:query', { query: 'kind:vm', limit: 1 });
    const file = await call<ExportFile>('inventory:export', {
      target: { query: 'kind:vm', sort: { field: 'name', direction: 'asc' } },
      format: 'csv',
    });
    expect(file.fileName).toMatch(/^rackside-inventory-.*\.csv$/);
    expect(file.count).toBe(page.total);
    const lines = file.content.trim().split('\n');
    expect(lines[0]).toMatch(/^id,name,fqdn,kind/);
    expect(lines).toHaveLength(page.total + 1);
    expect(lines.slice(1).every((line) => line.split(',')[3] === 'vm')).toBe(true);
    close();
  });

  it('exports a selection by id as JSON and Ansible, skipping ids that are gone', async () => {
    const { call, close } = await setup();
    const page = await call<InventoryPage>('inventory:query', { limit: 3 });
    const ids = page.rows.map((r) => r.id);
    const json = await call<ExportFile>('inventory:export', {
      target: { ids: [...ids, 999_999] },
      format: 'json',
    });
    const parsed = JSON.parse(json.content) as { assets: { id: number }[] };
    expect(parsed.assets.map((a) => a.id)).toEqual(ids);
    const ansible = await call<ExportFile>('inventory:export', {
      target: { ids },
      format: 'ansible',
    });
    expect(ansible.fileName).toMatch(/\.yml$/);
    expect(ansible.count).toBe(3);
    close();
  });

  it("exports JSON as the CLI writes it: every source's freshness and each asset's records", async () => {
    const { call, close } = await setup();
    const file = await call<ExportFile>('inventory:export', {
      target: { query: 'source:proxmox', sort: { field: 'name', direction: 'asc' } },
      format: 'json',
    });
    const parsed = JSON.parse(file.content) as {
      total: number;
      sources: { profileName: string; lastStatus: string | null }[];
      assets: { records: { system: string; profile: string; externalId: string }[] }[];
    };
    expect(parsed.total).toBe(file.count);
    expect(parsed.sources.length).toBeGreaterThan(1);
    expect(parsed.sources.every((s) => s.lastStatus === 'ok')).toBe(true);
    expect(parsed.assets.length).toBe(file.count);
    const profileNames = new Set(parsed.sources.map((s) => s.profileName));
    for (const asset of parsed.assets) {
      expect(asset.records.some((r) => r.system === 'proxmox')).toBe(true);
      expect(asset.records.every((r) => profileNames.has(r.profile))).toBe(true);
    }
    close();
  });

  it('refuses a bad query with its position', async () => {
    const { call, close } = await setup();
    await expect(
      call('inventory:export', {
        target: { query: 'updates>lots', sort: { field: 'name', direction: 'asc' } },
        format: 'csv',
      }),
    ).rejects.toThrow(/position 9/);
    close();
  });
});
