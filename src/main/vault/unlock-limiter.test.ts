import { describe, expect, it } from 'vitest';
import { UnlockLimiter } from './unlock-limiter';

describe('UnlockLimiter', () => {
  it('allows a few failures, then doubles the wait and reports it', () => {
    let now = 0;
    const limiter = new UnlockLimiter(() => now);
    limiter.failed();
    limiter.failed();
    expect(() => {
      limiter.check();
    }).not.toThrow();
    limiter.failed();
    expect(() => {
      limiter.check();
    }).toThrow('Too many wrong passphrases. Try again in 1 s.');
    now += 1000;
    limiter.check();
    limiter.failed();
    expect(limiter.waitMs()).toBe(2000);
    limiter.failed();
    expect(limiter.waitMs()).toBe(4000);
    for (let i = 0; i < 20; i += 1) limiter.failed();
    expect(limiter.waitMs()).toBe(5 * 60_000);
    limiter.succeeded();
    expect(limiter.waitMs()).toBe(0);
  });
});
