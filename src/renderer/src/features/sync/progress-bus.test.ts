import { describe, expect, it } from 'vitest';
import type { SyncProgressEvent } from '../../../../shared/inventory';
import { progressFraction, progressText } from './progress-bus';

const event = (overrides: Partial<SyncProgressEvent>): SyncProgressEvent => ({
  runId: 1,
  profileId: 'p1',
  profileName: 'Lab Foreman',
  system: 'foreman',
  state: 'running',
  phase: 'hosts',
  done: 3,
  total: 10,
  records: 3,
  error: null,
  ...overrides,
});

describe('sync progress', () => {
  it('fills the bar of a finished sync', () => {
    expect(progressFraction(event({ state: 'ok', done: 10 }))).toBe(1);
  });

  it('empties the bar of a failed or interrupted sync, which did not complete', () => {
    expect(progressFraction(event({ state: 'failed', error: 'refused' }))).toBe(0);
    expect(progressFraction(event({ state: 'interrupted', error: 'Rackside quit' }))).toBe(0);
    expect(progressText(event({ state: 'failed', error: 'refused' }))).toBe('failed');
  });

  it('leaves a cancelled sync’s bar where it stopped instead of showing it complete', () => {
    const cancelled = event({ state: 'cancelled', error: 'The sync was cancelled.' });
    expect(progressFraction(cancelled)).toBe(0.3);
    expect(progressText(cancelled)).toBe('cancelled');
    expect(progressFraction({ ...cancelled, total: null })).toBe(0);
  });
});
