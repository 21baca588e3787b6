import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import { mulberry32 } from '../../../lab/fleet/prng';
import { sortFields, type InventoryQuery, type SourceSystem } from '../../shared/inventory';
import { silentLogger } from '../core/logger';
import { openSqlite, type Sqlite } from '../db/sqlite';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { SyncEngine } from '../sync/sync-engine';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import { assetView, type AssetDbRow } from './asset-rows';
import { inventoryGeneration } from './asset-store';
import { InventoryService } from './inventory-service';
import { parseQuery, type Clause } from './query-parser';
import { compileQuery } from './query-sql';
import { LiveSearchIndex } from './live-search-index';
import { SearchIndex, searchTokenizer } from './search-index';
import { readPage } from './search-page';
import { listText, valueText } from './search-text';

const fleet = generateFleet({ size: 500, seed: 11 });
let store: Store;
let db: Sqlite;
let profileIds: string[];
const allSystems: SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];

/** Text the fleet lacks: letters beyond ASCII, odd case, escapes in lists, unknown values. */
const oddAssets = [
  { name: 'Café-Zürich-01', cluster: 'Zürich', site: 'STRASSE', os: 'Débian 12', tags: ['prod'] },
  { name: 'ÜBER-gateway', cluster: 'zürich', site: 'Straße', os: null, tags: ['Ünïcode', 'edge'] },
  { name: 'straße-db', cluster: null, site: null, os: 'Ubuntu 24.04', tags: [] },
  { name: 'web 01 café', cluster: 'PVE-a', site: 'Lab', os: 'debian', tags: ['a\\b', 'q"d'] },
  { name: 'naïve_host', cluster: 'pve-A', site: null, os: 'Alpine Linux', tags: ['prod', 'db'] },
  { name: 'Quokka-10', cluster: 'pve-a', site: null, os: 'Debian 12', tags: [] },
  { name: 'quokka-9', cluster: null, site: 'Lab', os: 'Debian 9', tags: ['prod'] },
  // OS texts PatchMon never patches (drift:patchmon), and one that only looks like them.
  { name: 'w2k-legacy', cluster: null, site: null, os: 'W2K3 Server', tags: [] },
  { name: 'ad-01', cluster: null, site: null, os: 'Microsoft WINDOWS Server 2022', tags: [] },
  { name: 'kiosk-7', cluster: null, site: null, os: 'Win10 IoT', tags: [] },
  { name: 'dotted-i', cluster: null, site: null, os: 'WİNDOWS 11', tags: [] },
  { name: 'nested-pve', cluster: null, site: null, os: 'Proxmox VE 8.2', tags: [] },
  // The Turkish dotless ı, and the dotted İ.
  { name: 'kırmızı-01', cluster: 'Kırmızı', site: 'İzmir', os: null, tags: ['ışık'] },
];

function addOddAssets(): void {
  const next = (db.prepare('SELECT max(id) AS id FROM assets').get() as { id: number }).id + 1;
  const insert = db.prepare(`INSERT INTO assets (id, kind, name, fqdn, status, os, ips, macs,
      cluster, site, groups, tags, updates, security, reboot_needed, in_proxmox, hash)
    VALUES (?, 'vm', ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'odd')`);
  const text = db.prepare(
    'INSERT INTO asset_fts (rowid, name, fqdn, ips, macs, os, groups, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    oddAssets.forEach((a, i) => {
      const id = next + i;
      const fqdn = i % 2 === 0 ? `${a.name.toLowerCase()}.exämple.org` : null;
      const ips = [`10.99.${i}.1`];
      const macs = [`BC:24:11:0${i}:AA:FF`];
      const groups = i === 3 ? ['Linux | Servers', 'Ärzte'] : ['Linux Servers'];
      insert.run(
        id,
        a.name,
        fqdn,
        a.os,
        JSON.stringify(ips),
        JSON.stringify(macs),
        a.cluster,
        a.site,
        JSON.stringify(groups),
        JSON.stringify(a.tags),
        i === 2 ? null : i * 3,
        i === 1 ? null : i,
        i === 4 ? null : i % 2,
      );
      text.run(
        id,
        valueText(a.name),
        valueText(fqdn ?? ''),
        listText(ips),
        listText(macs),
        valueText(a.os ?? ''),
        listText(groups),
        listText(a.tags),
      );
    });
    // Their sort keys, as the asset store writes them.
    db.prepare(
      `UPDATE assets SET name_sort = rackside_name_sort(name), os_sort = rackside_name_sort(os),
         fqdn_sort = rackside_name_sort(fqdn), cluster_sort = rackside_name_sort(cluster),
         group_sort = rackside_name_sort(json_extract(groups, '$[0]'))
       WHERE hash = 'odd'`,
    ).run();
    db.prepare('UPDATE inventory_state SET generation = generation + 1').run();
  })();
}

