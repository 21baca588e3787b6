import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../sources/types';
import { parseQuery, QueryError } from './query-parser';
import { compileQuery } from './query-sql';
import { guestInventory } from './test-helpers';

/** Guests by name, in two clusters and none. */
const guests: Record<string, Partial<SourceRecord>> = {
  web01: { cluster: 'pve-ber', tags: ['prod'], status: 'running', os: 'Debian 12' },
  web02: { cluster: 'pve-fra', tags: ['staging'], status: 'stopped', os: 'Ubuntu 22.04' },
  db01: { cluster: 'pve-ber', tags: ['prod web'], status: 'paused', kind: 'container' },
  db02: { cluster: 'pve-muc', tags: [], status: 'running', macs: ['bc:24:11:00:00:02'] },
  mail: { cluster: null, tags: ['mail'], status: 'running', ips: ['10.16.0.9'] },
};

const { names } = guestInventory(guests);

function errorOf(query: string): { position: number; detail: string } {
  try {
    compileQuery(parseQuery(query), []);
  } catch (error) {
    if (error instanceof QueryError) return { position: error.position, detail: error.detail };
    throw error;
  }
  throw new Error(`accepted: ${query}`);
}

describe('a filter of several values', () => {
  it('finds the assets with any of them, in the index as in the database', () => {
    expect(names('cluster:pve-ber,pve-fra')).toEqual(['db01', 'web01', 'web02']);
    expect(names('cluster:PVE-FRA,pve-m*')).toEqual(['db02', 'web02']);
    expect(names('status:paused,stopped')).toEqual(['db01', 'web02']);
    expect(names('kind:container,router')).toEqual(['db01']);
    expect(names('source:proxmox,foreman')).toHaveLength(5);
    expect(names('name:web*,db02')).toEqual(['db02', 'web01', 'web02']);
    expect(names('tag:"prod web",mail')).toEqual(['db01', 'mail']);
    expect(names('os=debian*,ubuntu*')).toEqual(['web01', 'web02']);
    expect(names('ip:10.16.0.9,10.0.0.1 mac:bc:24:11:00:00:01,bc:24:11:00:00:02')).toEqual([]);
    expect(names('ip:10.16.0.9,10.0.0.1')).toEqual(['mail']);
    expect(names('mac:bc:24:11:00:00:01,bc:24:11:00:00:02')).toEqual(['db02']);
    expect(names('tag:nosuchtag,nothing')).toEqual([]);
    // With the other clauses, all of which hold.
    expect(names('cluster:pve-ber,pve-fra status:running')).toEqual(['web01']);
    expect(names('web0 cluster:pve-ber,pve-fra,pve-muc')).toEqual(['web01', 'web02']);
  });

  it('negated, finds the assets with none of them', () => {
    // No cluster is neither of them, as -cluster:pve-ber keeps the unclustered.
    expect(names('-cluster:pve-ber,pve-fra')).toEqual(['db02', 'mail']);
    expect(names('-tag:prod,mail')).toEqual(['db02', 'web02']);
    expect(names('-status:running,paused')).toEqual(['web02']);
  });

  it('keeps a comma inside quotes, and says what is wrong with a list', () => {
    expect(parseQuery('tag:"a,b"')).toEqual([
      { type: 'filter', negated: false, field: 'tag', op: ':', value: 'a,b', position: 1 },
    ]);
    expect(parseQuery('-cluster:a,"b c"')).toEqual([
      {
        type: 'filter',
        negated: true,
        field: 'cluster',
        op: ':',
        value: 'a',
        alternatives: ['a', 'b c'],
        position: 1,
      },
    ]);
    expect(errorOf('cluster:a,')).toEqual({
      position: 10,
      detail: 'a value is missing after this comma',
    });
    expect(errorOf('cluster:a,,b').detail).toBe('a value is missing before this comma');
    expect(errorOf('status:running,sleeping')).toEqual({
      position: 16,
      detail:
        'status is one of running, stopped, paused, offline, pending, unknown, not "sleeping"',
    });
    expect(errorOf('mac:bc:24,zz').detail).toMatch(/^mac takes hex bytes/);
    expect(errorOf('updates>1,2').detail).toBe('updates needs a whole number, not "1,2"');
  });

  it('says how to write either value when | or OR joins them', () => {
    expect(errorOf('cluster:pve-ber|pve-fra')).toEqual({
      position: 16,
      detail: 'to match any of several values, separate them with commas: cluster:pve-ber,pve-fra',
    });
    expect(errorOf('name:web* OR name:db*')).toEqual({
      position: 11,
      detail:
        'every clause of a query must hold, so OR would be searched as a word; to match any of several values, write them after one field with commas: name:web*,db*',
    });
    expect(errorOf('tag:"prod web" OR tag:db').detail).toMatch(/commas: tag:"prod web",db$/);
    expect(errorOf('kind:vm OR status:running').detail).toMatch(/commas: cluster:pve-ber,pve-fra$/);
    // OR as free text elsewhere is a word like any other.
    expect(parseQuery('OR web')).toHaveLength(2);
    expect(parseQuery('web or name:db')).toHaveLength(3);
  });
});
