import type { SourceSystem } from '../sources/types';

/** The identity fields correlation looks at, for one stored record. */
export interface CorrelationInput {
  profileId: string;
  system: SourceSystem;
  externalId: string;
  name: string;
  fqdn: string | null;
  ips: readonly string[];
  macs: readonly string[];
  machineId: string | null;
  smbiosUuid: string | null;
  serial: string | null;
  /** `<node>/<vmid>` of a Proxmox guest, from Proxmox or from Foreman's compute resource. */
  vmRef?: string | null;
}

export interface Override {
  kind: 'join' | 'split';
  a: string;
  b: string;
}

export type MatchKey =
  | 'manual'
  | 'machine-id'
  | 'smbios-uuid'
  | 'serial'
  | 'mac'
  | 'vm-id'
  | 'fqdn'
  | 'hostname+ip'
  | 'hostname'
  | 'single';

export interface Member {
  index: number;
  matchKey: MatchKey;
  confidence: number;
}

/** Stable text key of a record across syncs: profile and external id. */
export function recordKey(profileId: string, externalId: string): string {
  return `${profileId}\u0000${externalId}`;
}

const weights: Record<Exclude<MatchKey, 'single'>, number> = {
  manual: 1,
  'machine-id': 0.99,
  'smbios-uuid': 0.99,
  serial: 0.99,
  mac: 0.95,
  'vm-id': 0.9,
  fqdn: 0.9,
  'hostname+ip': 0.8,
  hostname: 0.5,
};

/** MACs that do not identify a machine: null, broadcast, multicast, VRRP and Docker bridges. */
export function isIdentifyingMac(mac: string): boolean {
  if (mac === '00:00:00:00:00:00' || mac === 'ff:ff:ff:ff:ff:ff') return false;
  const first = Number.parseInt(mac.slice(0, 2), 16);
  if (Number.isNaN(first) || (first & 1) === 1) return false;
  return !mac.startsWith('00:00:5e:00:01:') && !mac.startsWith('02:42:');
}

interface GroupState {
  parent: number;
  profiles: Set<string>;
  machine: Set<string>;
  smbios: Set<string>;
  serial: Set<string>;
  fqdns: Set<string>;
  ips: Set<string>;
  systems: Set<string>;
  /** Record indices of the group; filled only at the root. */
  members: number[];
  /** The strongest key this record was merged by. */
  best: { key: MatchKey; confidence: number };
}

const setOf = (value: string | null): Set<string> => new Set(value === null ? [] : [value]);

class Groups {
  readonly #state: GroupState[];

  constructor(
    records: readonly CorrelationInput[],
    private readonly cannot: Map<number, Set<number>>,
  ) {
    this.#state = records.map((r, i) => ({
      parent: i,
      profiles: new Set([r.profileId]),
      machine: setOf(r.machineId),
      smbios: setOf(r.smbiosUuid),
      serial: setOf(r.serial),
      fqdns: setOf(r.fqdn),
      ips: new Set(r.ips),
      systems: new Set([r.system]),
      members: [i],
      best: { key: 'single', confidence: 1 },
    }));
  }

  at(i: number): GroupState {
    const state = this.#state[i];
    if (state === undefined) throw new RangeError(`no record ${i}`);
    return state;
  }

  find(i: number): number {
    let root = i;
    while (this.at(root).parent !== root) root = this.at(root).parent;
    let node = i;
    while (node !== root) {
      const state = this.at(node);
      node = state.parent;
      state.parent = root;
    }
    return root;
  }

  /** Merges the groups of a and b unless that would contradict what we know. */
  merge(a: number, b: number, key: Exclude<MatchKey, 'single'>, force = false): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return true;
    const ga = this.at(ra);
    const gb = this.at(rb);
    if (!force && !this.compatible(ga, gb, key)) return false;
    const [big, small] = ga.members.length >= gb.members.length ? [ga, gb] : [gb, ga];
    small.parent = big === ga ? ra : rb;
    for (const field of [
      'profiles',
      'machine',
      'smbios',
      'serial',
      'fqdns',
      'ips',
      'systems',
    ] as const) {
      for (const v of small[field]) big[field].add(v);
    }
    for (const m of small.members) big.members.push(m);
    small.members = [];
    const confidence = weights[key];
    for (const i of [a, b]) {
      const state = this.at(i);
      if (state.best.key === 'single' || confidence > state.best.confidence) {
        state.best = { key, confidence };
      }
    }
    return true;
  }

  compatible(ga: GroupState, gb: GroupState, key: MatchKey): boolean {
    // One machine appears once per profile: two records of one profile are two machines.
    for (const p of gb.profiles) if (ga.profiles.has(p)) return false;
    if (disjoint(ga.machine, gb.machine) || disjoint(ga.smbios, gb.smbios)) return false;
    if (disjoint(ga.serial, gb.serial)) return false;
    if (key === 'hostname') {
      // A bare name is weak: no system twice, and no contradicting domain or address.
      for (const s of gb.systems) if (ga.systems.has(s)) return false;
      if (disjoint(ga.fqdns, gb.fqdns) || disjoint(ga.ips, gb.ips)) return false;
    }
    if (this.cannot.size > 0) {
      for (const m of ga.members) {
        const blocked = this.cannot.get(m);
        if (blocked === undefined) continue;
        for (const other of gb.members) if (blocked.has(other)) return false;
      }
    }
    return true;
  }
}

