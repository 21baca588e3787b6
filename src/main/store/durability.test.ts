import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { fakeSecretBox } from '../vault/test-helpers';
import { openStore } from './open-store';
import { unlockedTestStore } from './test-helpers';

const child = path.join(import.meta.dirname, 'durability-child.ts');

/** Starts the saving child and kills it with SIGKILL a random moment after it reports progress. */
function runAndKill(dataDir: string, startGeneration: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', child, dataDir, String(startGeneration)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout.once('data', () => {
      setTimeout(() => proc.kill('SIGKILL'), Math.floor(Math.random() * 120));
    });
    proc.once('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited without being killed: ${stderr}`));
    });
  });
}

describe('durability', () => {
  it('keeps every profile in a whole old or new state when killed at random points', async () => {
    const setup = await unlockedTestStore();
    const dataDir = setup.dataDir;
    setup.close();
    const started = Date.now();
    let loops = 0;
    let generation = 0;
    while (Date.now() - started < 12_000 && loops < 40) {
      await runAndKill(dataDir, generation);
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
