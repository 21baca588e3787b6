import { describe, expect, it } from 'vitest';
import type { SourceFreshness } from '../../../../shared/inventory';
import { age, localTimes, staleSources, when } from './staleness';

const now = Date.parse('2026-11-22T12:00:00Z');
const source = (over: Partial<SourceFreshness>): SourceFreshness => ({
  profileId: 'p1',
  profileName: 'foreman-lab',
  system: 'foreman',
  dataFrom: '2026-11-22T11:00:00Z',
  lastStatus: 'ok',
  lastError: null,
  lastAttemptAt: '2026-11-22T11:00:00Z',
  offline: false,
  offlineReason: null,
  running: false,
  intervalMinutes: null,
  hostFilter: null,
  message: '',
  ...over,
});

describe('staleSources', () => {
  it('names offline sources with the time of their last good data', () => {
    const stale = staleSources(
      [
        source({
          offline: true,
          lastStatus: 'failed',
          lastError: 'connection refused',
          offlineReason: 'connection refused',
        }),
      ],
      now,
    );
    expect(stale).toEqual([
      expect.objectContaining({
        profileName: 'foreman-lab',
        reason: 'offline',
        since: '2026-11-22T11:00:00Z',
        detail: 'connection refused',
      }),
    ]);
  });

  it('gives why a source that synced fine cannot be reached now', () => {
    const reason = 'cannot reach foreman.lab:443: connection refused';
    const [stale] = staleSources([source({ offline: true, offlineReason: reason })], now);
    expect(stale).toMatchObject({ reason: 'offline', detail: reason });
  });

  it('counts data older than two intervals (a day without a schedule) as stale', () => {
    expect(staleSources([source({})], now)).toEqual([]);
    expect(staleSources([source({ intervalMinutes: 15 })], now)[0]?.reason).toBe('old');
    expect(staleSources([source({ dataFrom: '2026-11-20T12:00:00Z' })], now)[0]?.reason).toBe(
      'old',
    );
  });

  it('does not call a source stale before its first sync was even tried', () => {
    expect(staleSources([source({ dataFrom: null, lastAttemptAt: null })], now)).toEqual([]);
    expect(staleSources([source({ dataFrom: null, running: true })], now)).toEqual([]);
  });

  it('says ages briefly', () => {
    expect(age('2026-11-22T11:58:00Z', now)).toBe('2 min ago');
    expect(age('2026-11-22T09:00:00Z', now)).toBe('3 h ago');
    expect(age(null, now)).toBe('never');
  });
});

describe('localTimes', () => {
  it('shows the times in a freshness text as local date and time, the rest as it is', () => {
    const iso = '2026-11-23T22:06:18.110Z';
    expect(localTimes(`offline — data from ${iso} (Lab Foreman: unreachable)`)).toBe(
      `offline — data from ${when(iso)} (Lab Foreman: unreachable)`,
    );
    expect(localTimes(`data from ${iso}`)).not.toContain('T22:06');
    expect(localTimes('never synced')).toBe('never synced');
  });
});