function disjoint(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  for (const v of a) if (b.has(v)) return false;
  return true;
}

/**
 * Buckets records by one key. A value carried by two records of the same profile does not
 * identify a machine (cloned templates share machine-ids and MACs), so it is dropped.
 */
function buckets(
  records: readonly CorrelationInput[],
  values: (r: CorrelationInput) => readonly string[],
  oncePer: (r: CorrelationInput) => string = (r) => r.profileId,
): number[][] {
  const map = new Map<string, number[]>();
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    if (record === undefined) continue;
    const list = values(record);
    for (let i = 0; i < list.length; i++) {
      const value = list[i];
      // Once per record: a value repeated within one record is still one record.
      if (value === undefined || value === '' || list.indexOf(value) < i) continue;
      const bucket = map.get(value);
      if (bucket === undefined) map.set(value, [index]);
      else bucket.push(index);
    }
  }
  const out: number[][] = [];
  for (const list of map.values()) {
    if (list.length < 2) continue;
    const owners = new Set(list.map((i) => (records[i] === undefined ? '' : oncePer(records[i]))));
    if (owners.size === list.length) out.push(list);
  }
  return out;
}

const shortName = (r: CorrelationInput): string => r.name.split('.')[0] ?? r.name;

const none: readonly string[] = [];
const one = (value: string | null): readonly string[] => (value === null ? none : [value]);

/**
 * The weakest pass: groups that share a short host name merge only when each is the other's
 * single compatible candidate, so a name used twice (two domains) never guesses.
 */
function mergeByName(records: readonly CorrelationInput[], groups: Groups): void {
  const byName = new Map<string, Set<number>>();
  records.forEach((record, index) => {
    const name = shortName(record);
    if (name === '') return;
    const roots = byName.get(name) ?? new Set<number>();
    roots.add(groups.find(index));
    byName.set(name, roots);
  });
  for (const roots of byName.values()) {
    if (roots.size < 2 || roots.size > 16) continue;
    const list = [...roots];
    const partners = list.map((a) =>
      list.filter((b) => b !== a && groups.compatible(groups.at(a), groups.at(b), 'hostname')),
    );
    list.forEach((a, i) => {
      const only = partners[i];
      if (only?.length !== 1 || only[0] === undefined) return;
      const b = only[0];
      const back = partners[list.indexOf(b)];
      if (back?.length === 1 && back[0] === a) groups.merge(a, b, 'hostname');
    });
  }
}

/**
 * Groups records that describe the same machine (ARCHITECTURE.md §6): manual joins first, then
 * strong keys (machine-id, SMBIOS UUID, serial, MAC), then FQDN, then short host name plus a
 * shared IP, and last a bare short host name that points at one candidate only. Each merge is refused
 * when it would put two records of one profile together, contradict a strong key, or cross a
 * manual split. Returns the groups with each member's strongest key and its confidence.
 */
export function correlate(
  records: readonly CorrelationInput[],
  overrides: readonly Override[] = [],
): Member[][] {
  const index = new Map(records.map((r, i) => [recordKey(r.profileId, r.externalId), i]));
  const cannot = new Map<number, Set<number>>();
  const joins: [number, number][] = [];
  for (const o of overrides) {
    const a = index.get(o.a);
    const b = index.get(o.b);
    if (a === undefined || b === undefined) continue;
    if (o.kind === 'join') joins.push([a, b]);
    else {
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const set = cannot.get(x) ?? new Set<number>();
        set.add(y);
        cannot.set(x, set);
      }
    }
  }
  const groups = new Groups(records, cannot);
  for (const [a, b] of joins) groups.merge(a, b, 'manual', true);

  const passes: [Exclude<MatchKey, 'single' | 'manual' | 'hostname'>, number[][]][] = [
    ['machine-id', buckets(records, (r) => one(r.machineId))],
    ['smbios-uuid', buckets(records, (r) => one(r.smbiosUuid))],
    ['serial', buckets(records, (r) => one(r.serial))],
    ['mac', buckets(records, (r) => r.macs.filter(isIdentifyingMac))],
    ['vm-id', buckets(records, (r) => one(r.vmRef ?? null))],
    ['fqdn', buckets(records, (r) => one(r.fqdn))],
    ['hostname+ip', buckets(records, (r) => r.ips.map((ip) => `${shortName(r)}|${ip}`))],
  ];
  const mergeAll = (list: readonly number[], key: Exclude<MatchKey, 'single'>): void => {
    const [head, ...rest] = list;
    if (head === undefined) return;
    for (const other of rest) groups.merge(head, other, key);
  };
  for (const [key, lists] of passes) for (const list of lists) mergeAll(list, key);
  mergeByName(records, groups);

  const out: Member[][] = [];
  records.forEach((_, i) => {
    if (groups.find(i) !== i) return;
    out.push(
      groups.at(i).members.map((m) => ({
        index: m,
        matchKey: groups.at(m).best.key,
        confidence: groups.at(m).best.confidence,
      })),
    );
  });
  return out;
}
