import { assertNever } from '../../shared/errors';
import type { SortField, SourceSystem } from '../../shared/inventory';
import { driftSql } from './drift-rule';
import { caseFold, foldFunction } from '../db/sqlite';
import { ipQuery, ipWords } from './ip-query';
import { macCondition, macNeedle } from './mac-query';
import {
  eachAlternative,
  QueryError,
  type Clause,
  type Field,
  type Operator,
} from './query-parser';
import { searchedText } from './search-text';

const allSystems: readonly SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];

export interface CompiledQuery {
  /** The whole condition over `assets a`, with its parameters. */
  where: string;
  params: (string | number)[];
  /** The full-text expression every match must satisfy, or null when the query has none. */
  match: string | null;
  /** The condition besides `match` (`'1'` when there is none), with its parameters. */
  rest: string;
  restParams: (string | number)[];
  /**
   * How many single-row match tests cost about as much as the index handing over 50 matches:
   * the number of words in the phrases when the index finds each directly (a whole word, or a
   * last word's prefix of at most 8 characters, which has its own prefix index); null otherwise.
   */
  probeWeight: number | null;
  /**
   * `match` as plain-text phrases when every word is ASCII letters and digits (which the index
   * splits and folds exactly like `textWords`), so a row can be tested without the index; null
   * otherwise.
   */
  phrases: TextPhrase[] | null;
}

/** One phrase of a full-text match: consecutive words in one column (or any when null). */
export interface TextPhrase {
  column: string | null;
  words: string[];
  /** The last word is a prefix. */
  prefix: boolean;
}

const asciiText = /^\p{ASCII}*$/u;

/**
 * The words the search index keeps for an ASCII text: runs of letters and digits, folded to
 * lower case (the index's tokenizer, unicode61, splits at every other character). Null for
 * text with other characters, whose folding is left to the index.
 */
export function textWords(text: string): string[] | null {
  if (!asciiText.test(text)) return null;
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/u)
    .filter((word) => word !== '');
}

function textPhrase(value: string, prefix: boolean, column: string | null): TextPhrase | null {
  const star = value.endsWith('*');
  const words = textWords(star ? value.slice(0, -1) : value);
  if (words === null || words.length === 0) return null;
  return { column, words, prefix: prefix || star };
}

const ftsColumn: Partial<Record<Field, string>> = {
  name: 'name',
  fqdn: 'fqdn',
  mac: 'macs',
  os: 'os',
  group: 'groups',
  tag: 'tags',
};

const exactColumn: Partial<Record<Field, string>> = {
  cluster: 'cluster',
  site: 'site',
  org: 'organization',
  location: 'location',
};

/**
 * Word fields whose `=` compares the whole value (`os="Ubuntu 22.04"`, `name=web01`), ignoring
 * case as the exact fields do; `value*` is then a prefix of the whole value.
 */
export const wholeValueColumn: Partial<Record<Field, 'name' | 'fqdn' | 'os'>> = {
  name: 'name',
  fqdn: 'fqdn',
  os: 'os',
};

/**
 * A column's whole value is `value`, or starts with it before a `*`, case aside in every script
 * (`caseFold`): SQL with one parameter.
 */
function wholeValueTest(column: string, value: string): { sql: string; param: string } {
  const star = value.endsWith('*');
  const param = caseFold(star ? value.slice(0, -1) : value);
  const folded = `${foldFunction}(${column})`;
  return { sql: star ? `(instr(${folded}, ?) = 1)` : `(${folded} = ?)`, param };
}

const sqlOp = { ':': '=', '=': '=', '>': '>', '>=': '>=', '<': '<', '<=': '<=' } as const;

function compare(a: number, op: Operator, b: number): boolean {
  switch (op) {
    case ':':
    case '=':
      return a === b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    default:
      return assertNever(op, 'comparison');
  }
}

/** An FTS5 phrase for a user's words; quoting makes every operator character plain text. */
function phrase(value: string, prefix: boolean, position: number): string {
  if (!/[\p{L}\p{N}]/u.test(value)) {
    throw new QueryError(
      position,
      `"${value.slice(0, 40)}" has no letters or digits to search for`,
    );
  }
  const star = value.endsWith('*');
  const text = searchedText(star ? value.slice(0, -1) : value).replaceAll('"', '""');
  return `"${text}"${prefix || star ? '*' : ''}`;
}

/** The longest prefix with its own full-text index (migration 8). */
const longestIndexedPrefix = 8;

