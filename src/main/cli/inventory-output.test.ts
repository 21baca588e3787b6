import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { silentLogger } from '../core/logger';
import { proxmoxGuest } from '../sources/test-helpers';
import type { SourceRecord } from '../sources/types';
import { openStore } from '../store/open-store';
import { cliConnectors } from './inventory-commands';
import { runCli } from './run-cli';
import { cli, seededInventory } from './test-helpers';

function guest(vmid: number, name: string, ip: string): SourceRecord {
  return proxmoxGuest({
    externalId: `pve/qemu/${String(vmid)}`,
    name,
    ips: [ip],
    cluster: 'pve',
    site: 'node1',
  });
}

/** A data folder whose inventory holds `records` of one Proxmox profile, correlated. */
const seeded = (records: SourceRecord[]): Promise<string> =>
  seededInventory({ pve: records }, 'output passphrase 1');

/** The id of each asset in `dir`'s inventory, by its name, as `inventory --format json` gives. */
async function idsByName(dir: string): Promise<Map<string, string>> {
  const run = await cli(['--data-dir', dir, 'inventory', '--no-check', '--format', 'json']);
  const { assets } = JSON.parse(run.stdout) as { assets: { id: number; name: string }[] };
  return new Map(assets.map((a) => [a.name, String(a.id)]));
}

const connectors = cliConnectors.current;
afterEach(() => {
  cliConnectors.current = connectors;
});

/**
 * A Proxmox source that never answers: only a cancel ends its sync. Resolves once the sync has
 * started (and said `warning`, when given, as a node it could not reach).
 */
function hangingSync(warning?: string): Promise<void> {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  cliConnectors.current = () => ({
    proxmox: {
      system: 'proxmox',
      test: () => Promise.reject(new Error('not used')),
      sync: (_profile, _secrets, context) =>
        new Promise((_resolve, reject) => {
          context.signal.addEventListener('abort', () => {
            reject(new AppError('cancelled', 'The sync was cancelled.'));
          });
          if (warning !== undefined) context.warn(warning);
          started();
        }),
    },
  });
  return running;
}

/**
 * `rackside sync --all` of a source that never answers (saying `warning` first, when given),
 * cancelled by Ctrl-C once it has started; `released()`: whether it let go of Ctrl-C after.
 */
async function syncCancelled(dir: string, options: string[], warning?: string) {
  const running = hangingSync(warning);
  let interrupt: (() => void) | undefined;
  let released = false;
  const run = cli(['--data-dir', dir, ...options, 'sync', '--all'], {
    env: { RACKSIDE_PASSPHRASE: 'output passphrase 1' },
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => {
        released = true;
      };
    },
  });
  await running;
  interrupt?.();
  return { done: await run, released: () => released };
}

