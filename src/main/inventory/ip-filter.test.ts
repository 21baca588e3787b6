import { describe, expect, it } from 'vitest';
import { ipQuery, ipWords } from './ip-query';
import { guestInventory } from './test-helpers';

/** Assets by name with their addresses, as sources store them (`normalizeIp`). */
const addresses: Record<string, string[]> = {
  a: ['10.16.0.24'],
  b: ['10.16.1.50'],
  c: ['fd00:1::50'],
  d: ['10.160.0.1'],
  e: ['10.0.3.5', '10.0.3.77'],
  f: ['10.0.30.1'],
  // Enough addresses under 10.16. for a page with a quick count to test rows one by one.
  ...Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [`n${String(i)}`, [`10.16.${String(i + 2)}.7`]]),
  ),
};
const fillers = Object.keys(addresses).filter((name) => name.startsWith('n'));

const { names } = guestInventory(
  Object.fromEntries(Object.entries(addresses).map(([name, ips]) => [name, { ips }])),
);

describe('ip: filter', () => {
  it('matches the whole address, not words inside it', () => {
    expect(names('ip:10.16.0.24')).toEqual(['a']);
    expect(names('ip:10.0.3.77')).toEqual(['e']);
    for (const part of ['0.24', '16.0.24', '16', '10.16', '10.0.3', '::1', '1::50', '50']) {
      expect(names(`ip:${part}`), part).toEqual([]);
    }
  });

  it('finds an IPv6 address however it is written', () => {
    expect(names('ip:fd00:1::50')).toEqual(['c']);
    expect(names('ip:FD00:1:0::50')).toEqual(['c']);
    expect(names('ip:fd00:0001:0:0:0:0:0:0050')).toEqual(['c']);
  });

  it('takes a trailing * as the start of the address', () => {
    expect(names('ip:10.16.*')).toEqual(['a', 'b', ...fillers].sort());
    expect(names('ip:10.16*')).toEqual(['a', 'b', 'd', ...fillers].sort());
    expect(names('ip:10.0.3.*')).toEqual(['e']);
    expect(names('ip:10.0.3*')).toEqual(['e', 'f']);
    expect(names('ip:FD00:*')).toEqual(['c']);
    expect(names('ip:fd00:1:*')).toEqual(['c']);
    // A prefix is of the address as stored: compressed.
    expect(names('ip:fd00:1:0:*')).toEqual([]);
    expect(names('ip:0.24*')).toEqual([]);
  });

  it('negates and combines like any other clause', () => {
    const everyone = Object.keys(addresses).sort();
    expect(names('-ip:10.16.0.24')).toEqual(everyone.filter((n) => n !== 'a'));
    expect(names('-ip:16')).toEqual(everyone);
    expect(names('-ip:10.16.*')).toEqual(['c', 'd', 'e', 'f']);
    expect(names('ip:10.0.3.* -ip:10.0.3.5')).toEqual([]);
    expect(names('ip:10.16.* name:b')).toEqual(['b']);
  });

  it('leaves free text to match words of addresses', () => {
    expect(names('10.16.0')).toEqual(['a']);
    expect(names('0.24')).toEqual(['a']);
  });
});

describe('ipWords', () => {
  it('reads a prefix that ends at a dot or colon as whole words, one inside a part as a prefix', () => {
    expect(ipWords(ipQuery('10.16.3.*'))).toBe('10.16.3.');
    expect(ipWords(ipQuery('fd00:1:*'))).toBe('fd00:1:');
    expect(ipWords(ipQuery('10.16.3*'))).toBe('10.16.3*');
    expect(ipWords(ipQuery('10.16.3.5'))).toBe('10.16.3.5');
  });
});
