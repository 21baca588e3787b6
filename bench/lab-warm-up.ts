/**
 * `node --import tsx bench/lab-warm-up.ts MANIFEST DIR`: one full sync of every profile in the
 * manifest into a throwaway store under DIR, so that the lab has served each request once (its
 * JIT warm, its answers built) before the sync benchmark measures anything. It runs in a process
 * of its own to leave the measuring process as cold as an app that has just started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../src/main/core/logger';
import { importManifest } from '../src/main/profiles/import-export';
import { Manifest } from '../src/shared/manifest';
import { openStore } from '../src/main/store/open-store';
import { defaultConnectors } from '../src/main/sync/connectors';
import { SyncEngine } from '../src/main/sync/sync-engine';

const [manifestFile, dir] = process.argv.slice(2);
if (manifestFile === undefined || dir === undefined) {
  throw new Error('usage: lab-warm-up.ts MANIFEST DIR');
}
const store = openStore({ dataDir: dir, logger: silentLogger });
await store.vault.setup('bench warm-up passphrase');
importManifest(
  store.db,
  store.profiles,
  Manifest.parse(JSON.parse(fs.readFileSync(manifestFile, 'utf8'))),
);
const outcomes = await new SyncEngine({
  db: store.db,
  profiles: store.profiles,
  connectors: defaultConnectors(),
  logger: silentLogger,
}).sync('all');
store.close();
fs.rmSync(path.resolve(dir), { recursive: true, force: true });
const failed = outcomes.filter((o) => o.status !== 'ok');
if (failed.length > 0) throw new Error(`warm-up sync failed: ${JSON.stringify(failed)}`);