describe('what the CLI prints about assets', () => {
  it('shows control characters from a source as text, never as terminal escapes', async () => {
    const name = 'evil\u001b]0;owned\u0007\u001b[2J\u009b';
    const dir = await seeded([{ ...guest(101, name, '10.0.0.1'), os: 'Debian\u009b31m' }]);
    const table = await cli(['--data-dir', dir, 'inventory', '--no-check']);
    expect(table.code).toBe(0);
    expect(table.stdout.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    expect(table.stdout).toContain('evil\\x1b]0;owned\\x07\\x1b[2J\\x9b');
    expect(table.stdout).toContain('Debian\\x9b31m');
    // JSON keeps the value exactly, with JSON's own escapes for every control character.
    const json = await cli(['--data-dir', dir, 'inventory', '--no-check', '--format', 'json']);
    expect((JSON.parse(json.stdout) as { assets: { name: string }[] }).assets[0]?.name).toBe(name);
    expect(json.stdout.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    // YAML allows no raw C1 control in a double-quoted scalar: escaped, as JSON reads it too.
    // (The brackets, which Ansible would read as a range of hosts, become _.)
    const yaml = await cli(['--data-dir', dir, 'export', 'ansible', '--no-check']);
    expect(yaml.stdout.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    expect(yaml.stdout).toContain(String.raw`    "evil\u001b_0;owned\u0007\u001b_2J\u009b":`);
  });

  it('keeps each asset on one line of the table when a value holds a line break or tab', async () => {
    const dir = await seeded([
      { ...guest(101, 'db01', '10.0.0.1'), os: 'Plan\n9' },
      guest(102, 'web\t01', '10.0.0.2'),
    ]);
    const ids = await idsByName(dir);
    const id = (name: string): string => (ids.get(name) ?? '').padEnd(2);
    const run = await cli(['--data-dir', dir, 'inventory', '--no-check']);
    expect(run.stdout.split('\n')).toEqual([
      'ID  NAME       KIND  STATUS   OS         IP        SYSTEMS  UPDATES',
      `${id('db01')}  db01       vm    running  Plan\\x0a9  10.0.0.1  proxmox  -`,
      `${id('web\t01')}  web\\x0901  vm    running  -          10.0.0.2  proxmox  -`,
      '',
    ]);
  });

  it('shows each asset as a block of lines on a terminal too narrow for the table', async () => {
    const dir = await seeded([
      { ...guest(101, 'db01', '10.0.0.1'), os: 'Debian 12' },
      guest(102, 'web01', '10.0.0.2'),
    ]);
    const onTerminal = async (columns: number): Promise<string> => {
      const run = await cli(['--data-dir', dir, 'inventory', '--no-check'], { columns });
      expect(run.code).toBe(0);
      return run.stdout;
    };
    // Wide enough: the table as in a pipe.
    expect(await onTerminal(120)).toBe(
      (await cli(['--data-dir', dir, 'inventory', '--no-check'])).stdout,
    );
    const ids = await idsByName(dir);
    expect((await onTerminal(40)).split('\n')).toEqual([
      `ID:       ${ids.get('db01') ?? ''}`,
      'NAME:     db01',
      'KIND:     vm',
      'STATUS:   running',
      'OS:       Debian 12',
      'IP:       10.0.0.1',
      'SYSTEMS:  proxmox',
      'UPDATES:  -',
      '',
      `ID:       ${ids.get('web01') ?? ''}`,
      'NAME:     web01',
      'KIND:     vm',
      'STATUS:   running',
      'OS:       -',
      'IP:       10.0.0.2',
      'SYSTEMS:  proxmox',
      'UPDATES:  -',
      '',
    ]);
  });

  it('keeps two assets of the same name apart in an Ansible inventory instead of one replacing the other', async () => {
    const dir = await seeded([
      guest(101, 'web01', '10.0.0.1'),
      guest(102, 'web01', '10.0.0.2'),
      guest(103, 'db01', '10.0.0.3'),
    ]);

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

  it('keeps groups apart whose names Ansible would spell the same, and says which is which', async () => {
    const dir = await seeded([
      { ...guest(101, 'web01', '10.0.0.1'), group: 'Base App', tags: ['прод'] },
      { ...guest(102, 'web02', '10.0.0.2'), group: 'base-app', tags: ['生产'] },
      { ...guest(103, 'web03', '10.0.0.3'), group: 'Base App', tags: ['prod'] },
    ]);
    const run = await cli(['--data-dir', dir, 'export', 'ansible', '--no-check']);
    expect(run.code).toBe(0);
    const members = (group: string): string[] =>
      [
        ...(
          new RegExp(`^ {4}"${group}":\\n {6}hosts:\\n((?: {8}"[^"]+": \\{\\}\\n)+)`, 'm').exec(
            run.stdout,
          )?.[1] ?? ''
        ).matchAll(/"([^"]+)"/g),
      ].map((m) => m[1] ?? '');
    expect(members('pool_base_app')).toEqual(['web01', 'web03']);
    expect(members('pool_base_app_2')).toEqual(['web02']);
    expect(members('tag_prod')).toEqual(['web03']);
    expect(members('tag_unnamed')).toHaveLength(1);
    expect(members('tag_unnamed_2')).toHaveLength(1);
    expect(run.stdout).toContain(
      '# "Base App" is "pool_base_app", "base-app" is "pool_base_app_2": as group names (letters, digits and _) they would all be "pool_base_app".\n',
    );
    expect(run.stdout).toMatch(
      /^# "(прод|生产)" is "tag_unnamed", "(прод|生产)" is "tag_unnamed_2": /m,
    );
  });

  it('answers from the stored inventory on a full disk, and says nothing can be saved', async () => {
    const dir = await seeded([guest(101, 'web01', '10.0.0.1'), guest(102, 'db01', '10.0.0.2')]);
    const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
    // A real process whose every write past 8 KiB fails, as on a full disk: SQLite cannot even
    // size the shared-memory file it reads a WAL database through.
    const onFullDisk = (...args: string[]) =>
      spawnSync('sh', ['-c', 'ulimit -f 16; exec "$0" "$@"', process.execPath, bin, ...args], {
        encoding: 'utf8',
        env: { ...process.env, RACKSIDE_PASSPHRASE: 'output passphrase 1' },
      });
    const read = onFullDisk('--data-dir', dir, 'inventory', '--no-check');
    expect(read.stderr).toBe(
      'rackside: warning: The data folder could not be read or written (SQLite: disk I/O error): its disk may be full or failing. Free some space or check the disk. Showing what is stored; nothing can be saved until then.\n',
    );
    expect(read.status).toBe(0);
    expect(
      read.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)[1]),
    ).toEqual(['NAME', 'db01', 'web01']);
    // A change is refused with the disk's reason; nothing stored is lost.
    const write = onFullDisk('--data-dir', dir, 'profiles', 'remove', 'pve');
    expect(write.status).toBe(1);
    expect(write.stderr).toMatch(/\nrackside: The data folder could not be read or written/);
    const after = await cli(['--data-dir', dir, 'inventory', '--no-check']);
    expect(after.stderr).toBe('');
    expect(after.stdout).toBe(read.stdout);
  });

  it('writes host names Ansible reads as ranges or ports with _, and says so', async () => {
    const dir = await seeded([
      guest(101, 'core-sw [rack 3]', '10.0.0.1'),
      guest(102, 'edge:8728', '10.0.0.2'),
      guest(103, 'fd00::7', '10.0.0.3'),
    ]);
    const run = await cli(['--data-dir', dir, 'export', 'ansible', '--no-check']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        '# "core-sw [rack 3]" is "core-sw _rack 3_" here: Ansible reads [, ] and : in a host name.',
        '# "edge:8728" is "edge_8728" here: Ansible reads [, ] and : in a host name.',
        'all:',
        '  hosts:',
        '    "core-sw _rack 3_":',
        '      ansible_host: "10.0.0.1"',
        '    "edge_8728":',
        '      ansible_host: "10.0.0.2"',
        '    "fd00::7":',
        '      ansible_host: "10.0.0.3"',
        '',
      ].join('\n'),
    );
  });

  it('escapes the characters YAML 1.1 reads as line breaks or refuses, so Ansible can read the file', async () => {
    // Ansible reads inventories with PyYAML (YAML 1.1): U+2028 and U+2029 end a line there, even
    // inside a comment or a quoted key, and U+FFFE / U+FFFF are not allowed in the stream at all.
    const dir = await seeded([
      guest(101, 'edge:1\u2028evil', '10.0.0.1'),
      guest(102, 'para\u2029graph', '10.0.0.2'),
      guest(103, 'not\ufffea\uffffchar', '10.0.0.3'),
    ]);
    const run = await cli(['--data-dir', dir, 'export', 'ansible', '--no-check']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/[\u2028\u2029\ufffe\uffff]/u);
    expect(run.stdout).toContain(
      '# "edge:1\\u2028evil" is "edge_1\\u2028evil" here: Ansible reads [, ] and : in a host name.\n',
    );
    expect(run.stdout).toContain('    "para\\u2029graph":\n      ansible_host: "10.0.0.2"\n');
    expect(run.stdout).toContain('    "not\\ufffea\\uffffchar":\n');
  });

  it('never gives a renamed namesake the name of another host', async () => {
    const dir = await seeded([
      guest(101, 'web01', '10.0.0.1'),
      guest(102, 'web01', '10.0.0.2'),
      guest(103, 'web01_asset1', '10.0.0.3'),
      guest(104, 'web01_asset2', '10.0.0.4'),
    ]);
    const run = await cli(['--data-dir', dir, 'export', 'ansible', '--no-check']);
    const hosts = [...run.stdout.matchAll(/^ {4}"([^"]+)":\n {6}ansible_host: "([^"]+)"/gm)].map(
      (m) => `${m[1] ?? ''} ${m[2] ?? ''}`,
    );
    expect(hosts).toHaveLength(4);
    expect(new Set(hosts.map((host) => host.split(' ')[0])).size).toBe(4);
    expect(hosts).toContain('web01_asset1 10.0.0.3');
    expect(hosts).toContain('web01_asset2 10.0.0.4');
  });

  it('keeps the letters of accented group names, and writes an empty inventory as a mapping', async () => {
    const dir = await seeded([{ ...guest(101, 'web01', '10.0.0.1'), group: 'Ünïcode-Pool' }]);
    const run = await cli(['--data-dir', dir, 'export', 'ansible', '--no-check']);
    expect(run.stdout).toContain('  children:\n    "pool_unicode_pool":\n      hosts:\n');
    const none = await cli(['--data-dir', dir, 'export', 'ansible', '--no-check', 'nothing']);
    expect(none.stdout).toBe('all:\n  hosts: {}\n');
  });

  it('lists hosts and groups in the inventory’s name order: web2 before web10', async () => {
    const pooled = (vmid: number, name: string, pool: string) => ({
      ...guest(vmid, name, `10.0.1.${String(vmid - 100)}`),
      group: pool,
    });
    const dir = await seeded([
      pooled(101, 'web10', 'dmz-10'),
      pooled(102, 'web2', 'dmz-10'),
      pooled(103, 'Web1', 'dmz-10'),
      pooled(104, 'db1', 'dmz-9'),
    ]);
    const run = await cli(['--data-dir', dir, 'export', 'ansible', '--no-check']);
    expect(run.code).toBe(0);
    const hosts = [...run.stdout.matchAll(/^ {4}"([^"]+)":\n {6}ansible_host/gm)].map((m) => m[1]);
    expect(hosts).toEqual(['db1', 'Web1', 'web2', 'web10']);
    const groups = [...run.stdout.matchAll(/^ {4}"([^"]+)":\n {6}hosts:/gm)].map((m) => m[1]);
    expect(groups).toEqual(['pool_dmz_9', 'pool_dmz_10']);
    const pool10 = run.stdout.slice(run.stdout.indexOf('"pool_dmz_10":'));
    expect([...pool10.matchAll(/^ {8}"([^"]+)": \{\}/gm)].map((m) => m[1])).toEqual([
      'Web1',
      'web2',
      'web10',
    ]);
  });

  it('prints the failure message of a source without the control characters it carried', async () => {
    const said = 'Proxmox VE said: \u001b]52;c;cm0gLXJm\u0007 no\u009b';
    const dir = await seeded([guest(101, 'web01', '10.0.0.1')]);
    cliConnectors.current = () => ({
      proxmox: {
        system: 'proxmox',
        test: () => Promise.reject(new Error('not used')),
        sync: () => Promise.reject(new AppError('unavailable', said)),
      },
    });
    const run = await cli(['--data-dir', dir, 'sync', '--all'], {
      env: { RACKSIDE_PASSPHRASE: 'output passphrase 1' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    expect(run.stderr).toContain('Proxmox VE said: \\x1b]52;c;cm0gLXJm\\x07 no\\x9b');
    // In JSON the message is exact, every control character in JSON's own escapes.
    const json = await cli(['--data-dir', dir, '--json', 'sync', '--all'], {
      env: { RACKSIDE_PASSPHRASE: 'output passphrase 1' },
    });
    expect(json.stdout.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    expect((JSON.parse(json.stdout) as { error: string }[])[0]?.error).toBe(said);
  });

  it('cancels a running sync on Ctrl-C, says so and keeps the previous data', async () => {
    const dir = await seeded([guest(101, 'web01', '10.0.0.1')]);
    const { done, released } = await syncCancelled(dir, ['--json']);
    expect(done.code).toBe(130);
    expect(done.stderr).toContain('cancelling the sync');
    expect(done.stderr).toContain('sync cancelled; 1 source keeps its previous data.');
    expect((JSON.parse(done.stdout) as { status: string }[]).map((o) => o.status)).toEqual([
      'cancelled',
    ]);
    expect(released()).toBe(true);
    const after = await cli(['--data-dir', dir, 'inventory', '--no-check']);
    expect(after.stdout).toMatch(/^\d+\s+web01\s+vm\s+running/m);
  });

  it('says no warning of a sync that Ctrl-C cancelled, as it kept nothing from it', async () => {
    const dir = await seeded([guest(101, 'web01', '10.0.0.1')]);
    const { done } = await syncCancelled(dir, [], 'node pve2 is unreachable');
    expect(done.code).toBe(130);
    expect(done.stderr.split('\n')).toEqual([
      'rackside: cancelling the sync (Ctrl-C again to quit at once)…',
      'rackside: sync cancelled; 1 source keeps its previous data.',
      '',
    ]);
  });

  it('answers a query while another command syncs, without calling that sync stopped', async () => {
    const dir = await seeded([guest(101, 'web01', '10.0.0.1')]);
    const running = hangingSync();
    let interrupt: (() => void) | undefined;
    const sync = cli(['--data-dir', dir, '--json', 'sync', '--all'], {
      env: { RACKSIDE_PASSPHRASE: 'output passphrase 1' },
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => undefined;
      },
    });
    await running;
    // Each read below opens the data folder anew, as a command in another shell does.
    for (const argv of [
      ['inventory', '--no-check', '--format', 'json'],
      ['drift', '--no-check'],
      ['export', 'ansible', '--no-check'],
    ]) {
      expect((await cli(['--data-dir', dir, ...argv])).code).toBe(0);
    }
    const read = await cli(['--data-dir', dir, 'inventory', '--no-check', '--format', 'json']);
    const sources = (JSON.parse(read.stdout) as { sources: { lastStatus: string | null }[] })
      .sources;
    expect(sources.map((source) => source.lastStatus)).toEqual([null]);
    expect(read.stdout).not.toContain('stopped during this sync');
    interrupt?.();
    const done = await sync;
    expect((JSON.parse(done.stdout) as { status: string }[]).map((o) => o.status)).toEqual([
      'cancelled',
    ]);
  });

  it('reports a profile that another command removed during its sync, instead of crashing', async () => {
    const dir = await seeded([guest(101, 'web01', '10.0.0.1')]);
    cliConnectors.current = () => ({
      proxmox: {
        system: 'proxmox',
        test: () => Promise.reject(new Error('not used')),
        sync: (profile) => {
          // `rackside profiles remove pve` in another shell, while this sync fetches.
          const other = openStore({ dataDir: dir, logger: silentLogger });
          other.profiles.remove(profile.id);
          other.close();
          return Promise.resolve([guest(101, 'web01', '10.0.0.1')]);
        },
      },
    });
    const run = await cli(['--data-dir', dir, '--json', 'sync', '--all'], {
      env: { RACKSIDE_PASSPHRASE: 'output passphrase 1' },
    });
    expect(run.stderr).toBe('rackside: pve (proxmox) failed: "pve" was removed during its sync.\n');
    expect(run.code).toBe(1);
    expect(
      (JSON.parse(run.stdout) as { profileName: string; status: string }[]).map((o) => [
        o.profileName,
        o.status,
      ]),
    ).toEqual([['pve', 'failed']]);
  });

  it('says what a source could not give in full under the table, and only in the JSON with --json', async () => {
    const dir = await seeded([guest(101, 'web01', '10.0.0.1')]);
    const said = 'node pve-2 is unreachable; 3 guest(s) keep their last known details';
    cliConnectors.current = () => ({
      proxmox: {
        system: 'proxmox',
        test: () => Promise.reject(new Error('not used')),
        sync: (_profile, _secrets, context) => {
          context.warn(said);
          return Promise.resolve([guest(101, 'web01', '10.0.0.1')]);
        },
      },
    });
    const env = { RACKSIDE_PASSPHRASE: 'output passphrase 1' };
    const text = await cli(['--data-dir', dir, 'sync', '--all'], { env });
    expect(text.code).toBe(0);
    expect(text.stderr).toBe(`rackside: pve: warning: ${said}\n`);
    const json = await cli(['--data-dir', dir, '--json', 'sync', '--all'], { env });
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject([{ warnings: [said] }]);
  });

  it('shows the sync results a block of lines a profile on a terminal too narrow for the table', async () => {
    const dir = await seededInventory(
      { 'pve-a': [guest(101, 'web01', '10.0.0.1')], 'pve-b': [guest(201, 'db01', '10.0.1.1')] },
      'output passphrase 1',
    );
    const fetched: Record<string, SourceRecord[]> = {
      'pve-a': [guest(101, 'web01', '10.0.0.1'), guest(102, 'web02', '10.0.0.2')],
      'pve-b': [guest(201, 'db01', '10.0.1.1')],
    };
    cliConnectors.current = () => ({
      proxmox: {
        system: 'proxmox',
        test: () => Promise.reject(new Error('not used')),
        sync: (profile) => Promise.resolve(fetched[profile.name] ?? []),
      },
    });
    const env = { RACKSIDE_PASSPHRASE: 'output passphrase 1' };
    const labels = ['PROFILE', 'SYSTEM', 'STATUS', 'RECORDS', 'ADDED', 'CHANGED', 'REMOVED'];

    const wide = await cli(['--data-dir', dir, 'sync', '--all'], { env, columns: 120 });
    expect(wide.code).toBe(0);
    const [header = '', ...rows] = wide.stdout.trimEnd().split('\n');
    expect(header.split(/\s+/)).toEqual([...labels, 'SECONDS']);
    expect(rows.map((row) => row.split(/\s+/).slice(0, 7))).toEqual([
      ['pve-a', 'proxmox', 'ok', '2', '1', '0', '0'],
      ['pve-b', 'proxmox', 'ok', '1', '0', '0', '0'],
    ]);

    const narrow = await cli(['--data-dir', dir, 'sync', '--all'], { env, columns: 40 });
    expect(narrow.code).toBe(0);
    const lines = narrow.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    const blocks = narrow.stdout
      .trimEnd()
      .split('\n\n')
      .map((block) => block.split('\n').map((line) => line.split(/:\s+/)));
    // One block a profile, a line a column; this sync found nothing new.
    expect(blocks.map((block) => block.slice(0, 7))).toEqual([
      labels.map((label, i) => [label, ['pve-a', 'proxmox', 'ok', '2', '0', '0', '0'][i]]),
      labels.map((label, i) => [label, ['pve-b', 'proxmox', 'ok', '1', '0', '0', '0'][i]]),
    ]);
    for (const block of blocks) {
      expect(block).toHaveLength(8);
      expect(block[7]?.[0]).toBe('SECONDS');
      expect(block[7]?.[1]).toMatch(/^\d+\.\d$/);
    }
  });

  it('counts a profile named twice once on the progress line, as it syncs once', async () => {
    const dir = await seeded([guest(101, 'web01', '10.0.0.1')]);
    cliConnectors.current = () => ({
      proxmox: {
        system: 'proxmox',
        test: () => Promise.reject(new Error('not used')),
        sync: () => Promise.resolve([guest(101, 'web01', '10.0.0.1')]),
      },
    });
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    // A terminal: the progress line is drawn.
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    let err = '';
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    stdin.end();
    const code = await runCli(['--data-dir', dir, 'sync', '--profile', 'pve', '--profile', 'PVE'], {
      stdin,
      stdout,
      stderr,
      env: { RACKSIDE_PASSPHRASE: 'output passphrase 1' },
    });
    expect(code).toBe(0);
    const drawn = err.split('\r\u001b[2K').filter((line) => line.startsWith('['));
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.map((line) => / (\d+\/\d+)/.exec(line)?.[1])).toEqual(
      drawn.map((_, i) => (i === drawn.length - 1 ? '1/1' : '0/1')),
    );
  });

  it('tests a login, and stops at Ctrl-C with status 130 when the source never answers', async () => {
    const dir = await seeded([guest(101, 'web01', '10.0.0.1')]);
    const env = { RACKSIDE_PASSPHRASE: 'output passphrase 1' };
    let answer: 'summary' | 'hang' = 'summary';
    let started!: () => void;
    const asked = new Promise<void>((resolve) => (started = resolve));
    cliConnectors.current = () => ({
      proxmox: {
        system: 'proxmox',
        test: (_profile, _secrets, signal) =>
          answer === 'summary'
            ? Promise.resolve({
                version: 'Proxmox VE 8.4.1',
                identity: 'svc@pve!rackside',
                permissions: ['/: Sys.Audit, VM.Audit'],
                warnings: ['no QEMU guest IPs — the credential lacks VM.Monitor on /vms'],
              })
            : new Promise((_resolve, reject) => {
                signal.addEventListener('abort', () => {
                  reject(new AppError('cancelled', 'The request was cancelled.'));
                });
                started();
              }),
        sync: () => Promise.reject(new Error('not used')),
      },
    });
    const ok = await cli(['--data-dir', dir, 'profiles', 'test', 'pve'], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(
      'Proxmox VE 8.4.1, logged in as svc@pve!rackside\n' +
        'ok   /: Sys.Audit, VM.Audit\n' +
        'WARN no QEMU guest IPs — the credential lacks VM.Monitor on /vms\n',
    );

    answer = 'hang';
    let interrupt: (() => void) | undefined;
    const run = cli(['--data-dir', dir, 'profiles', 'test', 'pve'], {
      env,
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => undefined;
      },
    });
    await asked;
    interrupt?.();
    const cancelled = await run;
    expect(cancelled.code).toBe(130);
    expect(cancelled.stderr).toBe('rackside: login test cancelled.\n');
  });
});
