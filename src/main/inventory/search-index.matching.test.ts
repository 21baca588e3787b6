import { describe, expect, it } from 'vitest';
import { parseQuery } from './query-parser';
import { SearchIndex } from './search-index';
import {
  allSystems,
  db,
  namesFinder,
  sqlPage,
  useSearchFleet,
  type Case,
} from './search-index.fixture';

useSearchFleet();

describe('search index: what a query matches', () => {
  it('takes os= as the whole OS, where os: finds its words', () => {
    const all = db.prepare('SELECT id, os FROM assets').all() as {
      id: number;
      os: string | null;
    }[];
    const ids = (keep: (os: string) => boolean): number[] =>
      all.filter((r) => r.os !== null && keep(r.os)).map((r) => r.id);
    const index = SearchIndex.build(db);
    const request = (query: string): Case => ({
      query,
      clauses: parseQuery(query),
      offline: [],
      configured: allSystems,
      request: { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 500 },
    });
    const answer = (query: string): { sql: number[]; index: number[] | undefined } => {
      const c = request(query);
      return {
        sql: sqlPage(c).ids.sort((a, b) => a - b),
        index: index.page(c.clauses, c.offline, c.request, c.configured)?.ids.sort((a, b) => a - b),
      };
    };
    const exactly = ids((os) => os.toLowerCase() === 'debian');
    // Words are folded as the index folds them: accents aside, so "Débian 12" has the word too.
    const words = ids((os) =>
      /(^|[^\p{L}])debian([^\p{L}]|$)/iu.test(os.normalize('NFD').replace(/\p{M}/gu, '')),
    );
    // The odd assets' plain "debian" among "Debian 12", "Debian 9" and the fleet's versions.
    expect(exactly.length).toBeGreaterThan(0);
    expect(words.length).toBeGreaterThan(exactly.length);
    expect(answer('os=DEBIAN')).toEqual({ sql: exactly, index: exactly });
    expect(answer('os:debian').sql).toEqual(words);
    const prefix = ids((os) => os.toLowerCase().startsWith('debian 1'));
    expect(answer('os="Debian 1*"')).toEqual({ sql: prefix, index: prefix });
    // Not that OS: every other asset, those whose OS is unknown too.
    const oddId = (name: string): number =>
      (db.prepare('SELECT id FROM assets WHERE name = ?').get(name) as { id: number }).id;
    const c = request('-os=debian');
    expect(sqlPage(c).total).toBe(all.length - exactly.length);
    expect(index.page(c.clauses, c.offline, c.request, c.configured)?.total).toBe(
      all.length - exactly.length,
    );
    expect(answer('-os=debian name:gateway')).toEqual({
      sql: [oddId('ÜBER-gateway')],
      index: [oddId('ÜBER-gateway')],
    });
  });

  it('keeps assets with no cluster, site, organization or location when one is excluded', () => {
    const index = SearchIndex.build(db);
    const total = (query: string): { sql: number; index: number | undefined } => {
      const clauses = parseQuery(query);
      const request = {
        sort: { field: 'name', direction: 'asc' },
        offset: 0,
        limit: 50,
      } as const;
      const c = { query, clauses, offline: [], configured: allSystems, request };
      return {
        sql: sqlPage(c).total,
        index: index.page(clauses, [], request, allSystems)?.total,
      };
    };
    const all = (db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n;
    const unclustered = (
      db.prepare('SELECT count(*) AS n FROM assets WHERE cluster IS NULL').get() as { n: number }
    ).n;
    const { cluster } = db
      .prepare('SELECT cluster FROM assets WHERE cluster IS NOT NULL LIMIT 1')
      .get() as { cluster: string };
    expect(unclustered).toBeGreaterThan(0);
    const inIt = total(`cluster:"${cluster}"`);
    expect(inIt.sql).toBeGreaterThan(0);
    // Every asset not in that cluster: those in no cluster at all too.
    expect(total(`-cluster:"${cluster}"`)).toEqual({
      sql: all - inIt.sql,
      index: all - inIt.sql,
    });
    const prefix = cluster.slice(0, 2);
    const starting = (
      db.prepare('SELECT count(*) AS n FROM assets WHERE cluster LIKE ?').get(`${prefix}%`) as {
        n: number;
      }
    ).n;
    expect(total(`-cluster:${prefix}*`)).toEqual({ sql: all - starting, index: all - starting });
    expect(total('-site:nowhere-at-all')).toEqual({ sql: all, index: all });
    expect(total('-location:nowhere* -org:nobody')).toEqual({ sql: all, index: all });
  });

  it('compares whole values with case aside in every script, not only in ASCII', () => {
    const names = namesFinder(SearchIndex.build(db));
    const zurich = ['Café-Zürich-01', 'ÜBER-gateway'];
    expect(names('cluster:ZÜRICH')).toEqual({ sql: zurich, index: zurich });
    expect(names('cluster:ZÜR*')).toEqual({ sql: zurich, index: zurich });
    expect(names('name=über-GATEWAY')).toEqual({ sql: ['ÜBER-gateway'], index: ['ÜBER-gateway'] });
    expect(names('name="CAFÉ-zürich*"')).toEqual({
      sql: ['Café-Zürich-01'],
      index: ['Café-Zürich-01'],
    });
    expect(names('os="DÉBIAN 12"')).toEqual({ sql: ['Café-Zürich-01'], index: ['Café-Zürich-01'] });
    expect(names('site:STRASSE')).toEqual({
      sql: ['Café-Zürich-01', 'ÜBER-gateway'],
      index: ['Café-Zürich-01', 'ÜBER-gateway'],
    });
    expect(names('-cluster:zÜrich').sql).not.toContain('ÜBER-gateway');
    expect(names('-cluster:zÜrich').index).not.toContain('ÜBER-gateway');
  });

  it('folds case as Unicode does: the dotless ı is not i, and STRASSE is Straße in words too', () => {
    const names = namesFinder(SearchIndex.build(db));
    const kirmizi = { sql: ['kırmızı-01'], index: ['kırmızı-01'] };
    const none = { sql: [], index: [] };
    // ı folds to itself, and I to i: kırmızı, KIRMIZI and kirmizi are not one word.
    for (const query of ['name=kirmizi-01', 'name=KIRMIZI-01', 'cluster:kirmizi', 'cluster:KIR*']) {
      expect(names(query), query).toEqual(none);
    }
    expect(names('kirmizi')).toEqual(none);
    expect(names('tag:isik')).toEqual(none);
    expect(names('tag:IŞIK')).toEqual(none);
    for (const query of [
      'name=KıRMıZı-01',
      'cluster:kıRMıZı',
      'cluster:KıR*',
      'kırmızı',
      'tag:ıŞıK',
    ]) {
      expect(names(query), query).toEqual(kirmizi);
    }
    // The dotted İ is i, as ISTANBUL is İstanbul.
    expect(names('site:izmir')).toEqual(kirmizi);
    expect(names('site:IZMIR')).toEqual(kirmizi);
    // ß is ss in a whole value and in its words alike.
    const strasse = { sql: ['straße-db'], index: ['straße-db'] };
    for (const query of [
      'name=STRASSE-DB',
      'name:strasse',
      'STRASSE',
      'strass',
      'fqdn:"strasse db"',
    ]) {
      expect(names(query), query).toEqual(strasse);
    }
    expect(names('name:STRAẞE')).toEqual(strasse);
  });

  it('leaves a search with nothing but symbols to the SQL, which says why it cannot search it', () => {
    const index = SearchIndex.build(db);
    const request = { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 50 } as const;
    for (const query of ['🙂', '-🙂', 'debian 🙂']) {
      const clauses = parseQuery(query);
      expect(index.page(clauses, [], request, allSystems), query).toBeNull();
      expect(() =>
        sqlPage({ query, clauses, offline: [], configured: allSystems, request }),
      ).toThrow('"🙂" has no letters or digits to search for');
    }
  });

  it('finds a MAC by its bytes, never by bytes of two MACs in a row', () => {
    const index = SearchIndex.build(db);
    const ids = (query: string): { sql: number[]; index: number[] | undefined } => {
      const clauses = parseQuery(query);
      const request = { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 500 } as const;
      const c = { query, clauses, offline: [], configured: allSystems, request };
      return {
        sql: sqlPage(c).ids.sort((a, b) => a - b),
        index: index.page(clauses, [], request, allSystems)?.ids.sort((a, b) => a - b),
      };
    };
    const rows = db.prepare('SELECT id, macs FROM assets').all() as { id: number; macs: string }[];
    const assets = rows.map((r) => ({ id: r.id, macs: JSON.parse(r.macs) as string[] }));
    const two = assets.find((a) => a.macs.length >= 2);
    if (two === undefined) throw new Error('no asset with two MACs');
    const [one = '', next = ''] = two.macs;
    // The last byte of the first MAC and the first three of the next: in no single MAC.
    const across = [one.split(':').at(-1), ...next.split(':').slice(0, 3)].join(':');
    const holding = (needle: string) =>
      assets
        .filter((a) => a.macs.some((m) => `:${m}:`.includes(needle)))
        .map((a) => a.id)
        .sort((a, b) => a - b);
    const neither = holding(`:${across}:`);
    expect(neither).not.toContain(two.id);
    expect(ids(`mac:${across}`)).toEqual({ sql: neither, index: neither });
    // Not excluded by a MAC it does not have.
    expect(ids(`-mac:${across}`).sql).toContain(two.id);
    expect(ids(`-mac:${across}`).index).toContain(two.id);
    // Its own MAC, in another spelling, and a prefix of it.
    const own = ids(`mac:${next.toUpperCase().replaceAll(':', '-')}`);
    expect(own.sql).toContain(two.id);
    expect(own.index).toEqual(own.sql);
    const start = next.split(':').slice(0, 3).join(':');
    const prefixed = holding(`:${start.slice(0, -1)}`);
    expect(ids(`mac:${start.slice(0, -1)}*`)).toEqual({ sql: prefixed, index: prefixed });
  });

  it('finds the words of a tag, group, address or other name within one of them, never across two', () => {
    const index = SearchIndex.build(db);
    const ids = (query: string): { sql: number[]; index: number[] | undefined } => {
      const clauses = parseQuery(query);
      const request = { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 500 } as const;
      const c = { query, clauses, offline: [], configured: allSystems, request };
      return {
        sql: sqlPage(c).ids.sort((a, b) => a - b),
        index: index.page(clauses, [], request, allSystems)?.ids.sort((a, b) => a - b),
      };
    };
    type Lists = Record<'ips' | 'groups' | 'tags' | 'aka', string[]>;
    const assets = (
      db.prepare('SELECT id, name, ips, groups, tags, aka FROM assets').all() as Record<
        string,
        string
      >[]
    ).map((row) => ({
      id: Number(row.id),
      name: row.name ?? '',
      ...(Object.fromEntries(
        ['ips', 'groups', 'tags', 'aka'].map((c) => [c, JSON.parse(row[c] ?? '[]') as string[]]),
      ) as Lists),
    }));
    const words = (text: string): string[] =>
      text
        .toLowerCase()
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .split(/[^\p{L}\p{N}]+/u)
        .filter((word) => word !== '');
    /** The assets with `phrase` in one item of a list. */
    const holding = (list: keyof Lists, phrase: string): number[] =>
      assets
        .filter((a) => a[list].some((item) => ` ${words(item).join(' ')} `.includes(` ${phrase} `)))
        .map((a) => a.id)
        .sort((a, b) => a - b);
    const idOf = (name: string): number => assets.find((a) => a.name === name)?.id ?? -1;
    const withTwo = (list: keyof Lists) => {
      const two = assets.find((a) => a[list].length >= 2);
      if (two === undefined) throw new Error(`no asset with two ${list}`);
      const [one = '', next = ''] = two[list];
      // The last word of one item and the first of the next: in no single item.
      return { id: two.id, across: `${words(one).at(-1) ?? ''} ${words(next)[0] ?? ''}` };
    };
    for (const [field, list] of [
      ['tag', 'tags'],
      ['group', 'groups'],
    ] as const) {
      const { id, across } = withTwo(list);
      const within = holding(list, across);
      expect(within).not.toContain(id);
      expect(ids(`${field}:"${across}"`), `${field}:"${across}"`).toEqual({
        sql: within,
        index: within,
      });
      // Not excluded by words it has in two items only.
      expect(ids(`-${field}:"${across}"`).sql).toContain(id);
      expect(ids(`-${field}:"${across}"`).index).toContain(id);
    }
    // Two tags (prod, db) and two groups (Linux | Servers, Ärzte) of the odd assets.
    expect(ids('tag:"prod db"')).toEqual({ sql: [], index: [] });
    expect(ids('group:"servers ärzte"')).toEqual({ sql: [], index: [] });
    expect(ids('group:"linux servers"').sql).toContain(idOf('web 01 café'));
    expect(ids('group:"linux servers"').index).toContain(idOf('web 01 café'));
    // Free text phrases keep to one item as well: two addresses, two other names, two groups.
    for (const list of ['ips', 'aka', 'groups'] as const) {
      const { id, across } = withTwo(list);
      expect(ids(`"${across}"`).sql, `"${across}"`).not.toContain(id);
      expect(ids(`"${across}"`).index, `"${across}"`).not.toContain(id);
    }
    expect(ids('"servers ärzte"')).toEqual({ sql: [], index: [] });
  });

  it('finds an asset by a name only one of its records uses, as the SQL does', () => {
    const row = db
      .prepare("SELECT id, name, aka FROM assets WHERE aka <> '[]' ORDER BY id LIMIT 1")
      .get() as { id: number; name: string; aka: string } | undefined;
    if (row === undefined) throw new Error('the fleet merges no records under two names');
    const [other] = JSON.parse(row.aka) as string[];
    if (other === undefined) throw new Error('an empty list of other names was stored');
    expect(other.toLowerCase()).not.toBe(row.name.toLowerCase());
    const c: Case = {
      query: `"${other}"`,
      clauses: parseQuery(`"${other}"`),
      offline: [],
      configured: allSystems,
      request: { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 100 },
    };
    const fromIndex = SearchIndex.build(db).page(c.clauses, c.offline, c.request, c.configured);
    expect(fromIndex?.ids).toContain(row.id);
    expect(sqlPage(c).ids).toEqual(fromIndex?.ids);
  });

  it('folds letters beyond ASCII like the search index: café finds Café, and cafe finds it too', () => {
    const index = SearchIndex.build(db);
    const request = { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 10 } as const;
    const namesOf = (query: string): string[] => {
      const page = index.page(parseQuery(query), [], request);
      return (page?.ids ?? []).map(
        (id) =>
          (db.prepare('SELECT name FROM assets WHERE id = ?').get(id) as { name: string }).name,
      );
    };
    expect(namesOf('café')).toEqual(['Café-Zürich-01', 'web 01 café']);
    expect(namesOf('cafe')).toEqual(namesOf('café'));
    // Exact fields fold case in every script.
    expect(namesOf('cluster:zürich')).toEqual(['Café-Zürich-01', 'ÜBER-gateway']);
    expect(namesOf('cluster:ZÜRICH')).toEqual(['Café-Zürich-01', 'ÜBER-gateway']);
    expect(namesOf('cluster:pve-a -os:debian')).toEqual(['naïve_host']);
    expect(namesOf('-cluster:zürich tag:prod name:naive')).toEqual(['naïve_host']);
  });
});
