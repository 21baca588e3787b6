/**
 * A lookup by key over a list a simulator changes in place: built on first use and rebuilt after
 * `changed()`, so a detail request costs a map lookup instead of a scan of a large fleet. Where
 * two items share a key the first wins, as `Array.find` would have it.
 */
export class ListIndex<T, K> {
  #map: Map<K, T> | null = null;

  constructor(
    private readonly list: () => readonly T[],
    private readonly key: (item: T) => K,
  ) {}

  get(key: K): T | undefined {
    if (this.#map === null) {
      const map = new Map<K, T>();
      for (const item of this.list()) {
        const k = this.key(item);
        if (!map.has(k)) map.set(k, item);
      }
      this.#map = map;
    }
    return this.#map.get(key);
  }

  /** The list gained, lost or reordered items. */
  changed(): void {
    this.#map = null;
  }
}
