import { isIPv6 } from 'node:net';
import type { AssetRow } from '../../shared/inventory';
import { compareNames } from '../../shared/name-sort';
import type { Sqlite } from '../db/sqlite';
import { escapeRawControls } from './cli-io';

/**
 * An Ansible YAML inventory. Every scalar is written as a JSON string, which YAML reads as a
 * double-quoted scalar: no escaping rules of our own, no dependency for a fixed, tiny shape.
 * JSON leaves U+2028 / U+2029 and U+FFFE / U+FFFF raw, but Ansible's YAML 1.1 reader takes the
 * first two for line breaks (ending a comment or a key mid-name) and refuses the others, so they
 * are escaped too; YAML reads `\u2028` back as the same character.
 */
const q = (value: string): string =>
  escapeRawControls(JSON.stringify(value)).replace(
    /[\u2028\u2029\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );

function groupName(prefix: string, value: string): string {
  const cleaned = value
    // Accents come off rather than the whole letter: `Ünïcode` is `unicode`, not `n_code`.
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${prefix}_${cleaned === '' ? 'unnamed' : cleaned}`;
}

interface GroupSource {
  asset_id: number;
  system: string;
  grp: string | null;
  tags: string;
}

const prefixes: Record<string, string> = {
  patchmon: 'patchmon',
  foreman: 'hostgroup',
  proxmox: 'pool',
  routeros: 'routeros',
};

function ansibleHost(asset: AssetRow): string | null {
  return asset.ips.find((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip)) ?? asset.ips[0] ?? null;
}

/**
 * A name as an Ansible host: Ansible reads `[a:b]` in a host as a range of hosts (and refuses the
 * whole inventory when it is not one: `core-sw [rack 3]`) and a last `:n` as the port, so those
 * characters become `_`. An IPv6 address keeps its colons, which Ansible reads as an address.
 */
function hostName(name: string): string {
  return isIPv6(name) ? name : name.replace(/[[\]:]/g, '_');
}

/**
 * Each asset's host name in the inventory: its FQDN, else its name. Assets sharing one (the same
 * short name in two clusters, a host split from its namesake) each get their asset id added, so
 * no host silently replaces another under one YAML key — nor one already named that way.
 */
function hostKeys(assets: readonly AssetRow[]): {
  hostKey: Map<number, string>;
  renamed: [string, string[]][];
  rewritten: Map<string, string>;
} {
  const byKey = new Map<string, AssetRow[]>();
  const rewritten = new Map<string, string>();
  for (const asset of assets) {
    const name = asset.fqdn ?? asset.name;
    const key = hostName(name);
    if (key !== name) rewritten.set(name, key);
    byKey.set(key, [...(byKey.get(key) ?? []), asset]);
  }
  const hostKey = new Map<number, string>();
  const taken = new Set(byKey.keys());
  const renamed: [string, string[]][] = [];
  for (const [key, sharing] of byKey) {
    if (sharing.length === 1) {
      for (const asset of sharing) hostKey.set(asset.id, key);
      continue;
    }
    const keys = sharing.map((asset) => {
      let unique = `${key}_asset${String(asset.id)}`;
      while (taken.has(unique)) unique = `${unique}_`;
      taken.add(unique);
      hostKey.set(asset.id, unique);
      return unique;
    });
    renamed.push([key, keys]);
  }
  return { hostKey, renamed, rewritten };
}

/**
 * Each group's name in the inventory. Ansible takes letters, digits and `_` only, so distinct
 * values can come out the same (`Base App` and `base-app`, or two tags in another script, both
 * `tag_unnamed`): the first in name order keeps the name, the others get `_2`, `_3`…, and a
 * comment says which is which — no group silently takes another's hosts.
 */
function groupKeys(wanted: Iterable<readonly [string, string]>): {
  groupKey: (prefix: string, value: string) => string;
  merged: [string, [string, string][]][];
} {
  const byBase = new Map<string, Map<string, string>>();
  for (const [prefix, value] of wanted) {
    const base = groupName(prefix, value);
    const values = byBase.get(base) ?? new Map<string, string>();
    values.set(`${prefix}\u0000${value}`, value);
    byBase.set(base, values);
  }
  const taken = new Set(byBase.keys());
  const keys = new Map<string, string>();
  const merged: [string, [string, string][]][] = [];
  for (const [base, values] of byBase) {
    const sorted = [...values].sort(([, a], [, b]) => compareNames(a, b));
    if (sorted.length === 1) {
      for (const [id] of sorted) keys.set(id, base);
      continue;
    }
    const named: [string, string][] = sorted.map(([id, value], i) => {
      let key = base;
      if (i > 0) {
        let n = i + 1;
        while (taken.has(`${base}_${String(n)}`)) n += 1;
        key = `${base}_${String(n)}`;
        taken.add(key);
      }
      keys.set(id, key);
      return [value, key];
    });
    merged.push([base, named]);
  }
  return {
    groupKey: (prefix, value) => keys.get(`${prefix}\u0000${value}`) ?? groupName(prefix, value),
    merged,
  };
}

/** Groups by PatchMon host groups, Foreman hostgroups, Proxmox pools and tags. */
export function ansibleInventory(db: Sqlite, assets: readonly AssetRow[]): string {
  const wanted = new Map(assets.map((a) => [a.id, a]));
  const { hostKey, renamed, rewritten } = hostKeys(assets);
  const memberships: [prefix: string, value: string, host: string][] = [];
  const rows = db
    .prepare(
      `SELECT l.asset_id, r.system, r.grp, r.tags FROM asset_links l
       JOIN source_records r USING (profile_id, external_id)`,
    )
    .iterate() as IterableIterator<GroupSource>;
  for (const row of rows) {
    const host = hostKey.get(row.asset_id);
    if (host === undefined) continue;
    const tags = JSON.parse(row.tags) as string[];
    if (row.system === 'patchmon') {
      // PatchMon hosts may sit in several groups; the connector lists them as tags.
      for (const g of tags) memberships.push(['patchmon', g, host]);
      if (tags.length === 0 && row.grp !== null) memberships.push(['patchmon', row.grp, host]);
      continue;
    }
    if (row.grp !== null) memberships.push([prefixes[row.system] ?? row.system, row.grp, host]);
    for (const tag of tags) memberships.push(['tag', tag, host]);
  }
  const { groupKey, merged } = groupKeys(memberships.map(([prefix, value]) => [prefix, value]));
  const groups = new Map<string, Set<string>>();
  for (const [prefix, value, host] of memberships) {
    const group = groupKey(prefix, value);
    const set = groups.get(group) ?? new Set<string>();
    set.add(host);
    groups.set(group, set);
  }
  const lines = [
    ...[...rewritten].map(
      ([name, key]) => `# ${q(name)} is ${q(key)} here: Ansible reads [, ] and : in a host name.`,
    ),
    ...renamed.map(
      ([name, keys]) =>
        `# ${keys.length} assets are named ${q(name)}; here they are ${keys.map(q).join(', ')}.`,
    ),
    ...merged.map(
      ([base, named]) =>
        `# ${named.map(([value, key]) => `${q(value)} is ${q(key)}`).join(', ')}: ` +
        `as group names (letters, digits and _) they would all be ${q(base)}.`,
    ),
    'all:',
    // An empty inventory is an empty mapping, not a null one.
    wanted.size === 0 ? '  hosts: {}' : '  hosts:',
  ];
  for (const [id, asset] of wanted) {
    const host = hostKey.get(id) ?? asset.name;
    const address = ansibleHost(asset);
    lines.push(
      address === null
        ? `    ${q(host)}: {}`
        : `    ${q(host)}:\n      ansible_host: ${q(address)}`,
    );
  }
  if (groups.size > 0) {
    lines.push('  children:');
    for (const [group, hosts] of [...groups].sort(([a], [b]) => compareNames(a, b))) {
      lines.push(`    ${q(group)}:`, '      hosts:');
      for (const host of [...hosts].sort(compareNames)) lines.push(`        ${q(host)}: {}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
