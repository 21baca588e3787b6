import type { Operator } from './query-parser';

/**
 * The conditions a query tests on the search index's rows. They are all one class, tested by
 * `holds` one row at a time, or by `keep` over a block of rows: one tight loop per condition
 * and kind of column, which the engine compiles well (a closure per condition costs a call it
 * cannot inline, on every row), and whose reads of the column, independent of each other, the
 * processor can have under way at once.
 */

export type RowTest = (row: number) => boolean;

/** How a `Condition` tests a row. */
export const byCode = 0;
export const byByte = 1;
export const byCount = 2;
export const byTable = 3;
export const byMarks = 4;
export const byFunction = 5;
export const byShort = 6;

export const opCode: Record<Operator, number> = {
  ':': 0,
  '=': 0,
  '>': 1,
  '>=': 2,
  '<': 3,
  '<=': 4,
};

function compareCode(a: number, op: number, b: number): boolean {
  switch (op) {
    case 0:
      return a === b;
    case 1:
      return a > b;
    case 2:
      return a >= b;
    case 3:
      return a < b;
    default:
      return a <= b;
  }
}

export const noInts = new Int32Array(0);
export const noBytes = new Uint8Array(0);
export const noCounts = new Float64Array(0);
export const noShorts = new Int16Array(0);

/** An unknown count in a column of short counts (`shortCounts`). */
export const unknownShort = -32768;

/**
 * A count column as 16-bit integers when every known value is a whole number that fits (null
 * otherwise). A page's walk reads a count column at rows scattered over it: a quarter of the
 * bytes keeps far more of it in the processor's cache than 64-bit floats.
 */
export function shortCounts(counts: Float64Array): Int16Array | null {
  const out = new Int16Array(counts.length);
  for (let row = 0; row < counts.length; row++) {
    const v = counts[row] ?? Number.NaN;
    if (Number.isNaN(v)) out[row] = unknownShort;
    else if (Number.isInteger(v) && v > unknownShort && v <= 32767) out[row] = v;
    else return null;
  }
  return out;
}

/** One condition of a query over the index's columns. */
export class Condition {
  constructor(
    readonly how: number,
    readonly not: boolean,
    /**
     * byCode: the column's codes; byTable: the codes looked up in `bytes`, where `not` says
     * whether an unknown value (-1) passes.
     */
    readonly codes: Int32Array = noInts,
    /** byByte: the column; byTable: which codes pass; byMarks: the marked rows. */
    readonly bytes: Uint8Array = noBytes,
    /** byCount: the column (NaN unknown, which counts as 0). */
    readonly counts: Float64Array = noCounts,
    readonly op = 0,
    readonly value = 0,
    readonly test: RowTest | null = null,
    /** byShort: the column (`unknownShort` unknown, which counts as 0). */
    readonly shorts: Int16Array = noShorts,
  ) {}
}

export function holds(c: Condition, row: number): boolean {
  switch (c.how) {
    case byCode:
      return (c.codes[row] === c.value) !== c.not;
    case byByte:
      return c.bytes[row] === c.value;
    case byCount: {
      const v = c.counts[row] ?? 0;
      return compareCode(Number.isNaN(v) ? 0 : v, c.op, c.value) !== c.not;
    }
    case byTable: {
      // An unknown value (code -1) passes a negated test only, as the SQL's coalesce has it.
      const code = c.codes[row] ?? -1;
      return code < 0 ? c.not : c.bytes[code] === 1;
    }
    case byMarks:
      return (c.bytes[row] === 1) !== c.not;
    case byShort: {
      const v = c.shorts[row] ?? 0;
      return compareCode(v === unknownShort ? 0 : v, c.op, c.value) !== c.not;
    }
    default:
      return c.test?.(row) === true;
  }
}

export function marked(marks: Uint8Array, not = false): Condition {
  return new Condition(byMarks, not, noInts, marks);
}

/**
 * The rows of `rows[0..count)` that pass `c`, moved to its front in their order; returns how
 * many passed.
 */
export function keep(c: Condition, rows: Int32Array, count: number): number {
  let kept = 0;
  const { not, value } = c;
  switch (c.how) {
    case byCode: {
      const { codes } = c;
      for (let i = 0; i < count; i++) {
        const row = rows[i] ?? 0;
        if ((codes[row] === value) !== not) rows[kept++] = row;
      }
      return kept;
    }
    case byByte:
    case byMarks: {
      const { bytes } = c;
      // byByte: the column holds the value; byMarks: marked (1), or not when negated.
      const wanted = c.how === byByte ? value : 1;
      const pass = c.how === byByte || !not;
      for (let i = 0; i < count; i++) {
        const row = rows[i] ?? 0;
        if ((bytes[row] === wanted) === pass) rows[kept++] = row;
      }
      return kept;
    }
    case byTable: {
      const { codes, bytes, not } = c;
      for (let i = 0; i < count; i++) {
        const row = rows[i] ?? 0;
        const code = codes[row] ?? -1;
        if (code < 0 ? not : bytes[code] === 1) rows[kept++] = row;
      }
      return kept;
    }
    case byShort: {
      const { shorts, op } = c;
      for (let i = 0; i < count; i++) {
        const row = rows[i] ?? 0;
        const v = shorts[row] ?? 0;
        if (compareCode(v === unknownShort ? 0 : v, op, value) !== not) rows[kept++] = row;
      }
      return kept;
    }
    default:
      for (let i = 0; i < count; i++) {
        const row = rows[i] ?? 0;
        if (holds(c, row)) rows[kept++] = row;
      }
      return kept;
  }
}
