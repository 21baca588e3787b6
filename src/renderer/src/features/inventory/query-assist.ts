import type { Facets } from '../../../../shared/inventory';

/**
 * Autocomplete for the inventory query language (docs/query-language.md): field names while a
 * word is being typed, known values after `field:`. The field list mirrors the parser's; the
 * values come from the fixed enums and from the facets of the stored inventory.
 */
export const queryFields = [
  'name',
  'fqdn',
  'ip',
  'mac',
  'os',
  'group',
  'tag',
  'cluster',
  'site',
  'org',
  'location',
  'status',
  'kind',
  'source',
  'missing',
  'drift',
  'updates',
  'security',
  'id',
  'reboot',
  'offline',
] as const;

const systems = ['foreman', 'proxmox', 'patchmon', 'routeros'];
const fixedValues: Partial<Record<string, readonly string[]>> = {
  status: ['running', 'stopped', 'paused', 'offline', 'pending', 'unknown'],
  kind: ['vm', 'container', 'node', 'bare-metal', 'router', 'host'],
  source: systems,
  missing: systems,
  drift: ['foreman', 'proxmox', 'patchmon'],
  reboot: ['yes', 'no'],
  offline: ['yes', 'no'],
  updates: ['>0'],
  security: ['>0'],
};

export interface Token {
  /** Where the word under the cursor starts and ends in the query. */
  start: number;
  end: number;
  text: string;
}

export interface Suggestion {
  /** What the list shows. */
  label: string;
  /** What replaces the word under the cursor. */
  insert: string;
  hint: string;
}

/** The whitespace-separated word the cursor is in (or just after). */
export function tokenAt(query: string, cursor: number): Token {
  let start = cursor;
  while (start > 0 && !/\s/.test(query[start - 1] ?? '')) start--;
  let end = cursor;
  while (end < query.length && !/\s/.test(query[end] ?? '')) end++;
  return { start, end, text: query.slice(start, end) };
}

function quoteIfNeeded(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : value;
}

/** Fields whose known values come from the stored inventory's facets. */
const facetFields = ['os', 'cluster', 'site', 'group', 'tag', 'org', 'location'] as const;
const isFacetField = (field: string): field is (typeof facetFields)[number] =>
  (facetFields as readonly string[]).includes(field);

function knownValues(field: string, facets: Facets | undefined): string[] {
  const fixed = fixedValues[field] ?? [];
  const counts = isFacetField(field) ? (facets?.[field] ?? {}) : {};
  const fromFacets = Object.keys(counts).filter((value) => value !== 'unknown');
  return [...new Set([...fixed, ...fromFacets])];
}

export function suggest(
  query: string,
  cursor: number,
  facets: Facets | undefined,
  max = 8,
): Suggestion[] {
  const token = tokenAt(query, cursor);
  const negation = token.text.startsWith('-') ? '-' : '';
  const word = token.text.slice(negation.length);
  if (word === '' || word.startsWith('"')) return [];
  const colon = word.indexOf(':');
  if (colon === -1) {
    const lower = word.toLowerCase();
    return queryFields
      .filter((field) => field.startsWith(lower) && field !== lower)
      .slice(0, max)
      .map((field) => ({ label: `${field}:`, insert: `${negation}${field}:`, hint: 'field' }));
  }
  const field = word.slice(0, colon).toLowerCase();
  // After a comma, the next of several values (cluster:pve-ber,pve-f): the ones before stay.
  const list = word.slice(colon + 1);
  const before = list.slice(0, list.lastIndexOf(',') + 1);
  const typed = list.slice(before.length).replace(/^"/, '').toLowerCase();
  const values = knownValues(field, facets).filter(
    (value) => value.toLowerCase().startsWith(typed) && (before === '' || !value.startsWith('>')),
  );
  // A value typed in full comes first, so Enter keeps it rather than taking a longer one
  // (cluster:pve-ber is not cluster:pve-ber2); alone, it needs no suggesting.
  const exact = values.filter((value) => value.toLowerCase() === typed);
  const longer = values.filter((value) => value.toLowerCase() !== typed);
  if (longer.length === 0) return [];
  return [...exact, ...longer].slice(0, max).map((value) => {
    const comparison = value.startsWith('>');
    const text = comparison ? `${field}${value}` : `${field}:${before}${quoteIfNeeded(value)}`;
    return {
      label: text,
      insert: `${negation}${text}`,
      hint: field === 'os' && !fixedValues[field] ? 'from your fleet' : field,
    };
  });
}

/** The query with the word under the cursor replaced, and where the cursor goes after it. */
export function applySuggestion(
  query: string,
  cursor: number,
  suggestion: Suggestion,
): { query: string; cursor: number } {
  const token = tokenAt(query, cursor);
  const completesField = suggestion.insert.endsWith(':');
  const insert = completesField ? suggestion.insert : `${suggestion.insert} `;
  const rest = query.slice(token.end);
  const after = completesField ? rest : rest.replace(/^ /, '');
  const next = `${query.slice(0, token.start)}${insert}${after}`;
  return { query: next, cursor: token.start + insert.length };
}

export interface QueryProblem {
  /** 1-based character of the problem, counted as seen (an emoji is one), as the parser does. */
  position: number;
  detail: string;
}

/** Reads the parser's "Query error at position N: detail" message. */
export function queryProblem(message: string): QueryProblem | undefined {
  const match = /^Query error at position (\d+): (.*)$/s.exec(message);
  if (!match) return undefined;
  return { position: Number(match[1]), detail: match[2] ?? '' };
}