beforeAll(async () => {
  store = await unlockedTestStore();
  db = store.db;
  profileIds = [...addFleetProfiles(store.profiles, fleet).values()];
  const engine = new SyncEngine({
    db,
    profiles: store.profiles,
    connectors: fleetConnectors(() => fleet),
    logger: silentLogger,
  });
  await engine.sync('all');
  addOddAssets();
}, 120_000);

afterAll(() => {
  store.close();
});

function quote(value: string): string {
  return /[\s"]/u.test(value) ? `"${value.replace(/["\\]/gu, (c) => `\\${c}`)}"` : value;
}

/** Query terms drawn from the assets themselves and from every kind of filter. */
function termsOf(next: () => number): () => string {
  const rows = db
    .prepare('SELECT name, fqdn, ips, macs, os, groups, tags, cluster, site FROM assets')
    .all() as Record<string, string | null>[];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const caseOf = (s: string): string =>
    pick([s, s.toUpperCase(), s.toLowerCase(), s.slice(0, 1).toUpperCase() + s.slice(1)]);
  const listOf = (json: string | null | undefined): string[] =>
    (JSON.parse(json ?? '[]') as unknown[]).map(String);
  const fixed = [
    ...['running', 'stopped', 'unknown', 'paused'].map((s) => `status:${s}`),
    ...['vm', 'container', 'node', 'bare-metal', 'router', 'host'].map((k) => `kind:${k}`),
    ...['foreman', 'proxmox', 'patchmon', 'routeros'].flatMap((s) => [
      `source:${s}`,
      `missing:${s}`,
    ]),
    ...['foreman', 'proxmox', 'patchmon'].flatMap((s) => [`drift:${s}`, `drift:${s}`]),
    'updates>0',
    'updates:0',
    'updates<3',
    'security>=2',
    'security<=0',
    'updates>=5',
    'id<40',
    'id>=300',
    'id:12',
    'reboot:yes',
    'reboot:no',
    'offline:yes',
    'offline:no',
    'café',
    'cafe',
    'zürich*',
    'ÜBER',
    'straße',
    'strasse',
    'naive',
    'exämple',
    'cluster:Zürich',
    'cluster:ZÜRICH',
    'cluster:pve-a',
    'cluster:pve*',
    // Any of several values; negated, none of them.
    'cluster:pve-a,Zürich',
    '-cluster:pve-a,Zürich',
    'status:running,stopped',
    '-kind:vm,node',
    'source:patchmon,routeros',
    'drift:foreman,proxmox',
    'tag:a,ünïcode',
    '-tag:a,ünïcode',
    'name:web*,db*',
    'os=debian*,ubuntu',
    'site:strasse',
    'site:Straße',
    'tag:ünïcode',
    'tag:a',
    'group:"linux servers"',
    'group:ärzte',
    '"servers ärzte"',
    'web',
    'd',
    'de',
    'we',
    '10',
    'bc:24:11',
    'mac:BC-24-11',
    'nosuchword',
    'org:none',
    'location:x*',
  ];
  return () => {
    if (next() < 0.35) return pick(fixed);
    const row = pick(rows);
    const name = row.name ?? 'x';
    const words = name.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
    const ip = pick(listOf(row.ips).concat(['10.16']));
    const mac = pick(listOf(row.macs).concat(['bc:24:11']));
    const choices = [
      () => caseOf(name),
      () => name.slice(0, 1 + Math.floor(next() * 4)),
      () => `name:${quote(caseOf(pick(words.concat(name))))}`,
      () => `name:${name.slice(0, 2)}*`,
      () => quote(words.slice(0, 2).join(' ')),
      () => `fqdn:${quote(row.fqdn ?? name)}`,
      () => `ip:${ip}`,
      () => ip.split('.').slice(0, 3).join('.'),
      () => `mac:${caseOf(mac).replaceAll(':', pick([':', '-']))}`,
      () => mac.split(':').slice(0, 3).join(':'),
      () => `os:${quote(caseOf((row.os ?? 'debian').split(' ')[0] ?? 'debian'))}`,
      () => caseOf((row.os ?? 'ubuntu').split(' ')[0] ?? 'ubuntu'),
      () => `group:${quote(pick(listOf(row.groups).concat(['linux'])))}`,
      () => `tag:${quote(pick(listOf(row.tags).concat(['prod'])))}`,
      () => `cluster:${quote(caseOf(row.cluster ?? 'pve'))}`,
      () => `cluster:${(row.cluster ?? 'p').slice(0, 2)}*`,
      () => `site:${quote(caseOf(row.site ?? 'lab'))}`,
      // The whole value: exact, or a prefix of it, case aside.
      () => `os=${quote(caseOf(row.os ?? 'Linux'))}`,
      () => `os=${quote(`${caseOf((row.os ?? 'Ubuntu').slice(0, 1 + Math.floor(next() * 8)))}*`)}`,
      () => `name=${quote(caseOf(name))}`,
      () => `name=${quote(`${name.slice(0, 3)}*`)}`,
      () => `fqdn=${quote(row.fqdn ?? name)}`,
    ];
    return pick(choices)();
  };
}

interface Case {
  query: string;
  clauses: Clause[];
  offline: string[];
  /** The systems with data, which `drift:` expects to know assets. */
  configured: SourceSystem[];
  request: Pick<InventoryQuery, 'sort' | 'offset' | 'limit' | 'countLimit'>;
}

function cases(count: number, seed: number): Case[] {
  const next = mulberry32(seed);
  const term = termsOf(next);
  const out: Case[] = [];
  while (out.length < count) {
    const terms = Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
      next() < 0.2 ? `-${term()}` : term(),
    );
    const query = terms.join(' ');
    let clauses: Clause[];
    try {
      clauses = parseQuery(query);
      compileQuery(clauses, []);
    } catch {
      continue;
    }
    const countLimit = [undefined, 1, 25, 1000][Math.floor(next() * 4)];
    out.push({
      query,
      clauses,
      offline: profileIds.filter(() => next() < 0.3),
      configured: allSystems.filter(() => next() < 0.8),
      request: {
        sort: {
          field: sortFields[Math.floor(next() * sortFields.length)] ?? 'name',
          direction: next() < 0.5 ? 'asc' : 'desc',
        },
        offset: [0, 0, 3, 40][Math.floor(next() * 4)] ?? 0,
        limit: [1, 10, 100][Math.floor(next() * 3)] ?? 10,
        ...(countLimit === undefined ? {} : { countLimit }),
      },
    });
  }
  return out;
}

function sqlPage(
  c: Case,
  from: Sqlite = db,
): { ids: number[]; total: number; totalExact: boolean } {
  const page = readPage(
    (sql) => from.prepare(sql),
    compileQuery(c.clauses, c.offline, c.configured),
    c.request,
  );
  return {
    ids: page.rows.map((row) => (row as { id: number }).id),
    total: page.total,
    totalExact: page.totalExact,
  };
}

/** The names (50 at most, sorted) a query finds by SQL and by `index`. */
function namesFinder(
  index: SearchIndex,
): (query: string) => { sql: string[]; index: string[] | undefined } {
  const request = { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 50 } as const;
  const nameOf = (id: number): string =>
    (db.prepare('SELECT name FROM assets WHERE id = ?').get(id) as { name: string }).name;
  return (query) => {
    const clauses = parseQuery(query);
    const page = index.page(clauses, [], request, allSystems);
    return {
      sql: sqlPage({ query, clauses, offline: [], configured: allSystems, request })
        .ids.map(nameOf)
        .sort(),
      index: page?.ids.map(nameOf).sort(),
    };
  };
}

describe('search index', () => {
  it('uses the search index’s own tokenizer', () => {
    const { sql } = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'asset_fts'").get() as {
      sql: string;
    };
    expect(sql).toContain(`tokenize = '${searchTokenizer}'`);
  });

  it('answers random queries with the same page, order and count as the SQL', () => {
    const index = SearchIndex.build(db);
    expect(index.size).toBe(
      (db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n,
    );
    let nonEmpty = 0;
    let odd = 0;
    const oddNames = new Set(oddAssets.map((a) => a.name));
    const names = new Map(
      (db.prepare('SELECT id, name FROM assets').all() as { id: number; name: string }[]).map(
        (r) => [r.id, r.name],
      ),
    );
    for (const c of cases(1500, 7)) {
      const expected = sqlPage(c);
      const page = index.page(c.clauses, c.offline, c.request, c.configured);
      expect(
        page === null ? null : { ...page, rows: undefined },
        `${c.query} ${JSON.stringify(c.request)}`,
      ).toEqual(expected);
      // The page's places hold its assets.
      expect(index.assetsAt(page?.rows ?? []).map((a) => a.id)).toEqual(expected.ids);
      if (expected.ids.length > 0) nonEmpty++;
      if (expected.ids.some((id) => oddNames.has(names.get(id) ?? ''))) odd++;
    }
    // The comparison means something: most queries find assets, some find the odd ones.
    expect(nonEmpty).toBeGreaterThan(600);
    expect(odd).toBeGreaterThan(20);
  });

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

  it('answers as the SQL does for inventories smaller than a block of its walk', () => {
    // Walks test the sort order a block at a time; a small inventory ends inside the first
    // block, and its walk must still count every asset (40 and 200 assets, in copies).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rackside-small-'));
    for (const size of [40, 200]) {
      const file = path.join(dir, `${String(size)}.db`);
      db.prepare('VACUUM INTO ?').run(file);
      const small = openSqlite(file);
      try {
        const cut = (
          small.prepare('SELECT id FROM assets ORDER BY id LIMIT 1 OFFSET ?').get(size) as {
            id: number;
          }
        ).id;
        small.prepare('DELETE FROM asset_links WHERE asset_id >= ?').run(cut);
        small.prepare('DELETE FROM asset_fts WHERE rowid >= ?').run(cut);
        small.prepare('DELETE FROM assets WHERE id >= ?').run(cut);
        const index = SearchIndex.build(small);
        expect(index.size).toBe(size);
        let nonEmpty = 0;
        for (const c of cases(300, size)) {
          const expected = sqlPage(c, small);
          const page = index.page(c.clauses, c.offline, c.request, c.configured);
          expect(
            page === null ? null : { ...page, rows: undefined },
            `${String(size)} assets: ${c.query} ${JSON.stringify(c.request)}`,
          ).toEqual(expected);
          if (expected.ids.length > 0) nonEmpty++;
        }
        expect(nonEmpty).toBeGreaterThan(50);
        // Every asset, counted to the quick limit: the case that ended a walk early.
        const everything: Case = {
          query: '',
          clauses: [],
          offline: [],
          configured: allSystems,
          request: {
            sort: { field: 'name', direction: 'asc' },
            offset: 0,
            limit: 10,
            countLimit: 1000,
          },
        };
        expect(index.page([], [], everything.request)?.total).toBe(size);
        expect(sqlPage(everything, small).total).toBe(size);
      } finally {
        small.close();
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds every asset as a page shows it, read from what SQLite stores', () => {
    const index = SearchIndex.build(db);
    const stored = db.prepare('SELECT * FROM assets ORDER BY id DESC').all() as AssetDbRow[];
    expect(stored.some((row) => row.updates === null)).toBe(true);
    expect(stored.some((row) => row.os === null)).toBe(true);
    expect(stored.some((row) => row.cluster === null)).toBe(true);
    expect(stored.some((row) => row.tags.includes('\\\\'))).toBe(true);
    const held = index.assets(stored.map((row) => row.id));
    expect(held).toEqual(stored.map(assetView));
    expect(index.assets([-5])).toEqual([]);
    // Lists shared between assets cannot be changed through one of them.
    const tagged = held.find((a) => a.tags.includes('prod'));
    expect(() => tagged?.tags.push('changed')).toThrow(TypeError);
    expect(held.filter((a) => a.tags.includes('changed'))).toEqual([]);
  });

  it('compares counts too large for its compact columns as the SQL does', () => {
    const request = { sort: { field: 'updates', direction: 'desc' }, offset: 0, limit: 5 } as const;
    const ask = (query: string): Case => ({
      query,
      clauses: parseQuery(query),
      offline: [],
      configured: allSystems,
      request,
    });
    const queries = ['updates>40000', 'updates<1', 'updates<3', 'security>40000', '-updates>0'];
    const [first, second] = db
      .prepare('SELECT id, updates FROM assets ORDER BY id LIMIT 2')
      .all() as {
      id: number;
      updates: number | null;
    }[];
    const set = db.prepare('UPDATE assets SET updates = ? WHERE id = ?');
    try {
      // Whole counts that fit in 16 bits are kept compact; these do not.
      set.run(70_000, first?.id);
      set.run(-40_000, second?.id);
      const index = SearchIndex.build(db);
      for (const query of queries) {
        const c = ask(query);
        const page = index.page(c.clauses, [], request);
        expect(page === null ? null : { ...page, rows: undefined }, query).toEqual(sqlPage(c));
      }
      expect(index.page(parseQuery('updates>40000'), [], request)?.ids).toEqual([first?.id]);
      const ascending = { ...request, sort: { field: 'updates', direction: 'asc' } } as const;
      expect(index.page(parseQuery('updates<1'), [], ascending)?.ids[0]).toBe(second?.id);
    } finally {
      set.run(first?.updates ?? null, first?.id);
      set.run(second?.updates ?? null, second?.id);
    }
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

  it('is rebuilt after the inventory changes and never answers from an old one', async () => {
    const live = new LiveSearchIndex(db, 'on-demand');
    const first = live.current();
    expect(first).not.toBeNull();
    expect(live.current()).toBe(first);
    const request = { sort: { field: 'name', direction: 'asc' }, offset: 0, limit: 5 } as const;
    const renamed = (index: SearchIndex | null): number | undefined =>
      index?.page(parseQuery('name:renamedhost'), [], request)?.total;
    expect(renamed(first)).toBe(0);

    const rename = (): void => {
      db.transaction(() => {
        const id = (db.prepare('SELECT min(id) AS id FROM assets').get() as { id: number }).id;
        db.prepare("UPDATE assets SET name = 'renamedhost' WHERE id = ?").run(id);
        db.prepare("UPDATE asset_fts SET name = 'renamedhost' WHERE rowid = ?").run(id);
        db.prepare('UPDATE inventory_state SET generation = generation + 1').run();
      })();
    };
    rename();
    const second = live.current();
    expect(second).not.toBe(first);
    expect(renamed(second)).toBe(1);

    // In the background the first query after a change is left to the SQL; the index follows.
    const background = new LiveSearchIndex(db, 'background');
    expect(background.current()).toBeNull();
    expect(background.building).toBe(true);
    while (background.building) await new Promise((resolve) => setImmediate(resolve));
    const built = background.current();
    expect(built?.generation).toBe(inventoryGeneration(db));
    db.prepare('UPDATE inventory_state SET generation = generation + 1').run();
    expect(background.current()).toBeNull();
  });

  it('builds in the background only once searches pause, and says when it is ready', async () => {
    const ready: number[] = [];
    const live = new LiveSearchIndex(db, 'background', {
      onReady: (index) => ready.push(index.size),
    });
    const started = Date.now();
    // Someone typing: a search every 50 ms for 600 ms, each answered without the index.
    while (Date.now() - started < 600) {
      expect(live.current()).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(live.building).toBe(true);
    expect(ready).toEqual([]);
    while (live.building) await new Promise((resolve) => setTimeout(resolve, 20));
    const assets = (db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n;
    expect(ready).toEqual([assets]);
    expect(live.current()?.size).toBe(assets);
  });

  it('finishes a background build in a process with nothing else to do', () => {
    // The app's core is often idle between searches: its build must go on by itself, not only
    // when some other event happens to wake the process.
    const child = path.join(import.meta.dirname, 'idle-build-child.ts');
    const result = spawnSync(process.execPath, ['--import', 'tsx', child, db.name], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const assets = (db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n;
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(`ready ${assets}`);
  }, 70_000);

  it('reports a build that fails, leaves searching to SQL, and tries again after a change', () => {
    const errors: string[] = [];
    const live = new LiveSearchIndex(db, 'on-demand', {
      onError: (error) => errors.push(String(error)),
    });
    db.exec('ALTER TABLE asset_links RENAME TO asset_links_away');
    try {
      expect(live.current()).toBeNull();
      expect(live.current()).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('asset_links');
    } finally {
      db.exec('ALTER TABLE asset_links_away RENAME TO asset_links');
    }
    expect(live.current()).toBeNull();
    db.prepare('UPDATE inventory_state SET generation = generation + 1').run();
    expect(live.current()?.generation).toBe(inventoryGeneration(db));
    expect(errors).toHaveLength(1);
  });

  it('lists names as people read them, numbers by value and case aside, with and without it', () => {
    const freshness = (): [] => [];
    const plain = new InventoryService(db, freshness);
    const indexed = new InventoryService(db, freshness, () => '', { searchIndex: 'on-demand' });
    for (const inventory of [plain, indexed]) {
      for (const [direction, expected] of [
        ['asc', ['quokka-9', 'Quokka-10']],
        ['desc', ['Quokka-10', 'quokka-9']],
      ] as const) {
        const page = inventory.query({
          query: 'quokka',
          limit: 10,
          sort: { field: 'name', direction },
        });
        expect(page.rows.map((row) => row.name)).toEqual(expected);
      }
      // Versions by value too: Debian 9 before Debian 12.
      const byOs = inventory.query({
        query: 'quokka',
        limit: 10,
        sort: { field: 'os', direction: 'asc' },
      });
      expect(byOs.rows.map((row) => row.os)).toEqual(['Debian 9', 'Debian 12']);
    }
  });

  it('lists rows of equal value by name, whichever way the column sorts, with and without it', () => {
    const freshness = (): [] => [];
    const plain = new InventoryService(db, freshness);
    const indexed = new InventoryService(db, freshness, () => '', { searchIndex: 'on-demand' });
    const nameKey = db.prepare('SELECT name_sort AS key FROM assets WHERE id = ?').pluck();
    for (const inventory of [plain, indexed]) {
      for (const direction of ['asc', 'desc'] as const) {
        // Both running: by name, not in the order they were stored (Quokka-10 first).
        const quokkas = inventory.query({
          query: 'quokka',
          limit: 10,
          sort: { field: 'status', direction },
        });
        expect(quokkas.rows.map((row) => row.name)).toEqual(['quokka-9', 'Quokka-10']);
        for (const field of ['status', 'updates', 'cluster'] as const) {
          const page = inventory.query({
            query: 'kind:vm',
            limit: 300,
            sort: { field, direction },
          });
          const value = (row: (typeof page.rows)[number]) =>
            field === 'updates' ? row.patch.updates : row[field];
          let ties = 0;
          page.rows.forEach((row, i) => {
            const before = page.rows[i - 1];
            if (before === undefined || value(before) !== value(row)) return;
            ties++;
            expect(
              String(nameKey.get(before.id)) <= String(nameKey.get(row.id)),
              `${field} ${direction}: ${before.name} before ${row.name}`,
            ).toBe(true);
          });
          expect(ties, `${field} ${direction}`).toBeGreaterThan(10);
        }
      }
    }
  });

  it('gives the inventory the same pages with and without it', () => {
    const freshness = (): [] => [];
    const plain = new InventoryService(db, freshness);
    const indexed = new InventoryService(db, freshness, () => '', { searchIndex: 'on-demand' });
    for (const query of ['', 'web', 'kind:vm updates>0', 'café', '-tag:prod cluster:pve*']) {
      for (const countLimit of [undefined, 20]) {
        const request = {
          query,
          limit: 30,
          sort: { field: 'updates', direction: 'desc' },
          ...(countLimit === undefined ? {} : { countLimit }),
        } as const;
        const a = plain.query(request);
        const b = indexed.query(request);
        expect(b.rows).toEqual(a.rows);
        expect([b.total, b.totalExact]).toEqual([a.total, a.totalExact]);
      }
    }
  });
});
