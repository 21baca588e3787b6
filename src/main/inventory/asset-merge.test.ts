import { describe, expect, it } from 'vitest';
import { proxmoxGuest } from '../sources/test-helpers';
import type { SourceRecord } from '../sources/types';
import { mergeRecords } from './asset-merge';
import type { StoredRecord } from './record-store';

const stored = (record: SourceRecord): StoredRecord => ({
  ...record,
  profileId: record.system,
  fetchedAt: '2026-11-24T10:00:00Z',
  hash: record.externalId,
});

const foreman = (name: string, fqdn: string): StoredRecord =>
  stored({ ...proxmoxGuest(), system: 'foreman', kind: 'host', externalId: '654', name, fqdn });

describe('merging an asset', () => {
  it("shows a guest by the Proxmox name, over Foreman's", () => {
    const merged = mergeRecords([
      stored(proxmoxGuest({ name: 'db03-new' })),
      foreman('db03', 'db03.ber.example.com'),
    ]);
    expect(merged.name).toBe('db03-new');
    expect(merged.aka).toEqual(['db03']);
  });

  it('never shows the name made up for a guest whose node did not answer, when another source has one', () => {
    const unreachable = proxmoxGuest({
      externalId: 'pve-fra/lxc/112',
      kind: 'container',
      name: 'lxc-112',
    });
    const merged = mergeRecords([stored(unreachable), foreman('db03', 'db03.ber.example.com')]);
    expect(merged.name).toBe('db03');
    expect(merged.fqdn).toBe('db03.ber.example.com');
    // Still findable by it.
    expect(merged.aka).toContain('lxc-112');
    // Alone, it is all there is.
    expect(mergeRecords([stored(unreachable)]).name).toBe('lxc-112');
    // A guest really called that, under another id, keeps its name.
    const real = proxmoxGuest({ externalId: 'pve-fra/qemu/900', name: 'qemu-184' });
    expect(mergeRecords([stored(real), foreman('db03', 'db03.x')]).name).toBe('qemu-184');
  });
});
