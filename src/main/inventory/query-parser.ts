import { AppError } from '../../shared/errors';
import { maxQueryLength } from '../../shared/inventory';

/**
 * The inventory query language (docs/query-language.md): whitespace-separated clauses, all of
 * which must hold. A clause is free text (`debian`, `"web 01"`) or a filter `field:value` /
 * `field>n`, either optionally negated with a leading `-`.
 */

export const textFields = ['name', 'fqdn', 'ip', 'mac', 'os', 'group', 'tag'] as const;
export const exactFields = ['cluster', 'site', 'org', 'location'] as const;
export const enumFields = ['status', 'kind', 'source', 'missing', 'drift'] as const;
export const numberFields = ['updates', 'security', 'id'] as const;
export const flagFields = ['reboot', 'offline'] as const;

export type TextField = (typeof textFields)[number];
export type ExactField = (typeof exactFields)[number];
export type EnumField = (typeof enumFields)[number];
export type NumberField = (typeof numberFields)[number];
export type FlagField = (typeof flagFields)[number];
export type Field = TextField | ExactField | EnumField | NumberField | FlagField;
export type Operator = ':' | '=' | '>' | '>=' | '<' | '<=';

export const enumValues: Record<EnumField, readonly string[]> = {
  status: ['running', 'stopped', 'paused', 'offline', 'pending', 'unknown'],
  kind: ['vm', 'container', 'node', 'bare-metal', 'router', 'host'],
  source: ['foreman', 'proxmox', 'patchmon', 'routeros'],
  missing: ['foreman', 'proxmox', 'patchmon', 'routeros'],
  // RouterOS is never expected to know an asset (drift-rule.ts).
  drift: ['foreman', 'proxmox', 'patchmon'],
};

/** `position`: the clause's first character, 1-based and counted as in `QueryError`. */
export type Clause =
  | { type: 'text'; negated: boolean; value: string; position: number }
  | {
      type: 'filter';
      negated: boolean;
      field: Field;
      op: Operator;
      /** The value; with `alternatives`, the first of them. */
      value: string;
      /** Two or more values, any of which passes (`cluster:pve-ber,pve-fra`). */
      alternatives?: string[];
      position: number;
    };

export type FilterClause = Extract<Clause, { type: 'filter' }>;

/** Fields that take several values separated by commas, any of which passes. */
export const alternativeFields: readonly Field[] = [...textFields, ...exactFields, ...enumFields];

/**
 * The clauses a filter with alternatives stands for: one filter per value. Negated, the asset
 * must pass none of them, which is these clauses together (`-cluster:a,b` is `-cluster:a
 * -cluster:b`).
 */
export function eachAlternative(clause: FilterClause): FilterClause[] {
  const { type, negated, field, op, position } = clause;
  return (clause.alternatives ?? [clause.value]).map((value) => ({
    type,
    negated,
    field,
    op,
    value,
    position,
  }));
}

export const maxClauses = 32;
const allFields: readonly string[] = [
  ...textFields,
  ...exactFields,
  ...enumFields,
  ...numberFields,
  ...flagFields,
];

/**
 * A query that cannot be read: `position` is the 1-based character where the problem is, counted
 * as a person counts what they see (see `Columns`).
 */
export class QueryError extends AppError {
  constructor(
    readonly position: number,
    readonly detail: string,
  ) {
    super('bad-request', `Query error at position ${position}: ${detail}`);
  }
}

