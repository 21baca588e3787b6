import { describe, expect, it } from 'vitest';
import type { AssetRow, SyncOutcome } from '../../shared/inventory';
import { displayWidth } from './format-width';
import { formatAssetTable, formatOutcomes } from './inventory-format';

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

function outcome(profileName: string, status: SyncOutcome['status'], counts: number[]) {
  const [fetched = 0, added = 0, changed = 0, removed = 0, durationMs = 0] = counts;
  return {
    runId: 1,
    profileId: `id-${profileName}`,
    profileName,
    system: 'proxmox',
    status,
    fetched,
    added,
    changed,
    removed,
    warnings: [],
    error: null,
    errorCode: null,
    durationMs,
  } satisfies SyncOutcome;
}

describe('the sync results table', () => {
  const outcomes = [
    outcome('pve-lab', 'ok', [42, 3, 5, 1, 1250]),
    outcome('pve-cluster-two', 'failed', [0, 0, 0, 0, 30400]),
  ];

  it('is a table with a header row on a terminal wide enough, the same as in a pipe', () => {
    const table = [
      'PROFILE          SYSTEM   STATUS  RECORDS  ADDED  CHANGED  REMOVED  SECONDS',
      'pve-lab          proxmox  ok      42       3      5        1        1.3',
      'pve-cluster-two  proxmox  failed  0        0      0        0        30.4',
    ].join('\n');
    expect(formatOutcomes(outcomes)).toBe(table);
    expect(formatOutcomes(outcomes, 80)).toBe(table);
  });

  it('is a block of lines a profile on a terminal too narrow for the table', () => {
    const text = formatOutcomes(outcomes, 40);
    for (const line of text.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
    expect(text.split('\n\n')).toEqual([
      [
        'PROFILE:  pve-lab',
        'SYSTEM:   proxmox',
        'STATUS:   ok',
        'RECORDS:  42',
        'ADDED:    3',
        'CHANGED:  5',
        'REMOVED:  1',
        'SECONDS:  1.3',
      ].join('\n'),
      [
        'PROFILE:  pve-cluster-two',
        'SYSTEM:   proxmox',
        'STATUS:   failed',
        'RECORDS:  0',
        'ADDED:    0',
        'CHANGED:  0',
        'REMOVED:  0',
        'SECONDS:  30.4',
      ].join('\n'),
    ]);
  });
});
