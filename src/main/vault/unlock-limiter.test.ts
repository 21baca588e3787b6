import { describe, expect, it } from 'vitest';
import { UnlockLimiter } from './unlock-limiter';

describe('UnlockLimiter', () => {
  it('allows a few wrong passphrases, then doubles the wait and reports it', () => {
    let now = 0;
    const limiter = new UnlockLimiter(() => now);
    const wrong = (): void => {
      limiter.attempt();
      limiter.failed();
    };
    wrong();
    wrong();
    expect(limiter.waitMs()).toBe(0);
    wrong();
    expect(() => {
      limiter.attempt();
    }).toThrow('Too many wrong passphrases. Try again in 1 s.');
    now += 1000;
    wrong();
    expect(limiter.waitMs()).toBe(2000);
    now += 2000;
    wrong();
    expect(limiter.waitMs()).toBe(4000);
    for (let i = 0; i < 20; i += 1) {
      now += limiter.waitMs();
      wrong();
    }
    expect(limiter.waitMs()).toBe(5 * 60_000);
    limiter.succeeded();
    expect(limiter.waitMs()).toBe(0);
  });

  it('holds the next attempt while one is being checked, and counts none it refuses', () => {
    let now = 0;
    const limiter = new UnlockLimiter(() => now);
    for (let i = 0; i < 2; i += 1) limiter.attempt();
    // The third is counted when it starts: until it is known right or wrong, others wait.
    limiter.attempt();
    for (let i = 0; i < 5; i += 1) expect(() => limiter.attempt()).toThrow(/Try again in 1 s/);
    // Found wrong half a second later: its wait runs from then.
    now += 500;
    limiter.failed();
    expect(limiter.waitMs()).toBe(1000);
    now += 1000;
    limiter.attempt();
    limiter.failed();
    expect(limiter.waitMs()).toBe(2000);
  });
});
