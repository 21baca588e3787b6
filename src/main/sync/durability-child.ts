/**
 * Child process for the sync durability test: syncs two alternating versions of a lab fleet in
 * a tight loop until it is killed, so a reader can tell a whole old or new state from a mix.
 * `worker` after the data folder: writes go through the writer thread, as in the app.
 */
import { silentLogger } from '../core/logger';
import { openStore } from '../store/open-store';
import { fakeSecretBox } from '../vault/test-helpers';
import { durabilityFleets } from './durability-fleets';
import { SyncEngine } from './sync-engine';
import { inThreadSyncWriter, sourceSyncWriterWorker, workerSyncWriter } from './sync-writer';
import { fleetConnectors } from './test-fleet';

const dataDir = process.argv[2] ?? '';
const inWorker = process.argv[3] === 'worker';
const store = openStore({
  dataDir,
  logger: silentLogger,
  secretBox: fakeSecretBox('test_keyring'),
});
if (!store.vault.unlockWithKeychain()) throw new Error('vault did not unlock');
const fleets = durabilityFleets();
let turn = 0;
const engine = new SyncEngine({
  db: store.db,
  profiles: store.profiles,
  connectors: fleetConnectors(() => fleets[turn % 2] ?? fleets[0]),
  logger: silentLogger,
  writer: inWorker
    ? workerSyncWriter({ db: store.db, createWorker: sourceSyncWriterWorker, logger: silentLogger })
    : inThreadSyncWriter(store.db),
});
// The writer thread takes a moment to start: the kill comes after it has written once.
if (inWorker) {
  turn += 1;
  await engine.sync('all');
}
process.stdout.write('syncing\n');
for (;;) {
  turn += 1;
  await engine.sync('all');
}
