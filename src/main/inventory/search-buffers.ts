/**
 * Per-row buffers for reading one page of the search index, lent for that page and taken back
 * after it: a new 100 000-entry buffer for every condition of every keystroke would soon have
 * the garbage collector stop everything to free them.
 */
export class PageBuffers {
  constructor(private readonly size: number) {}

  readonly #marks = new Lender(() => new Uint8Array(this.size));
  readonly #rows = new Lender(() => new Int32Array(this.size));

  /** Row marks (one byte per row), all set to `value`. */
  marks(value: number): Uint8Array {
    return this.#marks.lend().fill(value);
  }

  /** A list with room for every row (its contents are left as they were). */
  rows(): Int32Array {
    return this.#rows.lend();
  }

  /** Takes back everything lent since the last call. */
  release(): void {
    this.#marks.release();
    this.#rows.release();
  }
}

class Lender<T> {
  constructor(private readonly make: () => T) {}

  readonly #spare: T[] = [];
  readonly #lent: T[] = [];

  lend(): T {
    const item = this.#spare.pop() ?? this.make();
    this.#lent.push(item);
    return item;
  }

  release(): void {
    this.#spare.push(...this.#lent);
    this.#lent.length = 0;
  }
}
