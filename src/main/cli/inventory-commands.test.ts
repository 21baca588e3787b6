import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import { AppError } from '../../shared/errors';
import { silentLogger } from '../core/logger';
import { tempDir } from '../db/test-helpers';
import { openStore } from '../store/open-store';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import { cliConnectors, cliReachProbe } from './inventory-commands';
import { cli } from './test-helpers';

const fleet = generateFleet({ size: 50, seed: 21 });
const env = { RACKSIDE_PASSPHRASE: 'cli passphrase 1' };
let failForeman = false;
/** Hosts the reachability check finds refusing connections; the others answer. */
const refusing = new Set<string>();
const probed: string[] = [];
const original = cliConnectors.current;
const originalProbe = cliReachProbe.current;
let dir = '';

beforeAll(async () => {
  cliReachProbe.current = (host, port) => {
    probed.push(`${host}:${String(port)}`);
    return Promise.resolve(refusing.has(host) ? 'connection refused' : null);
  };
  cliConnectors.current = () =>
    fleetConnectors(() => fleet, {
      foreman: {
        failWith: () =>
          failForeman ? new AppError('unavailable', 'foreman.lab: connection refused') : null,
      },
    });
  dir = tempDir();
  const store = openStore({ dataDir: dir, logger: silentLogger });
  await store.vault.setup(env.RACKSIDE_PASSPHRASE);
  addFleetProfiles(store.profiles, fleet);
  store.close();
});

afterAll(() => {
  cliConnectors.current = original;
  cliReachProbe.current = originalProbe;
});

interface InventoryJson {
  total: number;
  sources: { profileName: string; offline: boolean; message: string }[];
  assets: { name: string; systems: string[]; records: { system: string; matchKey: string }[] }[];
}

