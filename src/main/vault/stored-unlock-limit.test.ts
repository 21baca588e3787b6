import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { tempDir } from '../db/test-helpers';
import { openStore, type Store } from '../store/open-store';

const passphrase = 'shared limit passphrase';
const wrong = 'Wrong passphrase; the vault stays locked.';
const day = 24 * 60 * 60_000;

/** The time every store of a test reads; the test moves it. */
interface Clock {
  now: number;
}

/**
 * A data folder with a vault, a clock, and a way to open the folder as another Rackside process
 * would (the app, a `rackside` command), on that clock.
 */
async function dataFolder(): Promise<{ clock: Clock; open: () => Store }> {
  const clock = { now: Date.parse('2026-11-25T09:00:00Z') };
  const dataDir = tempDir();
  const open = (): Store =>
    openStore({ dataDir, logger: silentLogger, clock: () => new Date(clock.now) });
  const first = open();
  await first.vault.setup(passphrase, { useKeychain: false });
  first.close();
  return { clock, open };
}

/**
 * `count` wrong passphrases, each as soon as the limit allows it (the clock moved on by the
 * wait): the message the last one was refused with.
 */
async function guessWrong(store: Store, clock: Clock, count: number): Promise<string> {
  let refusal = '';
  for (let i = 0; i < count; i += 1) {
    clock.now += store.vault.unlockWaitMs();
    refusal = await store.vault.unlock(`wrong guess ${String(i)}`).then(
      () => 'unlocked',
      (error: unknown) => (error as Error).message,
    );
  }
  return refusal;
}

/** The store asks for `seconds` of waiting, refuses even the right passphrase until then, and takes it after. */
async function waitsThenUnlocks(store: Store, clock: Clock, seconds: number): Promise<void> {
  expect(store.vault.unlockWaitMs()).toBe(seconds * 1000);
  await expect(store.vault.unlock(passphrase)).rejects.toMatchObject({
    code: 'rate-limited',
    message: `Too many wrong passphrases. Try again in ${String(seconds)} s.`,
  });
  clock.now += seconds * 1000;
  await store.vault.unlock(passphrase);
  expect(store.vault.state()).toBe('unlocked');
}

describe('the unlock limit kept in the data folder', () => {
  it('is one limit for the app and the CLI: wrong passphrases in one make the other wait', async () => {
    const { clock, open } = await dataFolder();
    const app = open();
    const cli = open();
    await expect(app.vault.unlock('wrong one 1')).rejects.toThrow(wrong);
    await expect(cli.vault.unlock('wrong one 2')).rejects.toThrow(wrong);
    await expect(app.vault.unlock('wrong one 3')).rejects.toThrow(
      `${wrong} Next attempt allowed in 1 s.`,
    );
    await waitsThenUnlocks(cli, clock, 1);
    // The right passphrase in one clears the count for both.
    expect(app.vault.unlockWaitMs()).toBe(0);
    expect(await guessWrong(app, clock, 2)).toBe(wrong);
    expect(app.vault.unlockWaitMs()).toBe(0);
    app.close();
    cli.close();
  }, 60_000);

  it('outlasts a restart, until the right passphrase clears it', async () => {
    const { clock, open } = await dataFolder();
    const before = open();
    expect(await guessWrong(before, clock, 5)).toBe(`${wrong} Next attempt allowed in 4 s.`);
    before.close();
    const after = open();
    await waitsThenUnlocks(after, clock, 4);
    after.close();
    const later = open();
    expect(later.vault.unlockWaitMs()).toBe(0);
    await expect(later.vault.unlock('wrong again')).rejects.toThrow(new RegExp(`^${wrong}$`));
    later.close();
  }, 60_000);

  it('makes no one wait longer than the count asks when the clock was set back', async () => {
    const { clock, open } = await dataFolder();
    const before = open();
    expect(await guessWrong(before, clock, 3)).toBe(`${wrong} Next attempt allowed in 1 s.`);
    before.close();
    // A day back (a clock corrected, a dead battery): one second to wait, not a day and one.
    clock.now -= day;
    const after = open();
    await waitsThenUnlocks(after, clock, 1);
    after.close();
  }, 60_000);

  it('never makes anyone wait longer than the longest wait, whatever time was stored', async () => {
    const { clock, open } = await dataFolder();
    const store = open();
    // As left by many wrong passphrases under a clock running a year ahead.
    store.db
      .prepare('UPDATE vault_unlock_limit SET failures = 40, not_before = ?')
      .run(clock.now + 365 * day);
    await waitsThenUnlocks(store, clock, 300);
    store.close();
  }, 60_000);

  it('goes on counting in memory when the database cannot be written, and still unlocks', async () => {
    const { clock, open } = await dataFolder();
    const store = open();
    // As on a read-only disk: reading works, every write is refused.
    store.db.pragma('query_only = ON');
    expect(await guessWrong(store, clock, 3)).toBe(`${wrong} Next attempt allowed in 1 s.`);
    await waitsThenUnlocks(store, clock, 1);
    store.close();
  }, 60_000);
});
