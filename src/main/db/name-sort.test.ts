import { describe, expect, it } from 'vitest';
import { compareNames } from '../../shared/name-sort';

const sorted = (names: string[]): string[] => [...names].sort(compareNames);

describe('name order', () => {
  it('puts numbers in order of value: web2 before web10, pve99 before pve100', () => {
    expect(sorted(['web10', 'web2', 'web1', 'pve100', 'pve99', 'pve1000'])).toEqual([
      'pve99',
      'pve100',
      'pve1000',
      'web1',
      'web2',
      'web10',
    ]);
  });

  it('ignores case and leading zeros, so Web02 sits between web1 and web3', () => {
    expect(sorted(['web3', 'Web02', 'web1', 'WEB10'])).toEqual(['web1', 'Web02', 'web3', 'WEB10']);
    expect(sorted(['Debian 12', 'debian 9', 'Debian 11'])).toEqual([
      'debian 9',
      'Debian 11',
      'Debian 12',
    ]);
  });

  it('keeps values that fold alike together and in a fixed order, whatever comes between', () => {
    const names = ['web1', 'web2', 'Web1', 'web01', 'web1a', 'WEB1'];
    const order = sorted(names);
    expect(order).toEqual(sorted([...names].reverse()));
    expect(order.slice(0, 4).sort()).toEqual(['WEB1', 'Web1', 'web01', 'web1']);
    expect(order.slice(4)).toEqual(['web1a', 'web2']);
  });

  it('orders addresses and version-like names number by number', () => {
    expect(sorted(['10.0.0.12', '10.0.0.2', '9.1.1.1', '10.0.1.1'])).toEqual([
      '9.1.1.1',
      '10.0.0.2',
      '10.0.0.12',
      '10.0.1.1',
    ]);
  });

  it('keeps punctuation before digits and digits before letters, as ASCII does', () => {
    expect(sorted(['weba', 'web1', 'web-1', 'web.1', 'web'])).toEqual([
      'web',
      'web-1',
      'web.1',
      'web1',
      'weba',
    ]);
  });
});
