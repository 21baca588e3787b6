import { describe, expect, it } from 'vitest';

import { record, RosTrap } from './model';
import { applyProplist, matchesQuery } from './query';

const item = record([
  ['.id', '*1'],
  ['name', 'ether1'],
  ['type', 'ether'],
  ['actual-mtu', '1500'],
  ['running', 'true'],
]);
const words = (...queries: string[]): Uint8Array[] =>
  queries.map((query) => new TextEncoder().encode(query));
const keeps = (...queries: string[]): boolean => matchesQuery(item, words(...queries));

describe('query stack machine', () => {
  it('tests presence, absence and equality, implicitly AND-ed', () => {
    expect(keeps('running')).toBe(true);
    expect(keeps('-running')).toBe(false);
    expect(keeps('-comment')).toBe(true);
    expect(keeps('=type=ether', 'name=ether1')).toBe(true);
    expect(keeps('type=ether', 'name=ether2')).toBe(false);
    expect(keeps('comment=')).toBe(false);
  });

  it('compares numbers as numbers and text byte by byte', () => {
    expect(keeps('>actual-mtu=1000')).toBe(true);
    expect(keeps('<actual-mtu=200')).toBe(false);
    expect(keeps('>name=ether0')).toBe(true);
    expect(keeps('<name=ether')).toBe(false);
  });

  it('combines with !, & and |', () => {
    expect(keeps('type=vlan', 'type=ether', '#|')).toBe(true);
    expect(keeps('type=vlan', 'type=bridge', '#|')).toBe(false);
    expect(keeps('type=ether', '#!')).toBe(false);
    expect(keeps('type=ether', 'running', '#&!')).toBe(false);
    expect(keeps('type=vlan', 'running', '#&!')).toBe(true);
    // Popping past the pushed values reads the endless supply of true.
    expect(keeps('type=vlan', '#|')).toBe(true);
  });

  it('copies entries by index, replaces the stack with a trailing index, and duplicates with .', () => {
    // Stack [false(type=vlan), true(running)]: `1` at the end replaces the stack with entry 1.
    expect(keeps('type=vlan', 'running', '#1')).toBe(false);
    expect(keeps('type=vlan', 'running', '#0')).toBe(true);
    // `1!` pushes a copy of entry 1 (false) and negates it; the original false remains.
    expect(keeps('running', 'type=vlan', '#1!&')).toBe(false);
    // `.` after an operator duplicates the top; after an index it does nothing.
    expect(keeps('type=vlan', '#!.&')).toBe(true);
    expect(keeps('type=ether', '#0.&')).toBe(true);
  });

  it('traps on an unknown operation', () => {
    expect(() => keeps('#?')).toThrow(RosTrap);
  });
});

describe('proplist', () => {
  it('keeps only listed properties that exist, in the order asked', () => {
    expect([...applyProplist(item, ['type', 'comment', '.id']).keys()]).toEqual(['type', '.id']);
    expect(applyProplist(item, ['comment']).size).toBe(0);
    expect(applyProplist(item, undefined)).toBe(item);
  });
});
