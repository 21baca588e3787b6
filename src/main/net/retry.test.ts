import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from './retry';

describe('Retry-After', () => {
  it('reads delta seconds and HTTP dates, never negative', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('backoff', () => {
  it('doubles per attempt within [½, 1] of the ceiling, capped', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, { ...options, random: () => 0 })).toBe(50);
    expect(backoffDelay(0, { ...options, random: () => 1 })).toBe(100);
    expect(backoffDelay(2, { ...options, random: () => 1 })).toBe(400);
    expect(backoffDelay(10, { ...options, random: () => 1 })).toBe(1000);
  });
});
