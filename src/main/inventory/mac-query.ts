/**
 * `mac:` filters. The full-text index holds an asset's MACs as one run of words, so a phrase
 * alone also matches across two of them (`9b:bc:24:11`: the last byte of one MAC and the first
 * of the next). The words find the candidates; a MAC that holds them, whole bytes in a row,
 * decides, in the SQL and in the search index alike.
 */

/**
 * What one stored MAC must contain, between colons: `:9b:bc:` for `mac:9B-BC`, `:bc:24:1` for
 * `mac:bc:24:1*` (its last byte a prefix).
 */
export function macNeedle(value: string): string {
  const star = value.endsWith('*');
  const bytes = (star ? value.slice(0, -1) : value)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => part !== '');
  return `:${bytes.join(':')}${star ? '' : ':'}`;
}

/** Whether one of `macs` holds `needle` (`macNeedle`). */
export function macMatches(macs: readonly string[], needle: string): boolean {
  return macs.some((mac) => `:${mac.toLowerCase()}:`.includes(needle));
}

/** The SQL test of `macNeedle`'s needle (one parameter) against the asset's stored MACs. */
export const macCondition =
  "EXISTS (SELECT 1 FROM json_each(a.macs) WHERE instr(':' || lower(value) || ':', ?) > 0)";
