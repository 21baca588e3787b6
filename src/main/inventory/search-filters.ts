import { assertNever } from '../../shared/errors';
import type { SourceSystem } from '../../shared/inventory';
import type { Clause, Field, TextField } from './query-parser';
import {
  byByte,
  byCode,
  byCount,
  byFunction,
  byShort,
  byTable,
  Condition,
  noBytes,
  noCounts,
  noInts,
  opCode,
  shortCounts,
} from './search-conditions';
import { caseFold } from '../db/sqlite';
import { systems } from './search-index-build';

/** A query's condition on one of the index's columns (every field but the text ones). */
export type FilterClause = Extract<Clause, { type: 'filter' }> & {
  field: Exclude<Field, TextField>;
};

/** What filters need besides the index: the profiles offline, the systems with data. */
export interface FilterContext {
  offline: readonly string[];
  configured: readonly SourceSystem[];
}

/** The search index's columns that filters test. */
export interface FilterColumns {
  ids: Float64Array;
  kind: Int32Array;
  kinds: Map<string, number>;
  status: Int32Array;
  statuses: Map<string, number>;
  /** Per system, whether each row has a record from it. */
  present: Uint8Array[];
  /** Per system, whether it should know each row and does not (drift-rule.ts). */
  drift: Uint8Array[];
  updates: Float64Array;
  security: Float64Array;
  reboot: Float64Array;
  /** cluster, site, organization, location: each row's value as a code (-1 unknown). */
  exact: Int32Array[];
  /** Each column's values (folded as NOCASE folds) by code. */
  exactValues: string[][];
  profileFrom: Int32Array;
  profileOf: Int32Array;
  profiles: Map<string, number>;
}

const exactFields = { cluster: 0, site: 1, org: 2, location: 3 } as const;

const statusOrKind = (field: Field): boolean => field === 'status' || field === 'kind';

/** Whether `test` answers a filter of several values (any of them) in one condition. */
export function testsAlternatives(field: Field): boolean {
  return field in exactFields || statusOrKind(field);
}

/** Row tests for a query's filters, over one search index's columns. */
export class FilterTests {
  constructor(private readonly columns: FilterColumns) {}

  /** A row test for a filter; null when the index cannot answer it. */
  test(
    clause: FilterClause,
    offline: readonly string[],
    configured: readonly SourceSystem[],
  ): Condition | null {
    const { field, negated, value, op } = clause;
    const c = this.columns;
    if (clause.alternatives !== undefined && !(field in exactFields) && !statusOrKind(field)) {
      return null;
    }
    const not = negated;
    switch (field) {
      case 'status':
      case 'kind': {
        const codes = field === 'status' ? c.statuses : c.kinds;
        const column = field === 'status' ? c.status : c.kind;
        if (clause.alternatives !== undefined) {
          // Any of the values: which codes pass, looked up per row.
          const passes = new Uint8Array(Math.max(0, ...codes.values()) + 1).fill(not ? 1 : 0);
          for (const one of clause.alternatives) {
            const code = codes.get(one.toLowerCase());
            if (code !== undefined) passes[code] = not ? 0 : 1;
          }
          return new Condition(byTable, not, column, passes);
        }
        const wanted = codes.get(value.toLowerCase()) ?? -1;
        return new Condition(byCode, not, column, noBytes, noCounts, 0, wanted);
      }
      case 'source':
      case 'missing': {
        const system = systems.indexOf(value.toLowerCase() as (typeof systems)[number]);
        const column = c.present[system];
        if (column === undefined) return null;
        const wanted = (field === 'source') !== negated ? 1 : 0;
        return new Condition(byByte, false, noInts, column, noCounts, 0, wanted);
      }
      case 'drift': {
        const name = value.toLowerCase() as SourceSystem;
        const column = c.drift[systems.indexOf(name)];
        if (column === undefined) return null;
        // Only a system with data is expected to know anything: then no row drifts from it.
        if (!configured.includes(name)) {
          return new Condition(byFunction, false, noInts, noBytes, noCounts, 0, 0, () => negated);
        }
        return new Condition(byByte, false, noInts, column, noCounts, 0, negated ? 0 : 1);
      }
      case 'id': {
        return new Condition(byCount, not, noInts, noBytes, c.ids, opCode[op], Number(value));
      }
      case 'updates':
      case 'security': {
        // Unknown counts as 0, as in the SQL's coalesce.
        const column = field === 'updates' ? c.updates : c.security;
        return this.#count(column, not, opCode[op], Number(value));
      }
      case 'reboot': {
        const yes = ['yes', 'true'].includes(value.toLowerCase()) !== negated;
        // reboot_needed = 1, or coalesce(reboot_needed, 0) = 0.
        return this.#count(c.reboot, false, 0, yes ? 1 : 0);
      }
      case 'offline': {
        const yes = ['yes', 'true'].includes(value.toLowerCase()) !== negated;
        const down = new Uint8Array(c.profiles.size);
        for (const id of offline) {
          const p = c.profiles.get(id);
          if (p !== undefined) down[p] = 1;
        }
        const test = (row: number): boolean => {
          let any = false;
          const to = c.profileFrom[row + 1] ?? 0;
          for (let at = c.profileFrom[row] ?? 0; at < to && !any; at++) {
            any = down[c.profileOf[at] ?? 0] === 1;
          }
          return any === yes;
        };
        return new Condition(byFunction, false, noInts, noBytes, noCounts, 0, 0, test);
      }
      case 'cluster':
      case 'site':
      case 'org':
      case 'location': {
        const column = c.exact[exactFields[field]] ?? new Int32Array(0);
        const values = c.exactValues[exactFields[field]] ?? [];
        // Each distinct value is tested once. An unknown value is not the value asked for:
        // `-cluster:pve-ber` keeps the assets of no cluster.
        const wanted = (clause.alternatives ?? [value]).map((one) => {
          const prefix = one.endsWith('*');
          return { prefix, text: caseFold(prefix ? one.slice(0, -1) : one) };
        });
        const passes = Uint8Array.from(values, (v) =>
          wanted.some(({ prefix, text }) => (prefix ? v.startsWith(text) : v === text)) !== not
            ? 1
            : 0,
        );
        return new Condition(byTable, not, column, passes);
      }
      default:
        return assertNever(field, 'query field');
    }
  }

  /** A test of a count column, on its 16-bit copy when it has one. */
  #count(column: Float64Array, not: boolean, op: number, value: number): Condition {
    let short = this.#shorts.get(column);
    if (short === undefined) {
      short = shortCounts(column);
      this.#shorts.set(column, short);
    }
    if (short === null) return new Condition(byCount, not, noInts, noBytes, column, op, value);
    return new Condition(byShort, not, noInts, noBytes, noCounts, op, value, null, short);
  }

  readonly #shorts = new Map<Float64Array, Int16Array | null>();
}
