import { describe, expect, it } from 'vitest';
import { proxmoxGuest } from '../sources/test-helpers';
import type { SourceRecord } from '../sources/types';
import { unlockedTestStore } from '../store/test-helpers';
import { hashRecords, recordHash, RecordStore } from './record-store';

function guest(raw: Record<string, unknown>, name = 'web01'): SourceRecord {
  return proxmoxGuest({
    name,
    os: 'Linux',
    ips: ['10.0.0.5'],
    macs: ['bc:24:11:00:00:01'],
    raw,
  });
}

const polled = (uptime: number, netin: number, observedAt: string) => ({
  resource: { vmid: 101, status: 'running', uptime, netin, cpu: 0.02, maxmem: 2048 },
  config: { memory: '2048' },
  observedAt,
});

describe('RecordStore.replaceProfile', () => {
  it('leaves a machine whose only news is its counters and uptime unchanged, then stores a real change', async () => {
    const store = await unlockedTestStore();
    const profile = store.profiles.save({
      name: 'pve',
      connection: {
        kind: 'proxmox',
        url: 'https://pve.lab',
        auth: { mode: 'token', tokenId: 'root@pam!rs' },
      },
    }).id;
    const records = new RecordStore(store.db);
    const write = (record: SourceRecord, at: string) =>
      store.db.transaction(() => records.replaceProfile(profile, [record], at))();

    expect(write(guest(polled(100, 5_000, '2026-01-01T10:00:00.000Z')), 't1').added).toBe(1);
    const quiet = write(guest(polled(400, 9_000, '2026-01-01T10:05:00.000Z')), 't2');
    expect(quiet).toEqual({ fetched: 1, added: 0, changed: 0, removed: 0 });
    // The stored raw record is the one of the last real change, counters included.
    const kept = records.get(profile, 'pve-ber/qemu/101')!;
    expect(kept.raw).toEqual(polled(100, 5_000, '2026-01-01T10:00:00.000Z'));
    expect(kept.fetchedAt).toBe('t1');

    const maxmem = polled(700, 12_000, '2026-01-01T10:10:00.000Z');
    maxmem.resource.maxmem = 4096;
    expect(write(guest(maxmem), 't3').changed).toBe(1);
    expect(records.get(profile, 'pve-ber/qemu/101')!.raw).toEqual(maxmem);
    expect(
      write(guest(polled(900, 15_000, '2026-01-01T10:15:00.000Z'), 'web02'), 't4').changed,
    ).toBe(1);
    store.close();
  });
});

describe('hashRecords', () => {
  it('hashes a large profile in slices, so other answers are handled before it is done', async () => {
    const records = Array.from({ length: 20_000 }, (_, i) =>
      guest(polled(i, i * 10, '2026-01-01T10:00:00.000Z'), `web${i}`),
    );
    let handledMeanwhile = 0;
    const other = setInterval(() => (handledMeanwhile += 1), 0);
    const hashed = await hashRecords(records);
    clearInterval(other);
    expect(handledMeanwhile).toBeGreaterThan(0);
    expect(hashed.map((h) => h.hash)).toEqual(records.map(recordHash));
    expect(hashed.map((h) => h.record)).toEqual(records);
  });
});
