import { describe, expect, it } from 'vitest';
import { sortFields, type AssetRow } from '../../../../shared/inventory';
import { groupByLabels, groupByOptions, groupSort, groupValue } from './columns';

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
});
