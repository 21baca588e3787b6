import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { tempDir } from '../db/test-helpers';
import { correlateIfDirty, markDirty } from '../inventory/asset-store';
import { RecordStore } from '../inventory/record-store';
import type { SourceRecord } from '../sources/types';
import { openStore } from '../store/open-store';
import { cli } from './test-helpers';

function guest(vmid: number, name: string, ip: string): SourceRecord {
  return {
    system: 'proxmox',
    externalId: `pve/qemu/${String(vmid)}`,
    kind: 'vm',
    name,
    fqdn: null,
    status: 'running',
    os: null,
    ips: [ip],
    macs: [],
    machineId: null,
    smbiosUuid: null,
    serial: null,
    cluster: 'pve',
    site: 'node1',
    group: null,
    organization: null,
    location: null,
    tags: [],
    patch: null,
    lastSeenAt: null,
    changeStamp: null,
    raw: {},
  };
}

describe('rackside export ansible', () => {
  it('keeps two assets of the same name apart instead of one replacing the other', async () => {
    const dir = tempDir();
    const store = openStore({ dataDir: dir, logger: silentLogger });
    await store.vault.setup('ansible passphrase 1');
    const profile = store.profiles.save({
      name: 'pve',
      tags: [],
      connection: {
        kind: 'proxmox',
        url: 'https://pve.lab',
        auth: { mode: 'token', tokenId: 'root@pam!rs' },
      },
    });
    store.db.transaction(() => {
      new RecordStore(store.db).replaceProfile(
        profile.id,
        [
          guest(101, 'web01', '10.0.0.1'),
          guest(102, 'web01', '10.0.0.2'),
          guest(103, 'db01', '10.0.0.3'),
        ],
        new Date().toISOString(),
      );
      markDirty(store.db);
    })();
    correlateIfDirty(store.db);
    store.close();

    const run = await cli(['--data-dir', dir, 'export', 'ansible', '--no-check']);
    expect(run.code).toBe(0);
    const hosts = [...run.stdout.matchAll(/^ {4}"([^"]+)":\n {6}ansible_host: "([^"]+)"/gm)].map(
      (m) => [m[1], m[2]],
    );
    expect(hosts).toHaveLength(3);
    expect(new Set(hosts.map(([key]) => key)).size).toBe(3);
    expect(hosts).toContainEqual(['db01', '10.0.0.3']);
    const namesakes = hosts.filter(([key]) => key?.startsWith('web01_asset'));
    expect(namesakes.map(([, address]) => address).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(run.stdout).toMatch(
      /^# 2 assets are named "web01"; here they are "web01_asset\d+", "web01_asset\d+"\.\n/,
    );
  });
});
