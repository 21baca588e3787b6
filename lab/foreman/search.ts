/**
 * A small scoped_search: the subset of Foreman's query language clients use. Supports
 * `field op value` with `= == != <> ~ !~ ^ !^ > < >= <=`, `and`/`&`, `or`/`|`, `not`/`!`/`-`,
 * parentheses, quoted values, `set? f`/`has f`/`null? f`, free text (matches the default field),
 * and dates as ISO text or "N minutes|hours|days|weeks ago". Unknown fields throw `SearchError`.
 */

export type FieldValue = string | number | boolean | null | undefined;

export interface SearchField<T> {
  /** `key` is the part after `facts.` for the `facts.*` field. */
  get: (item: T, key?: string) => FieldValue;
  /** How values compare: text (default), number, date (epoch ms) or an enumeration. */
  type?: 'text' | 'number' | 'date' | { enum: Record<string, number> };
}

export type SearchFields<T> = Record<string, SearchField<T>>;

export class SearchError extends Error {
  override readonly name = 'SearchError';
}

interface Token {
  kind: 'word' | 'op' | 'lparen' | 'rparen';
  value: string;
}
type Node<T> = (item: T) => boolean;

const OPS = ['==', '!=', '<>', '!~', '!^', '>=', '<=', '=', '~', '^', '>', '<'];

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', value: c });
      i++;
    } else if (c === '"' || c === "'") {
      const end = query.indexOf(c, i + 1);
      const stop = end < 0 ? query.length : end;
      tokens.push({ kind: 'word', value: query.slice(i + 1, stop) });
      i = stop + 1;
    } else if (c === '&' || c === '|') {
      tokens.push({ kind: 'word', value: c === '&' ? 'and' : 'or' });
      i += query.charAt(i + 1) === c ? 2 : 1;
    } else {
      const op = OPS.find((o) => query.startsWith(o, i));
      if (op) {
        tokens.push({ kind: 'op', value: op });
        i += op.length;
      } else {
        let j = i;
        while (j < query.length && !/[\s()=!<>~^&|"']/.test(query.charAt(j))) j++;
        if (j === i) j++;
        tokens.push({ kind: 'word', value: query.slice(i, j) });
        i = j;
      }
    }
  }
  return tokens;
}

function parseDate(value: string, now: number): number {
  const rel = /^(\d+)\s*(minute|hour|day|week)s?\s+ago$/i.exec(value.trim());
  if (rel) {
    const unit = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };
    return now - Number(rel[1]) * unit[rel[2]!.toLowerCase() as keyof typeof unit];
  }
  const t = Date.parse(value.replace(' UTC', 'Z'));
  if (Number.isNaN(t)) throw new SearchError(`'${value}' is not a valid date`);
  return t;
}

function compare<T>(field: SearchField<T>, name: string, op: string, raw: string, now: number) {
  const type = field.type ?? 'text';
  const norm = (v: string): string | number => {
    if (type === 'number') return Number(v);
    if (type === 'date') return parseDate(v, now);
    if (typeof type === 'object') {
      const n = type.enum[v.toLowerCase()];
      if (n === undefined) {
        throw new SearchError(`'${name}' should be one of '${Object.keys(type.enum).join(', ')}'`);
      }
      return n;
    }
    return v;
  };
  const list = op === '^' || op === '!^' ? raw.split(',').map((v) => norm(v.trim())) : [];
  const want = op === '^' || op === '!^' ? 0 : norm(raw);
  const like = raw.toLowerCase();
  return (item: T): boolean => {
    const actual = field.get(item);
    if (actual === null || actual === undefined) return op === '!=' || op === '<>' || op === '!~';
    const a = typeof actual === 'boolean' ? String(actual) : actual;
    switch (op) {
      case '=':
      case '==':
        return typeof a === 'string' && typeof want === 'string'
          ? a.toLowerCase() === want.toLowerCase()
          : a === want;
      case '!=':
      case '<>':
        return typeof a === 'string' && typeof want === 'string'
          ? a.toLowerCase() !== want.toLowerCase()
          : a !== want;
      case '~':
        return String(a).toLowerCase().includes(like);
      case '!~':
        return !String(a).toLowerCase().includes(like);
      case '^':
        return list.some((v) =>
          typeof v === 'string' ? v.toLowerCase() === String(a).toLowerCase() : v === a,
        );
      case '!^':
        return !list.some((v) =>
          typeof v === 'string' ? v.toLowerCase() === String(a).toLowerCase() : v === a,
        );
      case '>':
        return a > want;
      case '<':
        return a < want;
      case '>=':
        return a >= want;
      default:
        return a <= want;
    }
  };
}

