import { describe, expect, it } from 'vitest';
import { sortFields, type AssetRow } from '../../../../shared/inventory';
import {
  columnIds,
  columnMeta,
  columnWidth,
  defaultLayout,
  groupByLabels,
  groupByOptions,
  groupSort,
  groupValue,
  readLayout,
  widthRange,
  withWidth,
  writeLayout,
} from './columns';

const row = (over: Partial<AssetRow>): AssetRow =>
  ({
    kind: 'vm',
    status: 'running',
    os: null,
    cluster: null,
    site: null,
    groups: [],
    ...over,
  }) as AssetRow;

describe('grouping the inventory', () => {
  it('offers every grouping with a label and a server sort that keeps each group together', () => {
    for (const option of groupByOptions) {
      expect(groupByLabels[option]).not.toBe('');
      if (option !== 'none') expect(sortFields).toContain(groupSort[option]);
    }
    expect(groupByOptions).toContain('group');
  });

  it('groups by source group on the first group, the one the server sorts on', () => {
    expect(groupValue(row({ groups: ['Web servers', 'prod-pool'] }), 'group')).toBe('Web servers');
    expect(groupValue(row({ groups: [] }), 'group')).toBe('no group');
    expect(groupSort.group).toBe('group');
  });

  it('keeps each cluster group in one piece in the order the server sorts by cluster', () => {
    // The server sorts on the cluster alone: assets without one come last, by name, whatever
    // their site, so a group per site would break into pieces.
    const sorted = [
      row({ name: 'app01', cluster: 'pve-ber', site: 'ber-pve01' }),
      row({ name: 'app02', cluster: 'pve-ber', site: 'ber-pve02' }),
      row({ name: 'db01', cluster: null, site: 'Berlin' }),
      row({ name: 'db02', cluster: null, site: null }),
      row({ name: 'db03', cluster: null, site: 'Vienna' }),
      row({ name: 'db04', cluster: null, site: 'Berlin' }),
    ];
    const labels = sorted.map((r) => groupValue(r, 'cluster'));
    const runs = labels.filter((label, i) => label !== labels[i - 1]);
    expect(runs).toEqual([...new Set(labels)]);
    expect(runs).toEqual(['pve-ber', 'no cluster']);
    expect(groupSort.cluster).toBe('cluster');
  });
});

describe('column widths', () => {
  it('keeps a column at the width it was given, within bounds, as stored', () => {
    const storage = window.localStorage;
    storage.clear();
    expect(columnWidth(readLayout(storage), 'name')).toBe(150);
    writeLayout({ ...defaultLayout, widths: { name: 260 } }, storage);
    expect(columnWidth(readLayout(storage), 'name')).toBe(260);
    // A width out of bounds, or for a column that does not resize, is not taken as it is.
    writeLayout({ ...defaultLayout, widths: { name: 5000, os: 20, select: 90 } }, storage);
    const layout = readLayout(storage);
    expect(columnWidth(layout, 'name')).toBe(600);
    expect(columnWidth(layout, 'os')).toBe(60);
    expect(columnWidth(layout, 'select')).toBe(30);
    storage.clear();
  });
});

describe('resizing columns', () => {
  it('resizes every column but selection and freshness, none narrower than its header needs', () => {
    const resizable = columnIds.filter((id) => widthRange(id) !== undefined);
    expect(resizable).toEqual(columnIds.filter((id) => id !== 'select' && id !== 'freshness'));
    for (const id of resizable) {
      const range = widthRange(id);
      // Its default width is one it can have, and a column can always be made wider.
      expect(range?.min).toBeLessThanOrEqual(columnMeta[id].width);
      expect(range?.min).toBeGreaterThanOrEqual(48);
      expect(range?.max).toBeGreaterThan(columnMeta[id].width);
    }
  });

  it('sets one column’s width, or gives it back its default, leaving the others', () => {
    const wide = withWidth(withWidth(defaultLayout, 'os', 200), 'tags', 10);
    expect(wide.widths).toEqual({ os: 200, tags: 48 });
    expect(withWidth(wide, 'os', undefined).widths).toEqual({ tags: 48 });
    expect(withWidth(wide, 'freshness', 90).widths).toEqual(wide.widths);
  });
});