/**
 * The number of words in a phrase the index answers for one row without merging word lists (see
 * `probeWeight`): each word is looked up once, and a prefix last word must have its own prefix
 * index. 0 when the phrase needs a merge. The index splits words at anything but letters and
 * digits, so "bc:24:11" is the three words bc, 24 and 11.
 */
function directPhraseWords(expression: string): number {
  const quoted = /"((?:[^"]|"")*)"(\*?)$/u.exec(expression);
  if (quoted === null) return 0;
  const [, text = '', star] = quoted;
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
  const last = words.at(-1);
  if (last === undefined) return 0;
  return star === '' || Array.from(last).length <= longestIndexedPrefix ? words.length : 0;
}

/**
 * Turns parsed clauses into an SQL condition over `assets a`. Free text and word fields go
 * through the FTS5 index in one MATCH; everything else is a plain column condition.
 * `offlineProfiles` are the profiles whose last sync failed; `configured` the systems with data,
 * the only ones `drift:` expects to know an asset (drift-rule.ts).
 */
export function compileQuery(
  clauses: readonly Clause[],
  offlineProfiles: readonly string[],
  configured: readonly SourceSystem[] = allSystems,
): CompiledQuery {
  const positive: string[] = [];
  const phrases: (TextPhrase | null)[] = [];
  const conditions: string[] = [];
  const params: (string | number)[] = [];
  const negatedMatch = (expression: string): void => {
    conditions.push('a.id NOT IN (SELECT rowid FROM asset_fts WHERE asset_fts MATCH ?)');
    params.push(expression);
  };
  for (const clause of withoutNegatedAlternatives(clauses)) {
    if (clause.type === 'filter' && clause.alternatives !== undefined) {
      // Any of the values: each one's own condition, through its own index, or'ed.
      const each = eachAlternative(clause).map((one) =>
        compileQuery([one], offlineProfiles, configured),
      );
      conditions.push(`(${each.map((one) => one.where).join(' OR ')})`);
      params.push(...each.flatMap((one) => one.params));
      continue;
    }
    if (clause.type === 'text') {
      const expression = phrase(clause.value, true, clause.position);
      if (clause.negated) negatedMatch(expression);
      else {
        positive.push(expression);
        phrases.push(textPhrase(clause.value, true, null));
      }
      continue;
    }
    const { field, negated, value } = clause;
    const not = negated ? 'NOT ' : '';
    if (field === 'ip') {
      // The address's words narrow the search through the full-text index; the stored addresses
      // decide (`ip:16` is a word of 10.16.0.24, not its address).
      const ip = ipQuery(value);
      const address = ip.prefix
        ? 'EXISTS (SELECT 1 FROM json_each(a.ips) WHERE instr(value, ?) = 1)'
        : 'EXISTS (SELECT 1 FROM json_each(a.ips) WHERE value = ?)';
      const words = ipWords(ip);
      const expression = `ips : ${phrase(words, false, clause.position)}`;
      conditions.push(`${not}${address}`);
      params.push(ip.text);
      if (!negated) {
        positive.push(expression);
        phrases.push(textPhrase(words, false, 'ips'));
      }
      continue;
    }
    const whole = clause.op === '=' ? wholeValueColumn[field] : undefined;
    if (whole !== undefined) {
      // The value's words narrow the search through the full-text index; the column decides.
      const test = wholeValueTest(`a.${whole}`, value);
      // An unknown value is not the value asked for: `-os=Linux` keeps assets of unknown OS.
      conditions.push(negated ? `NOT coalesce(${test.sql}, 0)` : test.sql);
      params.push(test.param);
      if (!negated) {
        positive.push(`${whole} : ${phrase(value, false, clause.position)}`);
        phrases.push(textPhrase(value, false, whole));
      }
      continue;
    }
    if (field === 'mac') {
      // The words narrow the search through the full-text index; one MAC holding them decides.
      const normalized = value.toLowerCase().replaceAll('-', ':');
      const expression = `macs : ${phrase(normalized, false, clause.position)}`;
      conditions.push(`${not}${macCondition}`);
      params.push(macNeedle(value));
      if (!negated) {
        positive.push(expression);
        phrases.push(textPhrase(normalized, false, 'macs'));
      }
      continue;
    }
    const column = ftsColumn[field];
    if (column !== undefined) {
      const expression = `${column} : ${phrase(value, false, clause.position)}`;
      if (negated) negatedMatch(expression);
      else {
        positive.push(expression);
        phrases.push(textPhrase(value, false, column));
      }
      continue;
    }
    const exact = exactColumn[field];
    if (exact !== undefined) {
      const test = wholeValueTest(`a.${exact}`, value);
      // An unknown value is not the value asked for: `-cluster:pve-ber` keeps unclustered assets.
      conditions.push(negated ? `NOT coalesce(${test.sql}, 0)` : test.sql);
      params.push(test.param);
      continue;
    }
    switch (field) {
      case 'status':
      case 'kind':
        conditions.push(`${not}(a.${field} = ?)`);
        params.push(value.toLowerCase());
        break;
      case 'source':
        conditions.push(`a.in_${value.toLowerCase()} = ${negated ? 0 : 1}`);
        break;
      case 'missing':
        conditions.push(`a.in_${value.toLowerCase()} = ${negated ? 1 : 0}`);
        break;
      case 'drift':
        conditions.push(`${not}${driftSql(value.toLowerCase() as SourceSystem, configured)}`);
        break;
      case 'id':
        // Never null: the primary key answers the comparison directly.
        conditions.push(`${not}(a.id ${sqlOp[clause.op]} ?)`);
        params.push(Number(value));
        break;
      case 'updates':
      case 'security': {
        // Unknown counts as 0. When 0 fails the comparison (`updates>0`), unknown rows fail it
        // anyway, so the plain comparison is the same condition and can use the column's index.
        const n = Number(value);
        const zeroPasses = compare(0, clause.op, n);
        const column = !negated && !zeroPasses ? `a.${field}` : `coalesce(a.${field}, 0)`;
        conditions.push(`${not}(${column} ${sqlOp[clause.op]} ?)`);
        params.push(n);
        break;
      }
      case 'reboot': {
        const yes = ['yes', 'true'].includes(value.toLowerCase()) !== negated;
        conditions.push(yes ? 'a.reboot_needed = 1' : 'coalesce(a.reboot_needed, 0) = 0');
        break;
      }
      case 'offline': {
        const yes = ['yes', 'true'].includes(value.toLowerCase()) !== negated;
        const list = offlineProfiles.map(() => '?').join(', ');
        const any =
          offlineProfiles.length === 0
            ? '0'
            : `EXISTS (SELECT 1 FROM asset_links l WHERE l.asset_id = a.id AND l.profile_id IN (${list}))`;
        conditions.push(yes ? any : `NOT ${any}`);
        params.push(...offlineProfiles);
        break;
      }
      case 'name':
      case 'fqdn':
      case 'os':
      case 'group':
      case 'tag':
      case 'cluster':
      case 'site':
      case 'org':
      case 'location':
        break;
      default:
        assertNever(field, 'query field');
    }
  }
  const rest = conditions.length === 0 ? '1' : conditions.join(' AND ');
  const match = positive.length === 0 ? null : positive.join(' AND ');
  if (match === null) {
    return {
      where: rest,
      params,
      match,
      rest,
      restParams: params,
      probeWeight: null,
      phrases: null,
    };
  }
  return {
    probeWeight: probeWeightOf(positive),
    phrases: phrases.every((p) => p !== null) ? phrases : null,
    where: conditions.length === 0 ? ftsCondition : `${ftsCondition} AND ${rest}`,
    params: [match, ...params],
    match,
    rest,
    restParams: params,
  };
}

