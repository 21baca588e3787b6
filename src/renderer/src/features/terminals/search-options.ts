import type { ISearchOptions, ISearchResultChangeEvent } from '@xterm/addon-search';

/** The scrollback search's toggles, named as the search addon names its options. */
export interface SearchToggles {
  caseSensitive: boolean;
  wholeWord: boolean;
  regex: boolean;
}

export type SearchToggle = keyof SearchToggles;

export const noToggles: SearchToggles = { caseSensitive: false, wholeWord: false, regex: false };

/** Each toggle's button: its name, its Alt shortcut (by physical key) and its short face. */
export const searchToggles: readonly {
  option: SearchToggle;
  label: string;
  key: string;
  code: string;
  face: string;
}[] = [
  { option: 'caseSensitive', label: 'Match case', key: 'c', code: 'KeyC', face: 'Aa' },
  { option: 'wholeWord', label: 'Whole word', key: 'w', code: 'KeyW', face: 'ab' },
  { option: 'regex', label: 'Regular expression', key: 'r', code: 'KeyR', face: '.*' },
];

/**
 * The toggle an Alt+letter press means, if any. The physical key counts, as on macOS Option+C
 * types "ç"; the letter is the fallback for keyboards whose layout moves the letters.
 */
export function toggleForKey(
  event: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'key' | 'code'>,
): SearchToggle | undefined {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return undefined;
  const byCode = searchToggles.find((toggle) => toggle.code === event.code);
  const byKey = searchToggles.find((toggle) => toggle.key === event.key.toLowerCase());
  return (byCode ?? byKey)?.option;
}

/**
 * Whether the search addon can search for `pattern` as a regular expression. It builds the
 * expression itself (flags `g` or `gi`) and throws on one that does not compile.
 */
export function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'g');
    return true;
  } catch {
    return false;
  }
}

/** What the search addon counts as not part of a word, for its whole-word option. */
const wordBreaks = ' ~!@#$%^&*()+`-=[]{}|\\;:"\',./<>?';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * The text and options to hand the search addon. Its whole-word search gives up on a line at
 * the first match that is part of a longer word ("foo" in "foo foobar foo" finds one, and counts
 * one), so a whole-word search is a regular expression that only matches whole words; the
 * addon's own check stays on as well.
 */
export function addonSearch(
  query: string,
  toggles: SearchToggles,
): { term: string; options: SearchToggles } {
  if (!toggles.wholeWord) return { term: query, options: toggles };
  const breaks = `[${escapeRegExp(wordBreaks)}]`;
  const pattern = toggles.regex ? `(?:${query})` : escapeRegExp(query);
  return {
    term: `(?<=^|${breaks})${pattern}(?=$|${breaks})`,
    options: { ...toggles, regex: true },
  };
}

/** Matches are highlighted (and counted: the addon reports counts only with decorations). */
export const matchDecorations: NonNullable<ISearchOptions['decorations']> = {
  matchBackground: '#5a4a14',
  matchOverviewRuler: '#b7791f',
  activeMatchBackground: '#b7791f',
  activeMatchColorOverviewRuler: '#f0b429',
};

/** The addon's default limit on highlighted (and so counted) matches. */
export const countedMatchLimit = 1000;

/** "3 of 12", "No matches", or "1000+ matches" past the limit the addon counts to. */
export function describeResults(results: ISearchResultChangeEvent): string {
  const { resultIndex, resultCount } = results;
  if (resultCount === 0) return 'No matches';
  if (resultIndex >= 0) return `${String(resultIndex + 1)} of ${String(resultCount)}`;
  if (resultCount >= countedMatchLimit) return `${String(countedMatchLimit)}+ matches`;
  return resultCount === 1 ? '1 match' : `${String(resultCount)} matches`;
}
