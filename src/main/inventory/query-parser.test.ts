import { describe, expect, it } from 'vitest';
import { parseQuery, QueryError } from './query-parser';
import { compileQuery } from './query-sql';

function errorOf(query: string): { position: number; detail: string } {
  try {
    compileQuery(parseQuery(query), []);
  } catch (error) {
    if (error instanceof QueryError) return { position: error.position, detail: error.detail };
    throw error;
  }
  throw new Error(`accepted: ${query}`);
}

describe('the inventory query language', () => {
  it('reads free text, filters, comparisons, quotes and negation', () => {
    expect(
      parseQuery('debian status:running source:patchmon updates>0 tag:prod missing:foreman'),
    ).toEqual([
      { type: 'text', negated: false, value: 'debian', position: 1 },
      { type: 'filter', negated: false, field: 'status', op: ':', value: 'running', position: 8 },
      { type: 'filter', negated: false, field: 'source', op: ':', value: 'patchmon', position: 23 },
      { type: 'filter', negated: false, field: 'updates', op: '>', value: '0', position: 39 },
      { type: 'filter', negated: false, field: 'tag', op: ':', value: 'prod', position: 49 },
      { type: 'filter', negated: false, field: 'missing', op: ':', value: 'foreman', position: 58 },
    ]);
    expect(parseQuery('-kind:vm name:"web \\"01\\"" security>=3 "two words" -old')).toEqual([
      { type: 'filter', negated: true, field: 'kind', op: ':', value: 'vm', position: 1 },
      { type: 'filter', negated: false, field: 'name', op: ':', value: 'web "01"', position: 10 },
      { type: 'filter', negated: false, field: 'security', op: '>=', value: '3', position: 28 },
      { type: 'text', negated: false, value: 'two words', position: 40 },
      { type: 'text', negated: true, value: 'old', position: 52 },
    ]);
    expect(parseQuery('10.0.3.5 bc:24:11:aa:bb:cc')).toHaveLength(2);
    // The start of a MAC, as free text.
    expect(parseQuery('bc:24:11:*')).toEqual([
      { type: 'text', negated: false, value: 'bc:24:11:*', position: 1 },
    ]);
    expect(parseQuery('   ')).toEqual([]);
  });

  it('says where and what is wrong with a bad query', () => {
    expect(errorOf('web colour:red')).toEqual({
      position: 5,
      detail:
        'unknown field "colour" (known: name, fqdn, ip, mac, os, group, tag, cluster, site, org, location, status, kind, source, missing, drift, updates, security, id, reboot, offline)',
    });
    expect(errorOf('status:sleeping')).toMatchObject({ position: 8 });
    // RouterOS is never expected to know an asset: there is no drift from it to ask for.
    expect(errorOf('drift:routeros').detail).toMatch(/foreman, proxmox, patchmon/);
    expect(errorOf('updates>many').detail).toBe('updates needs a whole number, not "many"');
    expect(errorOf('name>web').detail).toMatch(/">" compares numbers/);
    expect(errorOf('name:')).toEqual({ position: 6, detail: '"name:" needs a value' });
    expect(errorOf('"unclosed')).toEqual({ position: 1, detail: 'this quote is never closed' });
    expect(errorOf('"a"b').detail).toBe('expected a space after the closing quote');
    expect(errorOf('we"b').detail).toMatch(/a quote may only start a value/);
    expect(errorOf('reboot:maybe').detail).toBe('reboot is yes or no, not "maybe"');
    expect(errorOf('***').detail).toMatch(/no letters or digits/);
    // A network in / notation finds nothing as an address: it is said how to write it.
    expect(errorOf('ip:10.16.0.0/24')).toEqual({
      position: 4,
      detail:
        'ip takes an address or the start of one ending in * (ip:10.16.0.*), not a network in / notation: write ip:10.16.0.*',
    });
    expect(errorOf('ip:10.16.0.0/20').detail).toMatch(/not a network in \/ notation$/);
    expect(errorOf('ip:fd00::/64')).toEqual({
      position: 4,
      detail:
        'ip takes an address or the start of one ending in * (ip:fd00:10:*), not a network in / notation',
    });
  });

  it('refuses a MAC or an address no asset can have, saying what the filter takes', () => {
    expect(errorOf('web mac:zz:zz')).toEqual({
      position: 9,
      detail:
        'mac takes hex bytes separated by ":" or "-", the last may end in * (mac:bc:24:11, mac:BC-24-1*), not "zz:zz"',
    });
    for (const bad of ['mac:bc2411', 'mac:bc:24:11:aa:bb:cc:dd', 'mac:b:24', 'mac:bc.24']) {
      expect(errorOf(bad).detail, bad).toMatch(/^mac takes hex bytes/);
    }
    for (const good of ['mac:bc', 'mac:BC-24-11', 'mac:bc:24:1*', 'mac:bc:24:*', 'mac:bc:24:']) {
      expect(parseQuery(good), good).toHaveLength(1);
    }
    expect(errorOf('ip:10.0.0.300')).toEqual({
      position: 4,
      detail:
        'ip takes an IPv4 or IPv6 address (parts 0 to 255, or hex groups) or the start of one ending in * (ip:10.16.0.*), not "10.0.0.300"',
    });
    for (const bad of [
      'ip:web01',
      'ip:10.0.0.1.2',
      'ip:10..0.1',
      'ip:fd00:12345::1',
      'ip:1.2.3.4a',
    ]) {
      expect(errorOf(bad).detail, bad).toMatch(/^ip takes an IPv4 or IPv6 address/);
    }
    for (const good of ['ip:10.16', 'ip:10.16.0.*', 'ip:10.0.3*', 'ip:FD00:1:0::50', 'ip:::1']) {
      expect(parseQuery(good), good).toHaveLength(1);
    }
    expect(parseQuery('ip:::ffff:10.0.0.1 ip:fd00:1:*')).toHaveLength(2);
    expect(errorOf('updates>abc').detail).toBe('updates needs a whole number, not "abc"');
  });

  it('says a filter written with spaces is written without them, as it should read', () => {
    expect(errorOf('debian updates > 5')).toEqual({
      position: 15,
      detail: 'a filter is written without spaces: updates>5',
    });
    expect(errorOf('updates >5').detail).toBe('a filter is written without spaces: updates>5');
    expect(errorOf('-Updates >= 10').detail).toBe(
      'a filter is written without spaces: -Updates>=10',
    );
    expect(errorOf('name = x').detail).toBe('a filter is written without spaces: name=x');
    expect(errorOf('tag :"prod web"').detail).toBe(
      'a filter is written without spaces: tag:"prod web"',
    );
    expect(errorOf('updates >').detail).toBe('a filter is written without spaces: updates>…');
    expect(errorOf('updates> 5')).toEqual({
      position: 9,
      detail: '"updates>" needs its value right after it, without a space: updates>5',
    });
    expect(errorOf('-cluster: pve').detail).toBe(
      '"cluster:" needs its value right after it, without a space: -cluster:pve',
    );
    expect(errorOf('> 5')).toEqual({
      position: 1,
      detail:
        '">" alone compares nothing: a filter is written without spaces (updates>5, cluster:pve-ber)',
    });
    // Free text that is not a field's name stays free text.
    expect(parseQuery('web >5')).toHaveLength(2);
  });

  it('refuses oversized queries and too many terms without heavy work', () => {
    expect(errorOf('a'.repeat(1001)).detail).toMatch(/longer than 1000/);
    expect(errorOf(Array.from({ length: 40 }, (_, i) => `t${i}`).join(' ')).detail).toMatch(
      /at most 32 terms/,
    );
    expect(errorOf('updates>9999999999').detail).toBe(
      'updates takes whole numbers up to 999999999',
    );
  });

  it('counts the length in characters, not UTF-16 units', () => {
    // 600 emoji are 1 200 UTF-16 units but 600 characters.
    expect(parseQuery('😀'.repeat(600))).toHaveLength(1);
    expect(parseQuery(`${'é'.repeat(999)}😀`)).toHaveLength(1);
    expect(errorOf('😀'.repeat(1001))).toEqual({
      position: 1001,
      detail: 'the query is longer than 1000 characters',
    });
  });

  it('counts error positions in the characters a person sees, not UTF-16 units', () => {
    // An emoji (two UTF-16 units) before the error is one character.
    expect(errorOf('😀 colour:red')).toMatchObject({ position: 3 });
    expect(errorOf('😀 updates>lots')).toEqual({
      position: 11,
      detail: 'updates needs a whole number, not "lots"',
    });
    // So is an emoji joined from several (five units), a flag (two letters beyond the BMP) and a
    // letter with a combining accent (two units in the BMP).
    expect(errorOf('👩‍💻 status:sleeping')).toMatchObject({ position: 10 });
    expect(errorOf('🇩🇪 name:')).toEqual({ position: 8, detail: '"name:" needs a value' });
    expect(errorOf('e\u0301 "unclosed')).toMatchObject({ position: 3 });
    expect(errorOf('𝒜"b').detail).toMatch(/a quote may only start a value/);
    expect(errorOf('𝒜"b')).toMatchObject({ position: 2 });
    expect(errorOf('"😀"b')).toMatchObject({ position: 4 });
    // Errors found when the query is compiled point at their clause the same way.
    expect(errorOf('😀web ***')).toMatchObject({ position: 6 });
    expect(parseQuery('🇩🇪 tag:prod "😀 x"').map((c) => c.position)).toEqual([1, 3, 12]);
  });

  it('refuses a clause negated with two dashes instead of reading it as free text', () => {
    expect(errorOf('debian --kind:vm')).toEqual({
      position: 8,
      detail: '"--kind:vm" negates with one "-"; did you mean -kind:vm?',
    });
    expect(errorOf('---tag:prod').detail).toMatch(/did you mean -tag:prod\?$/);
    expect(errorOf('--updates>0').detail).toMatch(/did you mean -updates>0\?$/);
    // Dashes without a clause stay free text, as before.
    expect(parseQuery('-- --old a--b')).toHaveLength(3);
  });

  it('keeps hostile text inert: FTS operators, SQL and control characters are plain words', () => {
    for (const hostile of [
      'NEAR(a b)',
      "x' OR 1=1 --",
      'name:"a" OR name:*',
      '^start',
      'col:umn',
      '\u0000\u202e',
      ')(',
      'tag:"); DROP TABLE assets; --"',
    ]) {
      try {
        const compiled = compileQuery(parseQuery(hostile), []);
        expect(compiled.where).not.toContain('DROP');
        for (const param of compiled.params) {
          if (typeof param === 'string' && param.includes('"')) {
            expect(param).toMatch(/^(\w+ : )?"([^"]|"")*"\*?( AND (\w+ : )?"([^"]|"")*"\*?)*$/);
          }
        }
      } catch (error) {
        expect(error).toBeInstanceOf(QueryError);
      }
    }
  });
});
