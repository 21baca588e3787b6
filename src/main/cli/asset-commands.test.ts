import { describe, expect, it } from 'vitest';
import type { AssetDetail } from '../../shared/inventory';
import { proxmoxGuest } from '../sources/test-helpers';
import { cli, seededInventory } from './test-helpers';

/**
 * A data folder with two Proxmox VE profiles: `web01` in the first, `web01` and `web01-new` in
 * the second, none sharing a key, so each is an asset of its own.
 */
function twoClusters(): Promise<string> {
  const guest = (cluster: string, vmid: number, name: string, ip: string) =>
    proxmoxGuest({
      externalId: `${cluster}/qemu/${String(vmid)}`,
      name,
      ips: [ip],
      cluster,
      site: 'node1',
    });
  return seededInventory({
    'pve-a': [guest('pve-a', 101, 'web01', '10.0.0.1')],
    'pve-b': [
      guest('pve-b', 201, 'web01', '10.0.1.1'),
      guest('pve-b', 202, 'web01-new', '10.0.1.2'),
    ],
  });
}

const assetsNamed = async (dir: string, name: string): Promise<number[]> => {
  const run = await cli(['--data-dir', dir, 'inventory', '--no-check', '--format', 'json', name]);
  return (JSON.parse(run.stdout) as { assets: { id: number; name: string }[] }).assets
    .filter((a) => a.name === name)
    .map((a) => a.id);
};

