import { describe, expect, it } from 'vitest';
import { chartEntries } from './FleetOverview';

describe('the overview charts', () => {
  it('list a bar’s assets by the whole OS name the bar counts, not by its words', () => {
    const bars = chartEntries(
      { Linux: 57, 'Ubuntu 22.04': 900, 'Say "hi" OS': 1, unknown: 33, Debian: 0 },
      'os',
    );
    expect(bars.map((bar) => [bar.name, bar.query])).toEqual([
      ['Ubuntu 22.04', 'os="Ubuntu 22.04"'],
      ['Linux', 'os=Linux'],
      ['unknown', ''],
      ['Say "hi" OS', 'os="Say \\"hi\\" OS"'],
    ]);
  });

  it('list kinds and statuses by their value', () => {
    expect(chartEntries({ vm: 3, container: 5 }, 'kind').map((bar) => bar.query)).toEqual([
      'kind:container',
      'kind:vm',
    ]);
  });
});
