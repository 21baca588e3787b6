import { describe, expect, it } from 'vitest';
import { applySuggestion, queryProblem, suggest, tokenAt } from './query-assist';

describe('query autocomplete', () => {
  it('completes field names from a prefix, keeping a negation', () => {
    expect(suggest('deb sta', 7, undefined).map((s) => s.insert)).toEqual(['status:']);
    expect(suggest('-mis', 4, undefined).map((s) => s.insert)).toEqual(['-missing:']);
    expect(suggest('', 0, undefined)).toEqual([]);
  });

  it('offers known values after a field, OS names from the facets, quoted when needed', () => {
    expect(suggest('kind:c', 6, undefined).map((s) => s.label)).toEqual(['kind:container']);
    const facets = { os: { 'Debian 12': 3, 'Ubuntu 22.04': 1, unknown: 2 } } as never;
    expect(suggest('os:deb', 6, facets).map((s) => s.insert)).toEqual(['os:"Debian 12"']);
    expect(suggest('security:', 9, undefined).map((s) => s.insert)).toEqual(['security>0']);
  });

  it('offers the clusters, sites and source groups of the stored inventory', () => {
    const facets = {
      os: {},
      cluster: { 'pve-ber': 40, 'pve-fra': 12, unknown: 5 },
      site: { Berlin: 30 },
      group: { 'Web servers': 9, Databases: 4 },
    } as never;
    expect(suggest('cluster:pve', 11, facets).map((s) => s.insert)).toEqual([
      'cluster:pve-ber',
      'cluster:pve-fra',
    ]);
    expect(suggest('site:b', 6, facets).map((s) => s.insert)).toEqual(['site:Berlin']);
    expect(suggest('-group:we', 9, facets).map((s) => s.insert)).toEqual(['-group:"Web servers"']);
    expect(suggest('cluster:unk', 11, facets)).toEqual([]);
  });

  it('offers the tags, organizations and locations of the stored inventory', () => {
    const facets = {
      os: {},
      tag: { prod: 40, 'prod web': 3, staging: 9 },
      org: { 'ACME Berlin': 30, unknown: 4 },
      location: { Frankfurt: 12, Berlin: 20 },
    } as never;
    expect(suggest('tag:pro', 7, facets).map((s) => s.insert)).toEqual([
      'tag:prod',
      'tag:"prod web"',
    ]);
    expect(suggest('-org:a', 6, facets).map((s) => s.insert)).toEqual(['-org:"ACME Berlin"']);
    expect(suggest('location:', 9, facets).map((s) => s.insert)).toEqual([
      'location:Frankfurt',
      'location:Berlin',
    ]);
    // The fixed values still come for the fields that have them.
    expect(suggest('source:p', 8, facets).map((s) => s.insert)).toEqual([
      'source:proxmox',
      'source:patchmon',
    ]);
  });

  it('offers the next of several values after a comma, keeping those before it', () => {
    const facets = { os: {}, cluster: { 'pve-ber': 40, 'pve-fra': 12 } } as never;
    expect(suggest('-cluster:pve-ber,pve-f', 22, facets).map((s) => s.insert)).toEqual([
      '-cluster:pve-ber,pve-fra',
    ]);
    expect(suggest('status:running,s', 16, undefined).map((s) => s.insert)).toEqual([
      'status:running,stopped',
    ]);
  });

  it('puts a value typed in full first, so Enter keeps it rather than a longer one', () => {
    const facets = { os: {}, cluster: { 'pve-ber': 40, 'pve-ber2': 12, 'pve-fra': 3 } } as never;
    expect(suggest('cluster:pve-ber', 15, facets).map((s) => s.insert)).toEqual([
      'cluster:pve-ber',
      'cluster:pve-ber2',
    ]);
    // Nothing longer: nothing to suggest.
    expect(suggest('cluster:pve-fra', 15, facets)).toEqual([]);
  });

  it('replaces only the word under the cursor and moves the cursor after it', () => {
    const query = 'debian sta updates>0';
    const [first] = suggest(query, 10, undefined);
    expect(first).toBeDefined();
    const next = applySuggestion(query, 10, first!);
    expect(next.query).toBe('debian status: updates>0');
    expect(next.cursor).toBe('debian status:'.length);
    const value = suggest('status:r', 8, undefined)[0]!;
    expect(applySuggestion('status:r', 8, value).query).toBe('status:running ');
  });

  it('finds the token at the cursor', () => {
    expect(tokenAt('a bc d', 3)).toEqual({ start: 2, end: 4, text: 'bc' });
  });

  it('reads the position and detail of a parse error', () => {
    expect(queryProblem('Query error at position 9: updates needs a whole number')).toEqual({
      position: 9,
      detail: 'updates needs a whole number',
    });
    expect(queryProblem('something else')).toBeUndefined();
  });
});
