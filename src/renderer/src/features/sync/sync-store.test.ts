import { afterEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/inventory';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge, unknownChannel } from '../../test-support/fake-bridge';
import { connectSync, initialState, useSyncStore } from './sync-store';

const status: SyncStatus = { running: false, sources: [], lastRuns: [] };

describe('connectSync', () => {
  afterEach(() => {
    setBridge(undefined);
    useSyncStore.setState(initialState);
  });

  it('reads the status again when the machine loses or finds its network, until disconnected', () => {
    const calls = installFakeBridge((channel) =>
      channel === 'sync:status'
        ? status
        : channel === 'profiles:list'
          ? []
          : unknownChannel(channel),
    );
    const disconnect = connectSync();
    const reads = (): number => calls.filter((c) => c.channel === 'sync:status').length;
    expect(reads()).toBe(1);
    window.dispatchEvent(new Event('offline'));
    expect(reads()).toBe(2);
    window.dispatchEvent(new Event('online'));
    expect(reads()).toBe(3);
    disconnect();
    window.dispatchEvent(new Event('offline'));
    expect(reads()).toBe(3);
  });
});
