/**
 * The order Rackside lists names in, everywhere: the inventory's SQL sort keys, the CLI and the
 * app's own lists. The key the inventory sorts names and other text by: case folded, and every run of digits
 * compared as a number, so `web2` comes before `web10`, `Debian 9` before `Debian 12` and `Web3`
 * sits among the `web…` names. A run becomes a letter for its length (`A` = one digit, up to
 * `Z` = 26 and longer) and its digits without leading zeros; the letters sort after `-` and `.`
 * and before lowercase text, as digits do in plain ASCII order. The text itself follows after
 * `\u0001`, so values that fold alike (`web01`, `Web1`, `web1`) stay next to each other and in
 * a fixed order: a grouped table shows each of them as one run.
 */
export function nameSortKey(name: string): string {
  const folded = name.toLowerCase().replace(/[0-9]+/g, (run) => {
    const digits = run.replace(/^0+(?=[0-9])/, '');
    return String.fromCharCode(0x40 + Math.min(digits.length, 26)) + digits;
  });
  return `${folded}\u0001${name}`;
}

/** Compares two names in the inventory's name order (for lists sorted in memory). */
export function compareNames(a: string, b: string): number {
  const ka = nameSortKey(a);
  const kb = nameSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** `nameSortKey` of a value that may be unknown: unknown stays null (it sorts last). */
export function sortKeyOrNull(value: string | null): string | null {
  return value === null ? null : nameSortKey(value);
}