/** Compiles a query into a predicate; blank queries match everything. */
export function compileSearch<T>(
  query: string,
  fields: SearchFields<T>,
  defaultField: string,
  now: number,
): Node<T> {
  const tokens = tokenize(query);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const lookup = (name: string): SearchField<T> => {
    const field = fields[name] ?? (name.startsWith('facts.') ? fields['facts.*'] : undefined);
    if (!field) throw new SearchError(`Field '${name}' not recognized for searching!`);
    if (name.startsWith('facts.') && fields['facts.*']) {
      return {
        ...field,
        get: (item) => field.get(item, name.slice(6)),
      };
    }
    return field;
  };

  const parseOr = (): Node<T> => {
    let left = parseAnd();
    while (peek()?.kind === 'word' && peek()?.value.toLowerCase() === 'or') {
      pos++;
      const l = left;
      const r = parseAnd();
      left = (item) => l(item) || r(item);
    }
    return left;
  };
  const parseAnd = (): Node<T> => {
    let left = parseNot();
    for (;;) {
      const t = peek();
      if (!t || t.kind === 'rparen' || (t.kind === 'word' && t.value.toLowerCase() === 'or')) break;
      if (t.kind === 'word' && t.value.toLowerCase() === 'and') pos++;
      const l = left;
      const r = parseNot();
      left = (item) => l(item) && r(item);
    }
    return left;
  };
  const parseNot = (): Node<T> => {
    const t = peek();
    if (
      t &&
      ((t.kind === 'word' && ['not', '!', '-'].includes(t.value.toLowerCase())) ||
        (t.kind === 'op' && t.value === '!'))
    ) {
      pos++;
      const inner = parseNot();
      return (item) => !inner(item);
    }
    return parsePrimary();
  };
  const parsePrimary = (): Node<T> => {
    const t = tokens[pos++];
    if (!t) throw new SearchError('Unexpected end of search query');
    if (t.kind === 'lparen') {
      const inner = parseOr();
      if (tokens[pos]?.kind === 'rparen') pos++;
      return inner;
    }
    if (t.kind !== 'word') throw new SearchError(`Unexpected '${t.value}' in search query`);
    const lower = t.value.toLowerCase();
    if (lower === 'set?' || lower === 'has' || lower === 'null?') {
      const name = tokens[pos++]?.value ?? '';
      const field = lookup(name);
      const isSet = lower !== 'null?';
      return (item) => {
        const v = field.get(item);
        return (v !== null && v !== undefined && v !== '') === isSet;
      };
    }
    const next = peek();
    if (next?.kind === 'op') {
      pos++;
      const value = tokens[pos++];
      if (value?.kind !== 'word') throw new SearchError(`Value missing after '${next.value}'`);
      return compare(lookup(t.value), t.value, next.value, value.value, now);
    }
    const field = lookup(defaultField);
    const needle = lower;
    return (item) =>
      String(field.get(item) ?? '')
        .toLowerCase()
        .includes(needle);
  };

  if (tokens.length === 0) return () => true;
  const node = parseOr();
  if (pos < tokens.length)
    throw new SearchError(`Unexpected '${tokens[pos]?.value ?? ''}' in search query`);
  return node;
}