describe('rackside asset', () => {
  it('shows an asset by name or id with the records it merges and why', async () => {
    const dir = await twoClusters();
    const byName = await cli(['--data-dir', dir, 'asset', 'show', 'web01-new']);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain('name:     web01-new\n');
    expect(byName.stdout).toMatch(/\nproxmox\s+pve-b\s+pve-b\/qemu\/202\s+web01-new\s+single\s/);
    const [id] = await assetsNamed(dir, 'web01-new');
    const byId = await cli(['--data-dir', dir, '--json', 'asset', 'show', String(id)]);
    const detail = JSON.parse(byId.stdout) as AssetDetail;
    expect(detail.asset.name).toBe('web01-new');
    expect(detail.links.map((l) => l.externalId)).toEqual(['pve-b/qemu/202']);
  });

  it('asks for an id when two assets share the name, and says when there is none', async () => {
    const dir = await twoClusters();
    const ids = await assetsNamed(dir, 'web01');
    expect(ids).toHaveLength(2);
    expect(await cli(['--data-dir', dir, 'asset', 'show', 'web01'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `rackside: 2 assets are named "web01": give one of their ids, ${ids.join(', ')}.\n`,
    });
    expect(await cli(['--data-dir', dir, 'asset', 'show', 'db99'])).toMatchObject({
      code: 1,
      stderr: 'rackside: There is no asset named "db99" (nor with that id).\n',
    });
  });

  it('lists two assets of one name in the inventory with the id that asset show takes', async () => {
    const dir = await twoClusters();
    const showRecords = async (id: string): Promise<string[]> => {
      const shown = await cli(['--data-dir', dir, '--json', 'asset', 'show', id]);
      expect(shown.code).toBe(0);
      return (JSON.parse(shown.stdout) as AssetDetail).links.map((l) => l.externalId);
    };

    const table = await cli(['--data-dir', dir, 'inventory', '--no-check', 'web01']);
    const [header = '', ...rows] = table.stdout.trim().split('\n');
    expect(header.split(/\s+/).slice(0, 2)).toEqual(['ID', 'NAME']);
    const ids = rows
      .map((row) => row.split(/\s+/))
      .filter(([, name]) => name === 'web01')
      .map(([id = '']) => id);
    expect(ids).toHaveLength(2);
    const records = await Promise.all(ids.map(showRecords));
    expect(records.flat().sort()).toEqual(['pve-a/qemu/101', 'pve-b/qemu/201']);

    // On a terminal too narrow for the table, each asset's block says its id too.
    const blocks = await cli(['--data-dir', dir, 'inventory', '--no-check', 'web01'], {
      columns: 30,
    });
    const blockIds = blocks.stdout
      .trim()
      .split('\n\n')
      .filter((block) => block.includes('\nNAME:     web01\n'))
      .map((block) => /^ID:\s+(\S+)$/m.exec(block)?.[1] ?? '');
    expect(blockIds).toEqual(ids);
  });

  it('shows the records of an asset a block of lines each on a terminal too narrow for their table', async () => {
    const dir = await twoClusters();
    const [a, b] = await assetsNamed(dir, 'web01');
    const joined = await cli(['--data-dir', dir, 'asset', 'join', String(a), String(b)], {
      columns: 40,
    });
    expect(joined.code).toBe(0);
    const [one = 0] = await assetsNamed(dir, 'web01');
    const show = (columns?: number) =>
      cli(
        ['--data-dir', dir, 'asset', 'show', String(one)],
        columns === undefined ? {} : { columns },
      );
    const piped = await show();
    const [fields = '', records = ''] = piped.stdout.split('\n\n');
    expect(records.split('\n')).toEqual([
      'SYSTEM   PROFILE  RECORD          NAME   LINKED BY  CONFIDENCE',
      'proxmox  pve-a    pve-a/qemu/101  web01  manual     1.00',
      'proxmox  pve-b    pve-b/qemu/201  web01  manual     1.00',
      '',
    ]);
    // Wide enough: as in a pipe.
    expect((await show(120)).stdout).toBe(piped.stdout);

    const narrow = await show(40);
    expect(narrow.code).toBe(0);
    for (const line of narrow.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    const [narrowFields, ...blocks] = narrow.stdout.trimEnd().split('\n\n');
    expect(narrowFields).toBe(fields);
    const block = (profile: string, record: string) =>
      [
        'SYSTEM:      proxmox',
        `PROFILE:     ${profile}`,
        `RECORD:      ${record}`,
        'NAME:        web01',
        'LINKED BY:   manual',
        'CONFIDENCE:  1.00',
      ].join('\n');
    const expected = [block('pve-a', 'pve-a/qemu/101'), block('pve-b', 'pve-b/qemu/201')];
    expect(blocks).toEqual(expected);
    // What `asset join` printed of the joined asset takes the terminal's width too.
    expect(joined.stdout.trimEnd().split('\n\n').slice(1)).toEqual(expected);

    // JSON is the same on any terminal.
    const json = await cli(['--data-dir', dir, '--json', 'asset', 'show', String(one)]);
    const jsonNarrow = await cli(['--data-dir', dir, '--json', 'asset', 'show', String(one)], {
      columns: 40,
    });
    expect(jsonNarrow.stdout).toBe(json.stdout);
  });

  it('joins two assets by hand, and splits a record back out, both kept in the inventory', async () => {
    const dir = await twoClusters();
    const [a, b] = await assetsNamed(dir, 'web01');
    const joined = await cli(['--data-dir', dir, 'asset', 'join', String(a), String(b)]);
    expect(joined.code).toBe(0);
    expect(joined.stdout).toMatch(/^Joined into asset \d+\./);
    expect(await assetsNamed(dir, 'web01')).toHaveLength(1);
    const [one] = await assetsNamed(dir, 'web01');
    const shown = await cli(['--data-dir', dir, '--json', 'asset', 'show', String(one)]);
    const links = (JSON.parse(shown.stdout) as AssetDetail).links;
    expect(links.map((l) => l.externalId).sort()).toEqual(['pve-a/qemu/101', 'pve-b/qemu/201']);
    expect(links.some((l) => l.matchKey === 'manual')).toBe(true);

    const wrong = await cli(['--data-dir', dir, 'asset', 'split', String(one), 'pve-c/qemu/1']);
    expect(wrong).toMatchObject({
      code: 2,
      stderr: `rackside: The asset has no record "pve-c/qemu/1"; it has ${links.map((l) => l.externalId).join(', ')}.\n`,
    });
    const split = await cli(['--data-dir', dir, 'asset', 'split', String(one), 'pve-b/qemu/201']);
    expect(split.code).toBe(0);
    expect(split.stdout).toMatch(/^Split asset \d+ into \d+, \d+\./);
    expect(await assetsNamed(dir, 'web01')).toHaveLength(2);
  });
});
