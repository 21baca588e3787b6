import { textWords } from './query-sql';
import type { PageBuffers } from './search-buffers';
import { columnCount, type SqliteWords } from './search-index-build';
import { searchedText } from './search-text';

/** One word of a phrase as a range of word ids (the words are numbered in sorted order). */
export interface WordRange {
  lo: number;
  hi: number;
}

/** A phrase of a query in the index's words. */
export interface IndexedPhrase {
  /** The column it must be found in, -1 for any. */
  column: number;
  words: WordRange[];
}

/** Postings sampled to estimate how many rows have a word in one column. */
const postingSample = 1024;

/**
 * The words of the search index in memory: every row's words per column, in order, and for
 * every word the rows that have it (its postings). Finds a query's phrases in them: which rows
 * have a phrase, tested row by row or gathered from the postings of its rarest word.
 */
export class WordIndex {
  constructor(
    /** Sorted words; a word's id is its place here. */
    private readonly words: string[],
    /** The words of every row's columns: row r's column c spans `spans[r*7+c]` to the next. */
    private readonly spans: Int32Array,
    private readonly tokens: Int32Array,
    /** Rows containing each word (ascending): word w's from `postingFrom[w]` to the next. */
    private readonly postingFrom: Int32Array,
    private readonly postings: Int32Array,
    /** The columns each of `postings` has its word in (bit c for column c). */
    private readonly postingColumns: Uint8Array,
    private readonly splitter: SqliteWords,
    /** The index's per-page lists, which a gather fills. */
    private readonly buffers: PageBuffers,
  ) {}

  /** Bytes held in typed arrays and word strings, about. */
  get bytes(): number {
    const typed = [this.spans, this.tokens, this.postingFrom, this.postings, this.postingColumns];
    return (
      typed.reduce((sum, a) => sum + a.byteLength, 0) +
      this.words.reduce((sum, w) => sum + 16 + w.length * 2, 0)
    );
  }

  /** The ids of the words starting with `word` (prefix) or equal to it. */
  range(word: string, prefix: boolean): WordRange {
    const { words } = this;
    let lo = 0;
    let hi = words.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((words[mid] ?? '') < word) lo = mid + 1;
      else hi = mid;
    }
    if (!prefix) return { lo, hi: words[lo] === word ? lo + 1 : lo };
    let end = lo;
    hi = words.length;
    while (end < hi) {
      const mid = (end + hi) >> 1;
      if ((words[mid] ?? '').startsWith(word)) end = mid + 1;
      else hi = mid;
    }
    return { lo, hi: end };
  }

  /**
   * A phrase of a query as word ranges; null when it has no words the index keeps, or no letters
   * or digits (an emoji): the SQL refuses that query with its reason, and so must the search.
   */
  phrase(value: string, prefix: boolean, column: number): IndexedPhrase | null {
    const star = value.endsWith('*');
    const text = searchedText(star ? value.slice(0, -1) : value);
    if (!/[\p{L}\p{N}]/u.test(text)) return null;
    const words = textWords(text) ?? this.splitter.words([text])[0] ?? [];
    if (words.length === 0) return null;
    const last = words.length - 1;
    return {
      column,
      words: words.map((word, i) => this.range(word, i === last && (prefix || star))),
    };
  }

  /** Rows with word ids in `range`, counted without reading them. */
  postingCount(range: WordRange): number {
    return (this.postingFrom[range.hi] ?? 0) - (this.postingFrom[range.lo] ?? 0);
  }

  /**
   * About how many rows have a word of `range` in `column` (-1: any): the share of the first
   * postings with the word there, applied to all of them. A word common elsewhere may be rare in
   * the one column a query names (`name:db*`, where `db` starts many host names in other columns).
   */
  postingEstimate(range: WordRange, column: number): number {
    const count = this.postingCount(range);
    if (column < 0 || count === 0) return count;
    const from = this.postingFrom[range.lo] ?? 0;
    const sample = Math.min(count, postingSample);
    const bit = 1 << column;
    let inColumn = 0;
    for (let at = from; at < from + sample; at++) {
      if (((this.postingColumns[at] ?? 0) & bit) !== 0) inColumn++;
    }
    return Math.ceil((count * inColumn) / sample);
  }

  /** Whether row `row` has the phrase (in its column, or in any). */
  has(phrase: IndexedPhrase, row: number): boolean {
    const { spans, tokens } = this;
    const length = phrase.words.length;
    const first = phrase.column < 0 ? 0 : phrase.column;
    const last = phrase.column < 0 ? columnCount - 1 : phrase.column;
    const only = phrase.words[0];
    if (length === 1 && only !== undefined) {
      // One word: one pass over the columns' words, which lie side by side.
      const to = spans[row * columnCount + last + 1] ?? 0;
      for (let at = spans[row * columnCount + first] ?? 0; at < to; at++) {
        const token = tokens[at] ?? -1;
        if (token >= only.lo && token < only.hi) return true;
      }
      return false;
    }
    for (let column = first; column <= last; column++) {
      const from = spans[row * columnCount + column] ?? 0;
      const to = (spans[row * columnCount + column + 1] ?? 0) - length;
      for (let at = from; at <= to; at++) {
        let i = 0;
        for (; i < length; i++) {
          const range = phrase.words[i];
          const token = tokens[at + i] ?? -1;
          if (range === undefined || token < range.lo || token >= range.hi) break;
        }
        if (i === length) return true;
      }
    }
    return false;
  }

  /**
   * The rows with a phrase, read from the rows of its rarest word: for a phrase of one word
   * those rows are the answer (checking the column when the phrase has one), for longer
   * phrases each is tested for the whole phrase.
   */
  gather(phrase: IndexedPhrase): { rows: Int32Array; marks: Uint8Array } {
    let rarest = phrase.words[0] ?? { lo: 0, hi: 0 };
    for (const range of phrase.words) {
      if (this.postingCount(range) < this.postingCount(rarest)) rarest = range;
    }
    const marks = this.buffers.marks(0);
    const from = this.postingFrom[rarest.lo] ?? 0;
    const to = this.postingFrom[rarest.hi] ?? 0;
    // Typed rather than a growing array: a common word has tens of thousands of rows (each
    // row once, so they fit in a list of every row).
    const rows = this.buffers.rows();
    let found = 0;
    if (phrase.words.length === 1) {
      // One word: its rows are the matches (those with it in the phrase's column, if it has one).
      const column = phrase.column < 0 ? 0xff : 1 << phrase.column;
      for (let at = from; at < to; at++) {
        const row = this.postings[at] ?? 0;
        if (marks[row] !== 1 && ((this.postingColumns[at] ?? 0) & column) !== 0) {
          marks[row] = 1;
          rows[found++] = row;
        }
      }
      return { rows: rows.subarray(0, found), marks };
    }
    for (let at = from; at < to; at++) {
      const row = this.postings[at] ?? 0;
      if (marks[row] === 0) {
        marks[row] = 2;
        if (this.has(phrase, row)) {
          marks[row] = 1;
          rows[found++] = row;
        }
      }
    }
    return { rows: rows.subarray(0, found), marks };
  }
}
