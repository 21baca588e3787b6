import { afterAll, beforeAll } from 'vitest';
import { generateFleet } from '../../../lab/fleet';
import { mulberry32 } from '../../../lab/fleet/prng';
import { sortFields, type InventoryQuery, type SourceSystem } from '../../shared/inventory';
import { silentLogger } from '../core/logger';
import { type Sqlite } from '../db/sqlite';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { SyncEngine } from '../sync/sync-engine';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import { parseQuery, type Clause } from './query-parser';
import { compileQuery } from './query-sql';
import type { SearchIndex } from './search-index';
import { readPage } from './search-page';
import { listText, valueText } from './search-text';

const fleet = generateFleet({ size: 500, seed: 11 });
let store: Store;
export let db: Sqlite;
let profileIds: string[];
export const allSystems: SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];

/** Text the fleet lacks: letters beyond ASCII, odd case, escapes in lists, unknown values. */
export const oddAssets = [
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

/**
 * The fleet's inventory, synced, and the odd assets beside it: set up before the file's tests,
 * closed after them.
 */
export function useSearchFleet(): void {
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
}

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

export interface Case {
  query: string;
  clauses: Clause[];
  offline: string[];
  /** The systems with data, which `drift:` expects to know assets. */
  configured: SourceSystem[];
  request: Pick<InventoryQuery, 'sort' | 'offset' | 'limit' | 'countLimit'>;
}

export function cases(count: number, seed: number): Case[] {
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

export function sqlPage(
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
export function namesFinder(
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