/** The clauses with each negated filter of several values as one negated filter per value. */
export function withoutNegatedAlternatives(clauses: readonly Clause[]): Clause[] {
  return clauses.flatMap((clause) =>
    clause.type === 'filter' && clause.negated && clause.alternatives !== undefined
      ? eachAlternative(clause)
      : [clause],
  );
}

function probeWeightOf(phrases: readonly string[]): number | null {
  const words = phrases.map(directPhraseWords);
  return words.every((n) => n > 0) ? words.reduce((a, b) => a + b, 0) : null;
}

const ftsCondition = 'a.id IN (SELECT rowid FROM asset_fts WHERE asset_fts MATCH ?)';

/** Text sorts by its key (migration 11): case-folded, numbers by value; the group is the first. */
export const sortColumn: Record<SortField, string> = {
  name: 'a.name_sort',
  kind: 'a.kind',
  status: 'a.status',
  os: 'a.os_sort',
  updates: 'a.updates',
  security: 'a.security',
  fqdn: 'a.fqdn_sort',
  cluster: 'a.cluster_sort',
  group: 'a.group_sort',
};

/** Sort fields that are never null: one index serves both directions. */
const notNull: readonly SortField[] = ['name', 'kind', 'status'];

/**
 * The order of a page. Unknown values sort last either way; rows with equal values come in name
 * order, ascending in both directions, and the id keeps pages stable. SQLite orders NULL first,
 * so descending order already puts them last, and ascending order sorts on `column IS NULL`
 * first. The value part matches one index of migrations 5 and 7 exactly (`sortIndex`;
 * migration 11 moved the text ones onto sort keys), so a page walks it and sorts only the rows
 * of each value it reaches by name, stopping once the page is complete.
 */