/** A problem found while reading, at a UTF-16 `offset` that `parseQuery` turns into a position. */
class Misread extends Error {
  constructor(
    readonly offset: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Positions in a query as a person counts them, for error messages the search box marks and the
 * CLI prints: one per character seen (a grapheme cluster), so an emoji, a flag or a letter with
 * a combining accent is one, not the two or more UTF-16 units JavaScript indexes by.
 */
class Columns {
  /**
   * UTF-16 offsets where each grapheme starts, read on first use; null for printable ASCII, one
   * unit per character, which needs no segmenting.
   */
  #starts: number[] | null | undefined;

  constructor(private readonly input: string) {}

  /** The 1-based position of the character holding UTF-16 `offset`; past the end, one more. */
  at(offset: number): number {
    this.#starts ??= /^[\x20-\x7e]*$/.test(this.input)
      ? null
      : Array.from(graphemes.segment(this.input), (s) => s.index);
    if (this.#starts === null) return offset + 1;
    if (offset >= this.input.length) return this.#starts.length + 1;
    let low = 0;
    let high = this.#starts.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.#starts[mid] ?? 0) <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** The UTF-16 offset of the code point after the first `count`. */
function codePointOffset(input: string, count: number): number {
  let offset = 0;
  for (let n = 0; n < count && offset < input.length; n++) {
    offset += (input.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
  }
  return offset;
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

export function parseQuery(input: string): Clause[] {
  const columns = new Columns(input);
  // Counted in code points, not UTF-16 units: an emoji is one. Its position is the character
  // where the query goes over.
  if (input.length > maxQueryLength && Array.from(input).length > maxQueryLength) {
    throw new QueryError(
      columns.at(codePointOffset(input, maxQueryLength)),
      `the query is longer than ${maxQueryLength} characters`,
    );
  }
  try {
    return readClauses(input, columns);
  } catch (error) {
    if (error instanceof Misread) throw new QueryError(columns.at(error.offset), error.detail);
    throw error;
  }
}

function readClauses(input: string, columns: Columns): Clause[] {
  const clauses: Clause[] = [];
  let i = 0;
  const at = (): string | undefined => input[i];
  while (i < input.length) {
    if (isSpace(at())) {
      i++;
      continue;
    }
    if (clauses.length === maxClauses) {
      throw new Misread(i, `a query has at most ${maxClauses} terms`);
    }
    const start = i;
    doubleNegation(input, i);
    let negated = false;
    if (at() === '-' && i + 1 < input.length && !isSpace(input[i + 1])) {
      negated = true;
      i++;
    }
    if (at() === '"') {
      const { value, end } = readQuoted(input, i);
      i = end;
      clauses.push({ type: 'text', negated, value, position: columns.at(start) });
      continue;
    }
    const wordStart = i;
    while (i < input.length && /[a-z]/i.test(input[i] ?? '')) i++;
    const word = input.slice(wordStart, i);
    const op = readOperator(input, i);
    if (op === null && allFields.includes(word.toLowerCase())) {
      spacedComparison(input, i, input.slice(start, i));
    }
    if (word !== '' && op !== null && !looksLikeAddress(input, wordStart)) {
      const field = word.toLowerCase();
      if (!allFields.includes(field)) {
        throw new Misread(
          wordStart,
          `unknown field "${word.slice(0, 40)}" (known: ${allFields.join(', ')})`,
        );
      }
      i += op.length;
      const valueStart = i;
      const read = alternativeFields.includes(field as Field)
        ? readValues(input, i, input.slice(start, valueStart))
        : readValue(input, i);
      const { value } = read;
      i = read.end;
      if (value === '') {
        const next = rawValue(input, skipSpaces(input, i));
        throw new Misread(
          valueStart,
          next === '' || valueStart === input.length
            ? `"${field}${op}" needs a value`
            : `"${field}${op}" needs its value right after it, without a space: ${input.slice(start, i)}${next.slice(0, 40)}`,
        );
      }
      const clause: Clause = {
        type: 'filter',
        negated,
        field: field as Field,
        op,
        value,
        position: columns.at(start),
      };
      for (const [n, alternative] of read.alternatives.entries()) {
        validateFilter({ ...clause, value: alternative }, read.offsets[n] ?? valueStart);
      }
      if (read.alternatives.length > 1) clause.alternatives = read.alternatives;
      clauses.push(clause);
      continue;
    }
    i = wordStart;
    const value = readBare(input, i);
    i += value.length;
    if (value === '') throw new Misread(i, `unexpected "${input[i] ?? ''}"`);
    if (value === 'OR' && !negated) orBetweenFilters(input, i, clauses.at(-1));
    if (/^[:=<>]+$/.test(value)) {
      throw new Misread(
        wordStart,
        `"${value}" alone compares nothing: a filter is written without spaces (updates>5, cluster:pve-ber)`,
      );
    }
    clauses.push({ type: 'text', negated, value, position: columns.at(start) });
  }
  return clauses;
}

/**
 * Refuses `--kind:vm`: read as it stands it would be the negation of the free text
 * "-kind:vm" (the words kind and vm), which nearly every asset passes. A shell user who put it
 * after `--` to get it past the option parser meant `-kind:vm`.
 */
function doubleNegation(input: string, i: number): void {
  const clause = /^-{2,}([a-z]+[:=<>].*)$/i.exec(readWord(input, i));
  if (clause === null) return;
  const [word = '', rest = ''] = clause;
  throw new Misread(
    i,
    `"${word.slice(0, 40)}" negates with one "-"; did you mean -${rest.slice(0, 40)}?`,
  );
}

/**
 * Refuses a filter written with spaces around its operator (`updates > 5`, `updates >5`,
 * `name = x`), which would otherwise be free text (the words updates and 5), with the filter
 * as it is written. `field` is the clause so far (`-updates`), which ends at `i`.
 */
function spacedComparison(input: string, i: number, field: string): void {
  if (!isSpace(input[i])) return;
  const at = skipSpaces(input, i);
  const op = readOperator(input, at);
  if (op === null) return;
  const token = readWord(input, at);
  const value =
    token.length > op.length
      ? rawValue(input, at + op.length)
      : rawValue(input, skipSpaces(input, at + token.length));
  throw new Misread(
    i,
    `a filter is written without spaces: ${field}${op}${value === '' ? '…' : value.slice(0, 40)}`,
  );
}

/** A filter's single value at `i`, quoted or bare, in the form of `readValues`. */
function readValue(
  input: string,
  i: number,
): { value: string; alternatives: string[]; offsets: number[]; end: number } {
  if (input[i] === '"') {
    const { value, end } = readQuoted(input, i);
    return { value, alternatives: [value], offsets: [i], end };
  }
  const value = readBare(input, i);
  return { value, alternatives: [value], offsets: [i], end: i + value.length };
}

/**
 * A filter's values at `i`, separated by commas (`pve-ber,pve-fra`, `"prod web",db`): each
 * quoted or bare, with the UTF-16 offset where each starts. `typed` is the clause before the
 * values (`-cluster:`), for the hint when `|` separates them.
 */
function readValues(
  input: string,
  i: number,
  typed: string,
): { value: string; alternatives: string[]; offsets: number[]; end: number } {
  const alternatives: string[] = [];
  const offsets: number[] = [];
  let at = i;
  for (;;) {
    offsets.push(at);
    if (input[at] === '"') {
      const quoted = readQuoted(input, at, ',');
      alternatives.push(quoted.value);
      at = quoted.end;
    } else {
      let end = at;
      while (end < input.length && !isSpace(input[end]) && input[end] !== ',') {
        if (input[end] === '"') {
          throw new Misread(end, 'a quote may only start a value; quote the whole value');
        }
        end++;
      }
      const value = input.slice(at, end);
      // A bar between two values (pve-ber|pve-fra), as in a shell or a regular expression.
      const bar = value.indexOf('|');
      if (bar > 0 && bar < value.length - 1) {
        const all = readWord(input, i).replaceAll('|', ',');
        throw new Misread(
          at + bar,
          `to match any of several values, separate them with commas: ${typed}${all.slice(0, 80)}`,
        );
      }
      alternatives.push(value);
      at = end;
    }
    if (input[at] !== ',') break;
    if (alternatives.at(-1) === '') throw new Misread(at, 'a value is missing before this comma');
    at++;
    if (at >= input.length || isSpace(input[at])) {
      throw new Misread(at - 1, 'a value is missing after this comma');
    }
  }
  return { value: alternatives[0] ?? '', alternatives, offsets, end: at };
}

/**
 * Refuses the free text `OR` between two filters (`name:web* OR name:db*`): a query's clauses
 * all hold, so it would search the word "or" too and find next to nothing. Says how to write
 * either value of one filter instead. `i` is just after the OR; `before` the clause before it.
 */
function orBetweenFilters(input: string, i: number, before: Clause | undefined): void {
  const next = /^(-?)([a-z]+)([:=])(\S+)$/i.exec(readWord(input, skipSpaces(input, i)));
  if (before?.type !== 'filter' || next === null) return;
  const [, dash = '', field = '', op = '', value = ''] = next;
  const hint =
    before.field === field.toLowerCase() && before.op === op && before.negated === (dash === '-')
      ? `${dash}${field}${op}${[...(before.alternatives ?? [before.value]), value]
          .map((v) =>
            v === value || !/[\s,"]/.test(v)
              ? v
              : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
          )
          .join(',')}`
      : 'cluster:pve-ber,pve-fra';
  throw new Misread(
    i - 2,
    `every clause of a query must hold, so OR would be searched as a word; to match any of several values, write them after one field with commas: ${hint}`,
  );
}

/** The value at `i` as typed: a quoted value with its quotes, else up to the next space. */
function rawValue(input: string, i: number): string {
  if (input[i] !== '"') return readWord(input, i);
  try {
    return input.slice(i, readQuoted(input, i).end);
  } catch {
    return readWord(input, i);
  }
}

function skipSpaces(input: string, i: number): number {
  let at = i;
  while (at < input.length && isSpace(input[at])) at++;
  return at;
}

/** The text from `i` to the next space. */
function readWord(input: string, i: number): string {
  let end = i;
  while (end < input.length && !isSpace(input[end])) end++;
  return input.slice(i, end);
}

/** A MAC or IPv6 address (or the start of one, `bc:24:11:*`) typed as free text, not a `field:value`. */
function looksLikeAddress(input: string, i: number): boolean {
  return /^[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}\*?$/i.test(readWord(input, i));
}

function readOperator(input: string, i: number): Operator | null {
  const two = input.slice(i, i + 2);
  if (two === '>=' || two === '<=') return two;
  const one = input[i];
  return one === ':' || one === '=' || one === '>' || one === '<' ? one : null;
}

function readBare(input: string, i: number): string {
  let end = i;
  while (end < input.length && !isSpace(input[end])) {
    if (input[end] === '"') {
      throw new Misread(end, 'a quote may only start a value; quote the whole value');
    }
    end++;
  }
  return input.slice(i, end);
}

/** A quoted value at `i`; `after` the characters besides a space that may follow it. */
function readQuoted(input: string, i: number, after = ''): { value: string; end: number } {
  let value = '';
  let j = i + 1;
  while (j < input.length) {
    const char = input[j];
    if (char === undefined) break;
    if (char === '\\' && j + 1 < input.length) {
      value += input[j + 1] ?? '';
      j += 2;
      continue;
    }
    if (char === '"') {
      const next = input[j + 1];
      if (next !== undefined && !isSpace(next) && !after.includes(next)) {
        throw new Misread(j + 1, 'expected a space after the closing quote');
      }
      return { value, end: j + 1 };
    }
    value += char;
    j++;
  }
  throw new Misread(i, 'this quote is never closed');
}

/** Checks a filter's value, which starts at UTF-16 `offset`. */
function validateFilter(clause: Extract<Clause, { type: 'filter' }>, offset: number): void {
  const { field, op, value } = clause;
  const comparison = op !== ':' && op !== '=';
  if ((numberFields as readonly string[]).includes(field)) {
    if (/^\d{10,}$/.test(value)) {
      throw new Misread(offset, `${field} takes whole numbers up to 999999999`);
    }
    if (!/^\d{1,9}$/.test(value)) {
      throw new Misread(offset, `${field} needs a whole number, not "${value.slice(0, 40)}"`);
    }
    return;
  }
  if (comparison) {
    throw new Misread(
      offset - op.length,
      `"${op}" compares numbers; ${field} takes ":" (numbers: ${numberFields.join(', ')})`,
    );
  }
  if ((enumFields as readonly string[]).includes(field)) {
    const allowed = enumValues[field as EnumField];
    if (!allowed.includes(value.toLowerCase())) {
      throw new Misread(
        offset,
        `${field} is one of ${allowed.join(', ')}, not "${value.slice(0, 40)}"`,
      );
    }
    return;
  }
  if ((flagFields as readonly string[]).includes(field)) {
    if (!['yes', 'no', 'true', 'false'].includes(value.toLowerCase())) {
      throw new Misread(offset, `${field} is yes or no, not "${value.slice(0, 40)}"`);
    }
    return;
  }
  if (!/[\p{L}\p{N}]/u.test(value)) {
    throw new Misread(offset, `${field} needs letters or digits to search for`);
  }
  if (field === 'mac' && !macValue.test(value)) {
    throw new Misread(
      offset,
      `mac takes hex bytes separated by ":" or "-", the last may end in * (mac:bc:24:11, mac:BC-24-1*), not "${value.slice(0, 40)}"`,
    );
  }
  const cidr = field === 'ip' ? /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(value) : null;
  if (cidr?.[1] !== undefined && cidr[2] !== undefined) {
    // A network is written as a prefix of its addresses; say which, for the common masks.
    const bits = Number(cidr[2]);
    const whole = Math.floor(bits / 8);
    const hint =
      bits % 8 === 0 && whole >= 1 && whole <= 3
        ? `: write ip:${cidr[1].split('.').slice(0, whole).join('.')}.*`
        : '';
    throw new Misread(
      offset,
      `ip takes an address or the start of one ending in * (ip:10.16.0.*), not a network in / notation${hint}`,
    );
  }
  // An IPv6 network (fd00::/64) likewise: no stored address has a slash.
  if (field === 'ip' && value.includes('/')) {
    throw new Misread(
      offset,
      `ip takes an address or the start of one ending in * (ip:fd00:10:*), not a network in / notation`,
    );
  }
  if (field === 'ip' && !isAddressText(value)) {
    throw new Misread(
      offset,
      `ip takes an IPv4 or IPv6 address (parts 0 to 255, or hex groups) or the start of one ending in * (ip:10.16.0.*), not "${value.slice(0, 40)}"`,
    );
  }
}

/**
 * A `mac:` value: whole bytes (two hex digits) in a row, separated by ":" or "-"; the last may be
 * cut short by a `*` (`bc:24:1*`, `bc:24:*`). Stored MACs are six such bytes.
 */
const macValue = /^(?:[0-9a-f]{2}[:-]){0,5}(?:[0-9a-f]{2}|[0-9a-f]?\*)?$/i;

/**
 * Whether an `ip:` value can be (the start of) an address: hex groups and colons, ending in at
 * most four dotted parts of 0 to 255 (`10.16.0.24`, `fd00:1::50`, `::ffff:10.0.0.1`). A part
 * of an address that is not the whole of it (`ip:10.16`) is allowed: it finds nothing, as
 * documented.
 */
function isAddressText(value: string): boolean {
  const text = value.endsWith('*') ? value.slice(0, -1) : value;
  if (!/^[0-9a-f.:]*$/i.test(text)) return false;
  const lastColon = text.lastIndexOf(':');
  const groups = text.slice(0, lastColon + 1);
  const dotted = text.slice(lastColon + 1);
  if (groups !== '' && !/^(?:[0-9a-f]{0,4}:)+$/i.test(groups)) return false;
  if (!dotted.includes('.')) return /^[0-9a-f]{0,4}$/i.test(dotted);
  const parts = dotted.split('.');
  return (
    parts.length <= 4 &&
    parts.every((part, i) =>
      part === '' ? i === parts.length - 1 && i > 0 : /^\d{1,3}$/.test(part) && Number(part) <= 255,
    )
  );
}
