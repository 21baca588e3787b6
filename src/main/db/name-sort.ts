/**
 * The key the inventory sorts names by: case folded, and every run of digits compared as a
 * number, so `web2` comes before `web10` and `Web3` sits among the `web…` names. A run becomes a
 * letter for its length (`A` = one digit, up to `Z` = 26 and longer) and its digits without
 * leading zeros. The letters sort after `-` and `.` and before lowercase text, as digits do in
 * plain ASCII order; `web01` and `web1` get the same key and keep their id order.
 */
export function nameSortKey(name: string): string {
  return name.toLowerCase().replace(/[0-9]+/g, (run) => {
    const digits = run.replace(/^0+(?=[0-9])/, '');
    return String.fromCharCode(0x40 + Math.min(digits.length, 26)) + digits;
  });
}

/** SQL name of `nameSortKey`, registered on every connection (migration 11 fills the column). */
export const nameSortFunction = 'rackside_name_sort';
