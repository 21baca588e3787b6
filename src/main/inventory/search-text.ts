import { caseFold } from '../db/sqlite';

/**
 * The text the search index holds for an asset, and what a query's words are searched as. Both
 * have their case folded by `caseFold`, as whole values are compared: the index's tokenizer folds
 * only letter by letter (ß would stay apart from SS, which `name=STRASSE` finds).
 *
 * Lists (addresses, MACs, groups, tags, other names): a phrase is words in a row, and the words
 * of a list are one run: without a break, `tag:"prod web"` would find the tags prod and web-eu,
 * as the last word of one tag and the first of the next. Between two items stands a word of its
 * own that no query searches for.
 */

/**
 * The word between two items: a private-use character, which the index's tokenizer keeps as a
 * word and no source is likely to send. A query never searches for it (`searchedText`).
 */
export const itemBreak = '\u{10FFFD}';

/** A value as the search index's text. */
export function valueText(value: string): string {
  return caseFold(value);
}

/** A list as the search index's text: its items with an `itemBreak` between each two. */
export function listText(items: readonly string[]): string {
  return items.map(caseFold).join(` ${itemBreak} `);
}

/**
 * What a query's text is searched for: folded as the index's text is, and an `itemBreak` in it is
 * a space, so no query can find the breaks themselves (a phrase across two items, every asset
 * with two tags).
 */
export function searchedText(text: string): string {
  return caseFold(text).replaceAll(itemBreak, ' ');
}

/**
 * The items of a list column as stored (JSON written by `JSON.stringify`); null when it holds no
 * list. Without escapes no item holds a quote, so the items lie between `","`, read without
 * parsing: the search index reads every list of every asset.
 */
export function listItems(value: string): string[] | null {
  if (value === '[]') return [];
  if (!value.includes('\\') && value.startsWith('["') && value.endsWith('"]')) {
    return value.slice(2, -2).split('","');
  }
  try {
    const items: unknown = JSON.parse(value);
    return Array.isArray(items) ? items.map(String) : null;
  } catch {
    return null;
  }
}
