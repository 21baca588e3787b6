import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Fleet } from '../lab/fleet';
import { silentLogger } from '../src/main/core/logger';
import { migrationHash } from '../src/main/db/migrate';
import { migrations } from '../src/main/db/migrations';
import { databaseFileName, openStore, vaultFileName } from '../src/main/store/open-store';
import { SyncEngine } from '../src/main/sync/sync-engine';
import { addFleetProfiles, fleetConnectors } from '../src/main/sync/test-fleet';

/** The code that decides what a seeded inventory holds: the fleet, sync and inventory writes. */
const seedingCode = ['lab/fleet', 'src/main/sync', 'src/main/inventory', 'src/main/sources'];
/** Inventory files that only read it: a change to them needs no new seed. */
const readOnlyCode = new Set([
  'src/main/inventory/query-parser.ts',
  'src/main/inventory/query-sql.ts',
  'src/main/inventory/search-page.ts',
  'src/main/inventory/search-index.ts',
  'src/main/inventory/search-index-build.ts',
  'src/main/inventory/search-conditions.ts',
  'src/main/inventory/live-search-index.ts',
  'src/main/inventory/inventory-service.ts',
]);

function seedingCodeHash(): string {
  const hash = createHash('sha256');
  const root = path.join(import.meta.dirname, '..');
  const add = (dir: string): void => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) add(file);
      else if (
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.test.ts') &&
        !readOnlyCode.has(path.relative(root, file))
      ) {
        hash.update(path.relative(root, file)).update(fs.readFileSync(file));
      }
    }
  };
  for (const dir of seedingCode) add(path.join(root, dir));
  return hash.digest('hex').slice(0, 12);
}

/**
 * Where a seeded inventory is kept between runs: keyed by benchmark, size, seed, the schema and
 * the code that writes the inventory, so a change to any of them seeds again.
 */
function cacheDirFor(name: string, size: number, seed: number): string {
  const latest = migrations.at(-1);
  const schema =
    latest === undefined ? '0' : `${latest.version}-${migrationHash(latest).slice(0, 12)}`;
  return path.join(
    os.tmpdir(),
    'rackside-bench-cache',
    `${name}-${size}-seed${seed}-schema${schema}-code${seedingCodeHash()}`,
  );
}

export interface SeedOptions {
  /** The benchmark's name, part of the cache key. */
  name: string;
  size: number;
  seed: number;
  fleet: Fleet;
  /** The data directory to fill (empty). */
  dir: string;
  passphrase: string;
}

/**
 * Fills `dir` with a synced lab inventory, seeded without a network through the lab-fleet
 * connector and the real sync engine: copied from the cache when an earlier run seeded the same
 * inventory (`buildMs` null), otherwise synced now (minutes at 100 000 assets) and cached.
 */
export async function seedInventory(
  options: SeedOptions,
): Promise<{ buildMs: number | null; cache: string }> {
  const { dir, fleet } = options;
  const cache = cacheDirFor(options.name, options.size, options.seed);
  const files = [databaseFileName, vaultFileName];
  if (fs.existsSync(path.join(cache, 'complete'))) {
    for (const file of files) fs.copyFileSync(path.join(cache, file), path.join(dir, file));
    return { buildMs: null, cache };
  }
  const store = openStore({ dataDir: dir, logger: silentLogger });
  await store.vault.setup(options.passphrase);
  addFleetProfiles(store.profiles, fleet);
  const engine = new SyncEngine({
    db: store.db,
    profiles: store.profiles,
    connectors: fleetConnectors(() => fleet),
    logger: silentLogger,
  });
  const t0 = performance.now();
  await engine.sync('all');
  const buildMs = performance.now() - t0;
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  fs.rmSync(cache, { recursive: true, force: true });
  fs.mkdirSync(cache, { recursive: true });
  for (const file of files) fs.copyFileSync(path.join(dir, file), path.join(cache, file));
  fs.writeFileSync(path.join(cache, 'complete'), '');
  return { buildMs, cache };
}

/** How the seeding went, for the benchmark's output. */
export function seedLine(result: { buildMs: number | null; cache: string }): string {
  return result.buildMs === null
    ? `  seeded inventory copied from the cache ${result.cache} (delete it to sync again)`
    : `  inventory synced in ${(result.buildMs / 1000).toFixed(1)} s and cached in ${result.cache}`;
}
