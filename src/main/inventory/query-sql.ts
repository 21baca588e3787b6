import { assertNever } from '../../shared/errors';
import type { SortField } from '../../shared/inventory';
import { QueryError, type Clause, type Field } from './query-parser';

export interface CompiledQuery {
  where: string;
  params: (string | number)[];
}

const ftsColumn: Partial<Record<Field, string>> = {
  name: 'name',
  fqdn: 'fqdn',
  ip: 'ips',
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

const sqlOp = { ':': '=', '=': '=', '>': '>', '>=': '>=', '<': '<', '<=': '<=' } as const;

/** An FTS5 phrase for a user's words; quoting makes every operator character plain text. */
function phrase(value: string, prefix: boolean, position: number): string {
  if (!/[\p{L}\p{N}]/u.test(value)) {
    throw new QueryError(
      position,
      `"${value.slice(0, 40)}" has no letters or digits to search for`,
    );
  }
  const star = value.endsWith('*');
  const text = (star ? value.slice(0, -1) : value).replaceAll('"', '""');
  return `"${text}"${prefix || star ? '*' : ''}`;
}

/**
 * Turns parsed clauses into an SQL condition over `assets a`. Free text and word fields go
 * through the FTS5 index in one MATCH; everything else is a plain column condition.
 * `offlineProfiles` are the profiles whose last sync failed.
 */
export function compileQuery(
  clauses: readonly Clause[],
  offlineProfiles: readonly string[],
): CompiledQuery {
  const positive: string[] = [];
  const conditions: string[] = [];
  const params: (string | number)[] = [];
  const negatedMatch = (expression: string): void => {
    conditions.push('a.id NOT IN (SELECT rowid FROM asset_fts WHERE asset_fts MATCH ?)');
    params.push(expression);
  };
  for (const clause of clauses) {
    if (clause.type === 'text') {
      const expression = phrase(clause.value, true, clause.position);
      if (clause.negated) negatedMatch(expression);
      else positive.push(expression);
      continue;
    }
    const { field, negated, value } = clause;
    const not = negated ? 'NOT ' : '';
    const column = ftsColumn[field];
    if (column !== undefined) {
      const normalized = field === 'mac' ? value.toLowerCase().replaceAll('-', ':') : value;
      const expression = `${column} : ${phrase(normalized, false, clause.position)}`;
      if (negated) negatedMatch(expression);
      else positive.push(expression);
      continue;
    }
    const exact = exactColumn[field];
    if (exact !== undefined) {
      if (value.endsWith('*')) {
        conditions.push(`${not}(a.${exact} LIKE ? ESCAPE '\\')`);
        params.push(`${value.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      } else {
        conditions.push(`${not}(a.${exact} = ? COLLATE NOCASE)`);
        params.push(value);
      }
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
      case 'updates':
      case 'security':
      case 'id': {
        const column = field === 'id' ? 'a.id' : `a.${field}`;
        conditions.push(`${not}(coalesce(${column}, 0) ${sqlOp[clause.op]} ?)`);
        params.push(Number(value));
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
      case 'ip':
      case 'mac':
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
  if (positive.length > 0) {
    conditions.unshift('a.id IN (SELECT rowid FROM asset_fts WHERE asset_fts MATCH ?)');
    params.unshift(positive.join(' AND '));
  }
  return { where: conditions.length === 0 ? '1' : conditions.join(' AND '), params };
}

const sortColumn: Record<SortField, string> = {
  name: 'a.name',
  kind: 'a.kind',
  status: 'a.status',
  os: 'a.os',
  updates: 'a.updates',
  security: 'a.security',
  fqdn: 'a.fqdn',
  cluster: 'a.cluster',
};

export function orderBy(field: SortField, direction: 'asc' | 'desc'): string {
  const column = sortColumn[field];
  const dir = direction === 'desc' ? 'DESC' : 'ASC';
  // The id keeps pages stable. Names are never null, so that sort can walk the name index and
  // stop after one page; elsewhere unknown values sort last either way.
  if (field === 'name' || field === 'kind' || field === 'status') {
    return `${column} ${dir}, a.id ${dir}`;
  }
  return `${column} IS NULL, ${column} ${dir}, a.id ${dir}`;
}
