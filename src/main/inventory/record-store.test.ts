import { describe, expect, it } from 'vitest';
import { proxmoxGuest } from '../sources/test-helpers';
import type { SourceRecord } from '../sources/types';
import { unlockedTestStore } from '../store/test-helpers';
import { recordHash, RecordStore } from './record-store';

function guest(raw: Record<string, unknown>, name = 'web01', vmid = 101): SourceRecord {
  return proxmoxGuest({
    externalId: `pve-ber/qemu/${vmid}`,
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

async function storeWithProfile() {
  const store = await unlockedTestStore();
  const profile = store.profiles.save({
    name: 'pve',
    connection: {
      kind: 'proxmox',
      url: 'https://pve.lab',
      auth: { mode: 'token', tokenId: 'root@pam!rs' },
    },
  }).id;
  return { store, profile, records: new RecordStore(store.db) };
}

describe('RecordStore.replaceProfile', () => {
  it('leaves a machine whose only news is its counters and uptime unchanged, then stores a real change', async () => {
    const { store, profile, records } = await storeWithProfile();
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

describe('RecordStore.prepareBatch', () => {
  it('prepares a large profile in slices, so other answers are handled before it is done', async () => {
    const { store, profile, records } = await storeWithProfile();
    const fleet = Array.from({ length: 20_000 }, (_, i) =>
      guest(polled(i, i * 10, '2026-01-01T10:00:00.000Z'), `web${i}`, 100 + i),
    );
    let handledMeanwhile = 0;
    const other = setInterval(() => (handledMeanwhile += 1), 0);
    const batch = await records.prepareBatch(profile, fleet, 't1');
    clearInterval(other);
    expect(handledMeanwhile).toBeGreaterThan(0);
    expect([...batch.kept.values()]).toEqual(fleet.map(recordHash));
    expect(batch.rows.map((row) => row[2])).toEqual(fleet.map((r) => r.externalId));
    store.close();
  });

  it('hands on rows only for records whose hash moved, with their raw JSON whole', async () => {
    const { store, profile, records } = await storeWithProfile();
    const first = [0, 1, 2].map((i) =>
      guest(polled(100, 5_000, '2026-01-01T10:00:00.000Z'), `web${i}`, 100 + i),
    );
    store.db.transaction(() => records.replaceProfile(profile, first, 't1'))();
    // Only counters moved on web0 and web1; web2 was renamed; web3 is new.
    const next = [
      guest(polled(900, 9_000, '2026-01-01T11:00:00.000Z'), 'web0', 100),
      guest(polled(900, 9_000, '2026-01-01T11:00:00.000Z'), 'web1', 101),
      guest(polled(100, 5_000, '2026-01-01T10:00:00.000Z'), 'db2', 102),
      guest(polled(100, 5_000, '2026-01-01T10:00:00.000Z'), 'web3', 103),
    ];
    const batch = await records.prepareBatch(profile, next, 't2');
    expect(batch.rows.map((row) => row[4])).toEqual(['db2', 'web3']);
    expect(batch.kept.size).toBe(4);
    const counts = store.db.transaction(() => records.writeBatch(profile, batch))();
    expect(counts).toEqual({ fetched: 4, added: 1, changed: 1, removed: 0 });
    expect(records.get(profile, 'pve-ber/qemu/103')?.raw).toEqual(next[3]?.raw);
    expect(records.get(profile, 'pve-ber/qemu/100')?.fetchedAt).toBe('t1');
    store.close();
  });
});
