/**
 * Child process for the sync durability test: syncs two alternating versions of a lab fleet in
 * a tight loop until it is killed, so a reader can tell a whole old or new state from a mix.
 */
import { silentLogger } from '../core/logger';
import { openStore } from '../store/open-store';
import { fakeSecretBox } from '../vault/test-helpers';
import { durabilityFleets } from './durability-fleets';
import { SyncEngine } from './sync-engine';
import { fleetConnectors } from './test-fleet';

const dataDir = process.argv[2] ?? '';
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
});
process.stdout.write('syncing\n');
for (;;) {
  turn += 1;
  await engine.sync('all');
}
