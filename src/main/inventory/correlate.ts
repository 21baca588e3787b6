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
  /**
   * Another name the record's system gives the machine: PatchMon's friendly name, which people
   * set to the inventory's name when the machine's own host name differs (`es35` for a host
   * that calls itself `billing-es35`). It counts with an address, like the host name.
   */
  altName?: string | null;
}

/** PatchMon's friendly name as a short host name to match by; null when it is the same. */
export function altNameOf(system: string, name: string, friendlyName: unknown): string | null {
  if (system !== 'patchmon' || typeof friendlyName !== 'string') return null;
  const short = (friendlyName.trim().toLowerCase().split('.')[0] ?? '').replace(/\s+/g, '');
  return short === '' || short === name.split('.')[0] ? null : short;
}

export interface Override {
  kind: 'join' | 'split';
  a: string;
  b: string;
}

type IdentityFields = Pick<CorrelationInput, 'smbiosUuid' | 'machineId' | 'serial' | 'macs'>;

/** What tells one machine from another in a record, as stored with a hand join. */
export function machineIdentity(record: IdentityFields): string {
  return JSON.stringify({
    smbios: record.smbiosUuid?.toLowerCase() ?? null,
    machine: record.machineId?.toLowerCase() ?? null,
    serial: record.serial ?? null,
    macs: [...record.macs].map((mac) => mac.toLowerCase()).sort(),
  });
}

/**
 * Whether a record still describes the machine `stored` identified: no identifier both know
 * differs (the MACs share one when both have some). Unknown either side counts as the same: a
 * source that stops or starts reporting a field is no other machine.
 */
export function sameMachine(stored: string | null, record: IdentityFields): boolean {
  if (stored === null) return true;
  let then: { smbios?: unknown; machine?: unknown; serial?: unknown; macs?: unknown };
  try {
    then = JSON.parse(stored) as typeof then;
  } catch {
    return true;
  }
  const now = JSON.parse(machineIdentity(record)) as {
    smbios: string | null;
    machine: string | null;
    serial: string | null;
    macs: string[];
  };
  for (const field of ['smbios', 'machine', 'serial'] as const) {
    const was = then[field];
    if (typeof was === 'string' && now[field] !== null && now[field] !== was) return false;
  }
  const wasMacs = Array.isArray(then.macs) ? (then.macs as unknown[]) : [];
  if (wasMacs.length > 0 && now.macs.length > 0 && !now.macs.some((mac) => wasMacs.includes(mac))) {
    return false;
  }
  return true;
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

/**
 * What a group of records knows about its machine, kept at the group's root. Groups are small
 * (at most one record per profile), so arrays serve better than sets; and a record gets its state
 * only when a merge first asks about it, so the hundreds of thousands of records of a large fleet
 * do not each carry seven collections for the whole run.
 */
interface GroupState {
  profiles: string[];
  machine: string[];
  smbios: string[];
  serial: string[];
  fqdns: string[];
  ips: string[];
  systems: string[];
  /** Record indices of the group. */
  members: number[];
}

const listOf = (value: string | null): string[] => (value === null ? [] : [value]);

function unique(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) if (!out.includes(v)) out.push(v);
  return out;
}

function aloneState(record: CorrelationInput, index: number): GroupState {
  return {
    profiles: [record.profileId],
    machine: listOf(record.machineId),
    smbios: listOf(record.smbiosUuid),
    serial: listOf(record.serial),
    fqdns: listOf(record.fqdn),
    ips: unique(record.ips),
    systems: [record.system],
    members: [index],
  };
}

const stateFields = ['profiles', 'machine', 'smbios', 'serial', 'fqdns', 'ips', 'systems'] as const;

class Groups {
  readonly #parent: Int32Array;
  /** Each root's state, once its group has more than its own record (or was asked about). */
  readonly #state: (GroupState | undefined)[];
  /** The strongest key each record was merged by, and its confidence. */
  readonly #bestKey: MatchKey[];
  readonly #bestConfidence: Float64Array;

  constructor(
    private readonly records: readonly CorrelationInput[],
    private readonly cannot: Map<number, Set<number>>,
  ) {
    this.#parent = new Int32Array(records.length);
    for (let i = 0; i < records.length; i++) this.#parent[i] = i;
    this.#state = new Array<GroupState | undefined>(records.length);
    this.#bestKey = new Array<MatchKey>(records.length).fill('single');
    this.#bestConfidence = new Float64Array(records.length).fill(1);
  }

  /** The state of the group whose root is `root`. */
  at(root: number): GroupState {
    let state = this.#state[root];
    if (state === undefined) {
      const record = this.records[root];
      if (record === undefined) throw new RangeError(`no record ${root}`);
      state = aloneState(record, root);
      this.#state[root] = state;
    }
    return state;
  }

