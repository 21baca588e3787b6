import { runAndKill } from '../test-support/kill-child';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { fakeSecretBox } from '../vault/test-helpers';
import { openStore } from './open-store';
import { unlockedTestStore } from './test-helpers';

const child = path.join(import.meta.dirname, 'durability-child.ts');

describe('durability', () => {
  it('keeps every profile in a whole old or new state when killed at random points', async () => {
    const setup = await unlockedTestStore();
    const dataDir = setup.dataDir;
    setup.close();
    const started = Date.now();
    let loops = 0;
    let generation = 0;
    while (Date.now() - started < 12_000 && loops < 40) {
      await runAndKill(child, [dataDir, String(generation)], 120);
      loops += 1;
      const store = openStore({
        dataDir,
        logger: silentLogger,
        secretBox: fakeSecretBox('test_keyring'),
      });
      try {
        expect(store.recovered).toBeNull();
        expect(store.db.pragma('quick_check', { simple: true })).toBe('ok');
        expect(store.vault.unlockWithKeychain()).toBe(true);
        const profiles = store.profiles.list();
        expect(profiles.length).toBeGreaterThan(0);
        for (const profile of profiles) {
          const gen = Number(profile.notes.replace('gen-', ''));
          expect(profile.tags).toEqual([`g${gen}`]);
          expect(profile.connection).toMatchObject({ port: 1000 + (gen % 60000) });
          expect(store.profiles.getSecrets(profile.id)).toEqual({ password: `pw-${gen}` });
          generation = Math.max(generation, gen + 1);
        }
      } finally {
        store.close();
      }
    }
    expect(loops).toBeGreaterThanOrEqual(5);
  }, 30_000);
});