describe('rackside sync, inventory, export and drift', () => {
  it('syncs, answers offline with the same data, and fails clearly when a source is down', async () => {
    const synced = await cli(['--data-dir', dir, 'sync', '--all', '--json'], { env });
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    const outcomes = JSON.parse(synced.stdout) as { status: string }[];
    expect(outcomes).toHaveLength(fleet.proxmox.clusters.length + 3);
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);

    const listed = await cli(['--data-dir', dir, 'inventory', '--format', 'json']);
    expect(listed.code).toBe(0);
    const before = JSON.parse(listed.stdout) as InventoryJson;
    expect(Math.abs(before.total - fleet.machines.length)).toBeLessThanOrEqual(1);
    const merged = before.assets.find((a) => a.systems.length >= 3)!;
    expect(merged.records.length).toBe(merged.systems.length);
    expect(merged.records.some((r) => r.matchKey !== 'single')).toBe(true);

    failForeman = true;
    const failed = await cli(['--data-dir', dir, 'sync', '--all'], { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      'rackside: foreman (foreman) failed: foreman.lab: connection refused; its previous data is kept.',
    );
    const after = JSON.parse(
      (await cli(['--data-dir', dir, 'inventory', '--format', 'json'])).stdout,
    ) as InventoryJson;
    expect(after.assets.map((a) => [a.name, a.systems])).toEqual(
      before.assets.map((a) => [a.name, a.systems]),
    );
    const foreman = after.sources.find((s) => s.profileName === 'foreman');
    expect(foreman?.offline).toBe(true);
    expect(foreman?.message).toMatch(
      /^offline — data from .* \(foreman.lab: connection refused\)$/,
    );
    const table = await cli(['--data-dir', dir, 'inventory', 'source:foreman', '--limit', '3']);
    expect(table.stderr).toMatch(/rackside: foreman: offline — data from/);
    expect(table.stdout).toMatch(/\(offline\)/);
    failForeman = false;
  });

  it('says which data is offline when a source cannot be reached, without syncing', async () => {
    const synced = await cli(['--data-dir', dir, 'sync', '--all'], { env });
    expect(synced.code).toBe(0);
    const online = JSON.parse(
      (await cli(['--data-dir', dir, 'inventory', '--format', 'json'])).stdout,
    ) as InventoryJson;
    expect(online.sources.every((s) => !s.offline)).toBe(true);

    refusing.add('patchmon.lab');
    const read = await cli(['--data-dir', dir, 'inventory', '--format', 'json']);
    expect(read.code).toBe(0);
    const offline = JSON.parse(read.stdout) as InventoryJson;
    expect(offline.assets).toHaveLength(online.assets.length);
    const patchmon = offline.sources.find((s) => s.profileName === 'patchmon');
    expect(patchmon).toMatchObject({ offline: true });
    expect(patchmon?.message).toMatch(
      /^offline — data from \d{4}-.* \(cannot reach patchmon\.lab:443: connection refused\)$/,
    );
    expect(offline.sources.filter((s) => s.offline)).toHaveLength(1);
    const table = await cli(['--data-dir', dir, 'inventory', 'source:patchmon', '--limit', '2']);
    expect(table.stderr).toMatch(/rackside: patchmon: offline — data from .*cannot reach/);
    expect(table.stdout).toMatch(/\(offline\)/);
    const drift = await cli(['--data-dir', dir, 'drift']);
    expect(drift.stderr).toMatch(/rackside: patchmon: offline/);

    // --no-check answers from the cache alone: nothing is probed, nothing is marked.
    probed.length = 0;
    const quick = await cli(['--data-dir', dir, 'inventory', '--no-check', '--format', 'json']);
    expect(probed).toEqual([]);
    expect((JSON.parse(quick.stdout) as InventoryJson).sources.every((s) => !s.offline)).toBe(true);
    refusing.clear();
  });

  it('filters, sorts and writes CSV; reports bad queries with their position', async () => {
    const csv = await cli(['--data-dir', dir, 'inventory', 'kind:vm', '--format', 'csv']);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id,name,fqdn,kind,status/);
    expect(lines.slice(1).every((l) => l.split(',')[3] === 'vm')).toBe(true);
    const bad = await cli(['--data-dir', dir, 'inventory', 'status:asleep']);
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toMatch(/^rackside: Query error at position 8: status is one of/);
    const usage = await cli(['--data-dir', dir, 'inventory', '--format', 'xml']);
    expect(usage.code).toBe(2);
  });

  it('exports an Ansible inventory with ansible_host and groups, and lists drift', async () => {
    const yaml = await cli(['--data-dir', dir, 'export', 'ansible', 'source:proxmox']);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(
      /^all:\n {2}hosts:\n {4}"[^"]+":\n {6}ansible_host: "\d+\.\d+\.\d+\.\d+"/,
    );
    expect(yaml.stdout).toMatch(
      /\n {2}children:\n {4}"(pool|tag|hostgroup|patchmon)_[a-z0-9_]+":\n {6}hosts:\n/,
    );
    const drift = await cli(['--data-dir', dir, 'drift']);
    expect(drift.code).toBe(0);
    expect(drift.stdout).toMatch(/^NAME\s+KIND\s+IN\s+MISSING FROM\s+WHY/);
    expect(drift.stdout).toMatch(/unknown to (Foreman|PatchMon)/);
  });

  it('asks for exactly one of --all and --profile', async () => {
    expect((await cli(['--data-dir', dir, 'sync'], { env })).code).toBe(2);
    expect((await cli(['--data-dir', dir, 'sync', '--all', '--profile', 'x'], { env })).code).toBe(
      2,
    );
  });

  it('names a mistyped profile before asking for the vault passphrase', async () => {
    // No passphrase in the environment and no stdin: only a prompt could answer.
    const run = await cli(['--data-dir', dir, 'sync', '--profile', 'no-such-source']);
    expect(run.stderr).toBe('rackside: No profile named "no-such-source".\n');
    expect(run.stderr).not.toMatch(/passphrase/i);
    expect(run.code).toBe(1);
  });
});