  /** Record indices of the group whose root is `root` (a record still alone is its own group). */
  members(root: number): readonly number[] {
    return this.#state[root]?.members ?? [root];
  }

  best(i: number): { key: MatchKey; confidence: number } {
    return { key: this.#bestKey[i] ?? 'single', confidence: this.#bestConfidence[i] ?? 1 };
  }

  find(i: number): number {
    const parent = this.#parent;
    let root = i;
    while (parent[root] !== root) root = parent[root] ?? root;
    let node = i;
    while (node !== root) {
      const next = parent[node] ?? root;
      parent[node] = root;
      node = next;
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
    const [big, small, bigRoot, smallRoot] =
      ga.members.length >= gb.members.length ? [ga, gb, ra, rb] : [gb, ga, rb, ra];
    this.#parent[smallRoot] = bigRoot;
    this.#state[smallRoot] = undefined;
    for (const field of stateFields) {
      const into = big[field];
      for (const v of small[field]) if (!into.includes(v)) into.push(v);
    }
    for (const m of small.members) big.members.push(m);
    const confidence = weights[key];
    for (const i of [a, b]) {
      if (this.#bestKey[i] === 'single' || confidence > (this.#bestConfidence[i] ?? 1)) {
        this.#bestKey[i] = key;
        this.#bestConfidence[i] = confidence;
      }
    }
    return true;
  }

  compatible(ga: GroupState, gb: GroupState, key: MatchKey): boolean {
    // One machine appears once per profile: two records of one profile are two machines.
    if (shares(ga.profiles, gb.profiles)) return false;
    if (disjoint(ga.machine, gb.machine) || disjoint(ga.smbios, gb.smbios)) return false;
    if (disjoint(ga.serial, gb.serial)) return false;
    if (key === 'hostname') {
      // A bare name is weak: no system twice, and no contradicting domain or address.
      if (shares(ga.systems, gb.systems)) return false;
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

function shares(a: readonly string[], b: readonly string[]): boolean {
  for (const v of a) if (b.includes(v)) return true;
  return false;
}

/** Both have values and none in common: a contradiction. */
function disjoint(a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && b.length > 0 && !shares(a, b);
}

/** Hands each of a record's values for one key to `add` (null and empty values are skipped). */
type Values = (record: CorrelationInput, add: (value: string | null | undefined) => void) => void;

/**
 * Buckets records by one key. A value carried by two records of the same profile does not
 * identify a machine (cloned templates share machine-ids and MACs), so it is dropped.
 */
function buckets(records: readonly CorrelationInput[], values: Values): number[][] {
  const map = new Map<string, number[]>();
  let index = 0;
  // The current record's values so far: a value repeated within one record is still one record.
  const seen: string[] = [];
  const add = (value: string | null | undefined): void => {
    if (value === null || value === undefined || value === '' || seen.includes(value)) return;
    seen.push(value);
    const bucket = map.get(value);
    if (bucket === undefined) map.set(value, [index]);
    else bucket.push(index);
  };
  for (; index < records.length; index++) {
    const record = records[index];
    if (record === undefined) continue;
    seen.length = 0;
    values(record, add);
  }
  const out: number[][] = [];
  for (const list of map.values()) {
    if (list.length >= 2 && profilesDistinct(records, list)) out.push(list);
  }
  return out;
}

/** Whether the records at `list` all come from different profiles. */
function profilesDistinct(records: readonly CorrelationInput[], list: readonly number[]): boolean {
  const profiles = list.map((i) => records[i]?.profileId ?? '');
  if (profiles.length > 8) return new Set(profiles).size === profiles.length;
  for (let i = 1; i < profiles.length; i++) {
    if (profiles.indexOf(profiles[i] ?? '') < i) return false;
  }
  return true;
}

const shortName = (r: CorrelationInput): string => r.name.split('.')[0] ?? r.name;

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
    ['machine-id', buckets(records, (r, add) => add(r.machineId))],
    ['smbios-uuid', buckets(records, (r, add) => add(r.smbiosUuid))],
    ['serial', buckets(records, (r, add) => add(r.serial))],
    [
      'mac',
      buckets(records, (r, add) => {
        for (const mac of r.macs) if (isIdentifyingMac(mac)) add(mac);
      }),
    ],
    ['vm-id', buckets(records, (r, add) => add(r.vmRef))],
    ['fqdn', buckets(records, (r, add) => add(r.fqdn))],
    [
      'hostname+ip',
      buckets(records, (r, add) => {
        const name = shortName(r);
        for (const ip of r.ips) add(`${name}|${ip}`);
        if (r.altName) for (const ip of r.ips) add(`${r.altName}|${ip}`);
      }),
    ],
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
      groups.members(i).map((m) => {
        const best = groups.best(m);
        return { index: m, matchKey: best.key, confidence: best.confidence };
      }),
    );
  });
  return out;
}
