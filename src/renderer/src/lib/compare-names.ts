const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Orders names as the inventory does: case aside and numbers by value, so `pve2` comes before
 * `pve10`. For the lists the renderer sorts itself (profiles, folders, saved searches).
 */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b);
}