export function orderBy(field: SortField, direction: 'asc' | 'desc'): string {
  const column = sortColumn[field];
  const ties = field === 'name' ? 'a.id ASC' : 'a.name_sort ASC, a.id ASC';
  if (direction === 'desc') return `${column} DESC, ${ties}`;
  if (notNull.includes(field)) return `${column} ASC, ${ties}`;
  return `${column} IS NULL, ${column} ASC, ${ties}`;
}

/** The index whose order is the value part of `orderBy(field, direction)`. */
export function sortIndex(field: SortField, direction: 'asc' | 'desc'): string {
  return notNull.includes(field) || direction === 'desc'
    ? `assets_${field}`
    : `assets_${field}_asc`;
}

export interface SearchSql {
  sql: string;
  params: (string | number)[];
}

/**
 * Counts matches, reading at most `upTo` of them (-1: all). The answer `n` is the number of
 * matches when that is at most `upTo`; otherwise it is more than `upTo` (the query without
 * conditions always answers the full count, which SQLite keeps cheaply).
 */
export function countSql(query: CompiledQuery, upTo: number): SearchSql {
  if (query.match === null) {
    if (query.rest === '1') return { sql: 'SELECT count(*) AS n FROM assets', params: [] };
    return {
      sql: `SELECT count(*) AS n FROM (SELECT 1 FROM assets a WHERE ${query.rest} LIMIT ?)`,
      params: [...query.restParams, upTo],
    };
  }
  if (query.rest === '1') {
    return {
      sql: 'SELECT count(*) AS n FROM (SELECT 1 FROM asset_fts WHERE asset_fts MATCH ? LIMIT ?)',
      params: [query.match, upTo],
    };
  }
  return {
    sql: `SELECT count(*) AS n FROM (SELECT 1 FROM asset_fts f CROSS JOIN assets a ON a.id = f.rowid
      WHERE f.asset_fts MATCH ? AND ${query.rest} LIMIT ?)`,
    params: [query.match, ...query.restParams, upTo],
  };
}

/**
 * How a page is read. `walk` follows the sort index and keeps matching rows until the page is
 * full: cheap when matches are common, whatever their number. `gather` reads every match and
 * sorts them: cheap when matches are few. Both give the same rows in the same order.
 */
export type PagePlan = 'walk' | 'gather';

/** The plan that reads fewer rows for `matches` of `assets`, for a page ending at `end`. */
export function pagePlan(matches: number, assets: number, end: number): PagePlan {
  // Walking reads about end * assets / matches rows, gathering about `matches`.
  return matches * matches <= end * assets ? 'gather' : 'walk';
}

export function pageSql(
  query: CompiledQuery,
  field: SortField,
  direction: 'asc' | 'desc',
  plan: PagePlan,
  limit: number,
  offset: number,
): SearchSql {
  const order = orderBy(field, direction);
  if (plan === 'walk') {
    return {
      sql: `SELECT a.* FROM assets a INDEXED BY ${sortIndex(field, direction)} WHERE ${query.where}
        ORDER BY ${order} LIMIT ? OFFSET ?`,
      params: [...query.params, limit, offset],
    };
  }
  if (query.match === null) {
    return {
      sql: `SELECT a.* FROM assets a WHERE ${query.rest} ORDER BY ${order} LIMIT ? OFFSET ?`,
      params: [...query.restParams, limit, offset],
    };
  }
  return {
    sql: `SELECT a.* FROM asset_fts f CROSS JOIN assets a ON a.id = f.rowid
      WHERE f.asset_fts MATCH ? AND ${query.rest} ORDER BY ${order} LIMIT ? OFFSET ?`,
    params: [query.match, ...query.restParams, limit, offset],
  };
}

/**
 * The rows passing everything but the full-text match, in page order, each with whether it
 * matches: a page of common words reads about a page of rows instead of every match.
 */
export function probeSql(
  query: CompiledQuery & { match: string },
  field: SortField,
  direction: 'asc' | 'desc',
  rows: number,
): SearchSql {
  return {
    sql: `SELECT a.id AS id,
        EXISTS (SELECT 1 FROM asset_fts f WHERE f.asset_fts MATCH ? AND f.rowid = a.id) AS hit
      FROM assets a INDEXED BY ${sortIndex(field, direction)} WHERE ${query.rest}
      ORDER BY ${orderBy(field, direction)} LIMIT ?`,
    params: [query.match, ...query.restParams, rows],
  };
}
