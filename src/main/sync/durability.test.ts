import { runAndKill } from '../test-support/kill-child';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { correlateIfDirty, recorrelate } from '../inventory/asset-store';
import { openStore, type Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import type { SourceSystem } from '../sources/types';
import { fakeSecretBox } from '../vault/test-helpers';
import { durabilityFleets, versionHashes } from './durability-fleets';
import { addFleetProfiles } from './test-fleet';

const child = path.join(import.meta.dirname, 'durability-child.ts');

function count(store: Store, sql: string): number {
  return (store.db.prepare(sql).get() as { n: number }).n;
}

describe('sync durability', () => {
  it('leaves each source wholly at one version, with assets that match, when killed mid-sync (writing on the core thread or in its own)', async () => {
    const [a, b] = durabilityFleets();
    const setup = await unlockedTestStore();
    const dataDir = setup.dataDir;
    const ids = addFleetProfiles(setup.profiles, a);
    setup.close();
    const expected = new Map<string, [string, string]>();
    for (const [name, id] of ids) {
      const system = (name.startsWith('pve-') ? 'proxmox' : name) as SourceSystem;
      const cluster = name.startsWith('pve-') ? name.slice(4) : undefined;
      expected.set(id, [versionHashes(a, system, cluster), versionHashes(b, system, cluster)]);
    }
    const started = Date.now();
    let loops = 0;
    let synced = 0;
    // At least five kills however busy the machine is, and more while time allows.
    while (loops < 5 || (Date.now() - started < 10_000 && loops < 30)) {
      // Every other run writes through the writer thread, as the app does.
      await runAndKill(child, loops % 2 === 0 ? [dataDir] : [dataDir, 'worker'], 400);
      loops += 1;
      const store = openStore({
        dataDir,
        logger: silentLogger,
        secretBox: fakeSecretBox('test_keyring'),
      });
      try {
        expect(store.recovered).toBeNull();
        expect(store.db.pragma('quick_check', { simple: true })).toBe('ok');
        for (const [id, versions] of expected) {
          const rows = store.db
            .prepare('SELECT hash FROM source_records WHERE profile_id = ? ORDER BY hash')
            .all(id) as { hash: string }[];
          if (rows.length === 0) continue;
          synced += 1;
          expect(versions).toContain(rows.map((r) => r.hash).join(','));
        }
        // A kill between a source's commit and the correlation is caught up at the next start;
        // after that, assets describe exactly the stored records.
        correlateIfDirty(store.db);
        expect(count(store, 'SELECT count(*) AS n FROM asset_links')).toBe(
          count(store, 'SELECT count(*) AS n FROM source_records'),
        );
        expect(count(store, 'SELECT count(*) AS n FROM asset_fts')).toBe(
          count(store, 'SELECT count(*) AS n FROM assets'),
        );
        const check = store.db.transaction(() => recorrelate(store.db));
        expect(check()).toMatchObject({ written: 0, removed: 0 });
      } finally {
        store.close();
      }
    }
    expect(synced).toBeGreaterThan(0);
  }, 40_000);
});
