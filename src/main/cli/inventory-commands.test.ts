import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import { AppError } from '../../shared/errors';
import type { AssetDetail, SyncOutcome } from '../../shared/inventory';
import { silentLogger } from '../core/logger';
import { tempDir } from '../db/test-helpers';
import { openStore } from '../store/open-store';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import {
  cliConnectors,
  cliReachProbe,
  failureLine,
  negatedFiltersAsQuery,
} from './inventory-commands';
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
    // A query that cannot be read is wrong use of the command: exit 2, as the README says.
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^rackside: Query error at position 8: status is one of/);
    const usage = await cli(['--data-dir', dir, 'inventory', '--format', 'xml']);
    expect(usage.code).toBe(2);
  });

  it('refuses a query that cannot be read with the parser’s message and exit 2, before checking sources', async () => {
    probed.length = 0;
    for (const command of [['inventory'], ['export', 'ansible']]) {
      for (const query of ['a'.repeat(1001), 'a'.repeat(5000), '😀'.repeat(1001)]) {
        const run = await cli(['--data-dir', dir, ...command, query]);
        expect(run, command.join(' ')).toEqual({
          code: 2,
          stdout: '',
          stderr:
            'rackside: Query error at position 1001: the query is longer than 1000 characters\n',
        });
      }
      // 600 letters beyond the BMP are 1 200 UTF-16 units but 600 characters: a query like any
      // other. 600 emoji are one too, refused for what they are, not for their length.
      const letters = await cli(['--data-dir', dir, ...command, '--no-check', '𝒜'.repeat(600)]);
      expect(letters.stderr).toBe('');
      expect(letters.code).toBe(0);
      const emoji = await cli(['--data-dir', dir, ...command, '😀'.repeat(600)]);
      expect(emoji.code).toBe(2);
      expect(emoji.stderr).toMatch(/^rackside: Query error at position 1: .*no letters or digits/);
      const words = await cli(['--data-dir', dir, ...command, 'debian', 'updates>lots']);
      expect(words).toMatchObject({ code: 2, stdout: '' });
      expect(words.stderr).toBe(
        'rackside: Query error at position 16: updates needs a whole number, not "lots"\n',
      );
      // A negated filter first: the position counts in the query as typed.
      const negated = await cli(['--data-dir', dir, ...command, '-updates>lots', 'debian']);
      expect(negated.stderr).toBe(
        'rackside: Query error at position 10: updates needs a whole number, not "lots"\n',
      );
      const symbols = await cli(['--data-dir', dir, ...command, '***']);
      expect(symbols.code).toBe(2);
      expect(symbols.stderr).toMatch(
        /^rackside: Query error at position 1: .*no letters or digits/,
      );
    }
    expect(probed).toEqual([]);
  });

  it('takes unquoted negated filters as part of the query, and refuses a double dash', async () => {
    /** The ids an `inventory` command line finds, as `bin/rackside.mjs` passes it on. */
    const ids = async (args: string[]): Promise<number[]> => {
      const run = await cli(negatedFiltersAsQuery(['--data-dir', dir, 'inventory', ...args]));
      expect(run.stderr, args.join(' ')).toBe('');
      expect(run.code, args.join(' ')).toBe(0);
      const { assets } = JSON.parse(run.stdout) as { assets: { id: number }[] };
      return assets.map((a) => a.id).sort((a, b) => a - b);
    };
    const json = ['--format', 'json', '--no-check'];
    const all = await ids(json);
    const vms = await ids(['kind:vm', ...json]);
    expect(vms.length).toBeGreaterThan(0);
    const notVms = all.filter((id) => !vms.includes(id));
    expect(notVms.length).toBeGreaterThan(0);
    expect(await ids(['-kind:vm', ...json])).toEqual(notVms);
    // Anywhere among the words and options, beside other clauses and a `--` of its own.
    expect(await ids(['--format', 'json', '-kind:vm', '--no-check'])).toEqual(notVms);
    const inProxmox = await ids(['source:proxmox', ...json]);
    expect(await ids(['-kind:vm', '-source:proxmox', ...json])).toEqual(
      notVms.filter((id) => !inProxmox.includes(id)),
    );
    expect(await ids(['-source:proxmox', ...json, '--', '-kind:vm'])).toEqual(
      notVms.filter((id) => !inProxmox.includes(id)),
    );

    const ansible = (args: string[]) =>
      cli(negatedFiltersAsQuery(['--data-dir', dir, 'export', 'ansible', ...args]));
    const yaml = await ansible(['-kind:vm', '--no-check']);
    expect(yaml).toMatchObject({ code: 0, stderr: '' });
    expect(yaml.stdout).toMatch(/^ {6}ansible_host:/m);
    expect(yaml.stdout).toBe((await ansible(['--no-check', '--', '-kind:vm'])).stdout);
    expect(yaml.stdout).not.toBe((await ansible(['--no-check'])).stdout);

    // `--kind:vm` (after `--`, so the option parser lets it through) would negate free text.
    const double = await cli(['--data-dir', dir, 'inventory', '--no-check', '--', '--kind:vm']);
    expect(double).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'rackside: Query error at position 1: "--kind:vm" negates with one "-"; did you mean -kind:vm?\n',
    });
    // Negated free text could be a mistyped option: still refused unquoted, as is a real typo.
    for (const word of ['-old', '--formt']) {
      const run = await cli(negatedFiltersAsQuery(['--data-dir', dir, 'inventory', word]));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`unknown option '${word}'`);
    }
  });

  it('moves the words of a query with negated filters after a --, in the order typed', () => {
    expect(negatedFiltersAsQuery(['inventory', 'debian', '-kind:vm', '--limit', '3'])).toEqual([
      'inventory',
      '--limit',
      '3',
      '--',
      'debian',
      '-kind:vm',
    ]);
    expect(
      negatedFiltersAsQuery(['inventory', '-kind:vm', '--sort', 'os', 'debian', '--no-check']),
    ).toEqual(['inventory', '--sort', 'os', '--no-check', '--', '-kind:vm', 'debian']);
    expect(
      negatedFiltersAsQuery([
        '--data-dir',
        'd',
        '--json',
        'export',
        'ansible',
        '-tag:prod',
        '--',
        'x',
      ]),
    ).toEqual(['--data-dir', 'd', '--json', 'export', 'ansible', '--', '-tag:prod', 'x']);
    expect(negatedFiltersAsQuery(['inventory', '-updates>0', '-old'])).toEqual([
      'inventory',
      '-old',
      '--',
      '-updates>0',
    ]);
    // With an error, its position counts in the query as typed.
    const typed = negatedFiltersAsQuery(['inventory', '-updates>lots', 'debian']);
    expect(typed.slice(typed.indexOf('--') + 1).join(' ')).toBe('-updates>lots debian');
    for (const argv of [
      ['inventory', 'debian', '--format', 'csv'],
      ['inventory', '--', '-kind:vm'],
      ['drift', '-kind:vm'],
      ['export', 'csv', '-kind:vm'],
      ['profiles', 'edit', 'p', '--set', 'x=1'],
      ['--data-dir', 'inventory', 'drift'],
    ]) {
      expect(negatedFiltersAsQuery(argv)).toEqual(argv);
    }
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
    expect(drift.stdout).toMatch(/^ID\s+NAME\s+KIND\s+IN\s+MISSING FROM\s+WHY/);
    expect(drift.stdout).toMatch(/unknown to (Foreman|PatchMon)/);
    // A row's id is the asset's: `asset show` takes it, whatever other asset has its name.
    const [id = '', name, kind] = drift.stdout.split('\n')[1]?.split(/\s+/) ?? [];
    const shown = await cli(['--data-dir', dir, '--json', 'asset', 'show', id]);
    expect(shown.code).toBe(0);
    const { asset } = JSON.parse(shown.stdout) as AssetDetail;
    expect([asset.name, asset.kind]).toEqual([name, kind]);
  });

  it('calls nothing missing from Proxmox VE while one of its clusters never synced, and says why', async () => {
    const big = generateFleet({ size: 1000, seed: 3 });
    const second = big.proxmox.clusters[1];
    expect(second).toBeDefined();
    cliConnectors.current = () => fleetConnectors(() => big);
    try {
      const fresh = tempDir();
      const store = openStore({ dataDir: fresh, logger: silentLogger });
      await store.vault.setup(env.RACKSIDE_PASSPHRASE);
      addFleetProfiles(store.profiles, big);
      store.close();
      const others = big.proxmox.clusters.filter((c) => c !== second).map((c) => `pve-${c.name}`);
      const synced = await cli(
        [
          '--data-dir',
          fresh,
          'sync',
          ...['foreman', 'patchmon', ...others].flatMap((name) => ['--profile', name]),
        ],
        { env },
      );
      expect(synced.code).toBe(0);
      const missingFromProxmox = (stdout: string): number =>
        (JSON.parse(stdout) as { items: { missingFrom: string[] }[] }).items.filter((item) =>
          item.missingFrom.includes('proxmox'),
        ).length;
      const drift = await cli(['--data-dir', fresh, '--json', 'drift', '--no-check']);
      expect(drift.code).toBe(0);
      expect(missingFromProxmox(drift.stdout)).toBe(0);
      expect(drift.stderr).toContain(
        `rackside: pve-${second!.name} has never synced: no asset counts as missing from Proxmox VE until it has.\n`,
      );
      // Once it has, Proxmox VE is judged again.
      await cli(['--data-dir', fresh, 'sync', '--profile', `pve-${second!.name}`], { env });
      const after = await cli(['--data-dir', fresh, '--json', 'drift', '--no-check']);
      expect(after.stderr).toBe('');
    } finally {
      cliConnectors.current = () =>
        fleetConnectors(() => fleet, {
          foreman: {
            failWith: () =>
              failForeman ? new AppError('unavailable', 'foreman.lab: connection refused') : null,
          },
        });
    }
  });

  it('refuses a --sort or --limit it would have to guess at', async () => {
    for (const args of [
      ['--sort', 'name:desc:x'],
      ['--sort', 'colour'],
      ['--limit', '1e2'],
      ['--limit', '0x10'],
      ['--limit', '0'],
    ]) {
      const run = await cli(['--data-dir', dir, 'inventory', '--no-check', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^rackside: --(sort|limit) takes /);
    }
    const grouped = await cli([
      '--data-dir',
      dir,
      'inventory',
      '--no-check',
      '--sort',
      'group:desc',
    ]);
    expect(grouped.code).toBe(0);
  });

  it('pages the inventory with --offset and --limit', async () => {
    expect((await cli(['--data-dir', dir, 'sync', '--all'], { env })).code).toBe(0);
    const names = async (...args: string[]): Promise<{ names: string[]; total: number }> => {
      const run = await cli([
        '--data-dir',
        dir,
        'inventory',
        '--no-check',
        '--format',
        'json',
        ...args,
      ]);
      expect(run.code, args.join(' ')).toBe(0);
      const json = JSON.parse(run.stdout) as InventoryJson;
      return { names: json.assets.map((a) => a.name), total: json.total };
    };
    const all = await names();
    expect(all.names.length).toBeGreaterThan(6);
    const pages = [];
    for (const offset of [0, 3, 6])
      pages.push(await names('--offset', String(offset), '--limit', '3'));
    expect(pages.flatMap((p) => p.names)).toEqual(all.names.slice(0, 9));
    expect(pages.every((p) => p.total === all.total)).toBe(true);
    expect(await names('--offset', String(all.total))).toEqual({ names: [], total: all.total });
    // The table says which rows it shows, and that the rest is before them.
    const page = await cli([
      '--data-dir',
      dir,
      'inventory',
      '--no-check',
      '--offset',
      '3',
      '--limit',
      '3',
    ]);
    expect(page.stdout.trim().split('\n').at(-1)).toBe(`(4–6 of ${String(all.total)})`);
    const past = await cli([
      '--data-dir',
      dir,
      'inventory',
      '--no-check',
      '--offset',
      String(all.total),
    ]);
    expect(past.stdout).toBe(
      `No assets from ${String(all.total + 1)} on: ${String(all.total)} match.\n`,
    );
    for (const bad of ['-1', '1e2', 'x']) {
      const run = await cli(['--data-dir', dir, 'inventory', '--no-check', '--offset', bad]);
      expect(run.code, bad).toBe(2);
      expect(run.stderr).toMatch(/^rackside: --offset takes a whole number/);
    }
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

describe('sync of a profile that is no source', () => {
  it('says so before asking for the vault passphrase', async () => {
    const dir = tempDir();
    const store = openStore({ dataDir: dir, logger: silentLogger });
    await store.vault.setup(env.RACKSIDE_PASSPHRASE);
    store.profiles.save({
      name: 'bastion',
      tags: [],
      connection: { kind: 'ssh', host: 'bastion.lab', username: 'ops', auth: { mode: 'agent' } },
    });
    store.close();
    // No passphrase in the environment and no stdin: only a prompt could answer.
    const run = await cli(['--data-dir', dir, 'sync', '--profile', 'bastion']);
    expect(run.stderr).toBe('rackside: "bastion" is not an inventory source.\n');
    expect(run.code).toBe(1);
  });
});

describe('sync with nothing to sync', () => {
  it('says so before asking for a passphrase or creating a vault', async () => {
    const dir = tempDir();
    // A folder with no Rackside data at all (a mistyped --data-dir) is left as it was.
    const none = await cli(['--data-dir', dir, 'sync', '--all'], { env: {} });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^rackside: There is no Rackside data in /);
    expect(fs.readdirSync(dir)).toEqual([]);
    openStore({ dataDir: dir, logger: silentLogger }).close();
    const run = await cli(['--data-dir', dir, 'sync', '--all'], { env: {} });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('rackside: There are no source profiles to sync.\n');
    expect(fs.existsSync(path.join(dir, 'vault.json'))).toBe(false);
  });
});

describe('a failed source on the command line', () => {
  it('is one sentence, whether or not the reason ends with a full stop', () => {
    const outcome = {
      profileId: 'p',
      profileName: 'Lab Foreman',
      system: 'foreman',
      status: 'failed',
      error: 'Foreman /api/status: the answer is not valid JSON.',
    } as SyncOutcome;
    expect(failureLine(outcome)).toBe(
      'rackside: Lab Foreman (foreman) failed: Foreman /api/status: the answer is not valid JSON; its previous data is kept.\n',
    );
    expect(failureLine({ ...outcome, error: 'refused' })).toContain('failed: refused; its');
    // A source that never synced has no data to keep.
    expect(failureLine({ ...outcome, error: 'refused' }, 'none')).toBe(
      'rackside: Lab Foreman (foreman) failed: refused; there is no data from it yet.\n',
    );
  });
});
