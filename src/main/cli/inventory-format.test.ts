import { describe, expect, it } from 'vitest';
import type { AssetRow } from '../../shared/inventory';
import { displayWidth } from './format-width';
import { formatAssetTable } from './inventory-format';

function asset(id: number, name: string, os: string | null = 'Debian 12'): AssetRow {
  return {
    id,
    kind: 'vm',
    name,
    fqdn: null,
    status: 'running',
    os,
    ips: [`10.0.0.${String(id)}`],
    macs: [],
    cluster: 'pve',
    site: null,
    groups: [],
    organization: null,
    location: null,
    tags: [],
    patch: { updates: null, security: null, rebootNeeded: null },
    systems: ['proxmox'],
    lastSeen: {},
    freshness: { offline: false, dataFrom: null, message: 'data from now' },
  };
}

/** The terminal column at which each cell of a table line (cells apart by 2+ spaces) starts. */
function columnStarts(line: string): number[] {
  return [...line.matchAll(/\S+(?: \S+)*/g)].map((m) => displayWidth(line.slice(0, m.index)));
}

describe('the asset table', () => {
  it('lines up columns with CJK, emoji and accented names', () => {
    const rows = [
      asset(1, 'web01'),
      asset(2, '数据库服务器'),
      asset(3, '🚀 launch'),
      // A decomposed ü: two code units, one column.
      asset(4, 'Zu\u0308rich-db', 'Alpine Linux'),
      asset(5, 'gw', '中文系统'),
    ];
    const lines = formatAssetTable(rows, rows.length).split('\n');
    expect(lines).toHaveLength(6);
    // The id is 2 columns (`ID`), the widest name 12 (six CJK characters), the widest OS 12
    // (`Alpine Linux`).
    const header = columnStarts(lines[0]!);
    expect(header).toEqual([0, 4, 18, 24, 33, 47, 57, 66]);
    for (const line of lines) expect(columnStarts(line)).toEqual(header);
    expect(lines[2]).toBe('2   数据库服务器  vm    running  Debian 12     10.0.0.2  proxmox  -');
  });

  it('measures a control character in a name as the escape the terminal is shown', () => {
    const lines = formatAssetTable([asset(1, 'bad\u001b[2Jname'), asset(2, 'ok')], 2).split('\n');
    expect(lines[1]).toContain('bad\\x1b[2Jname');
    const header = columnStarts(lines[0]!);
    for (const line of lines) expect(columnStarts(line)).toEqual(header);
  });
});
