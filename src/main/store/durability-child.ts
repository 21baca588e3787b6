/**
 * Child process for the durability test: saves profiles in a tight loop until it is killed.
 * Every save writes one generation number into the name-independent fields and the secret, so a
 * reader can tell a whole old or new state from a mix.
 */
import { silentLogger } from '../core/logger';
import { fakeSecretBox } from '../vault/test-helpers';
import { openStore } from './open-store';

const dataDir = process.argv[2] ?? '';
const store = openStore({
  dataDir,
  logger: silentLogger,
  secretBox: fakeSecretBox('test_keyring'),
});
if (!store.vault.unlockWithKeychain()) throw new Error('vault did not unlock');
const names = ['alpha', 'bravo', 'charlie'];
let generation = Number(process.argv[3] ?? '0');
for (;;) {
  for (const name of names) {
    const existing = store.profiles.findByName(name);
    store.profiles.save({
      ...(existing === null ? {} : { id: existing.id }),
      name,
      notes: `gen-${generation}`,
      tags: [`g${generation}`],
      connection: {
        kind: 'ssh',
        host: `${name}.lab`,
        port: 1000 + (generation % 60000),
        username: 'ops',
        auth: { mode: 'password' },
      },
      secrets: { password: `pw-${generation}` },
    });
    generation += 1;
    if (generation % 25 === 0) process.stdout.write(`saved ${generation}\n`);
  }
}
