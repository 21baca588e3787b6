import { RouterOsProtocolError } from './errors';
import { prefixSize, readLength } from './length';

/** A decoded sentence: its words as raw bytes, in wire order, without the terminator. */
export type Sentence = Uint8Array[];

/**
 * Bounds on what a peer can make the decoder hold. Checked as soon as a length prefix is read, so
 * a hostile prefix announcing 4 GiB is refused before any payload is buffered.
 */
export interface DecoderLimits {
  /** Largest single word, in bytes. */
  maxWordBytes: number;
  /** Most words in one sentence (terminator not counted). */
  maxWordsPerSentence: number;
  /** Most bytes held for one unfinished sentence, prefixes included. */
  maxBufferedBytes: number;
}

export const defaultDecoderLimits: DecoderLimits = {
  maxWordBytes: 1024 * 1024,
  maxWordsPerSentence: 4096,
  maxBufferedBytes: 8 * 1024 * 1024,
};

/**
 * Incremental RouterOS sentence decoder. Bytes may arrive in any chunking — one byte at a time,
 * split inside a length prefix, or many sentences per chunk — and each byte is copied once.
 * Empty sentences (a bare terminator) are skipped, as RouterOS and its clients skip them.
 *
 * After an error the decoder stays failed: the stream has lost its framing and cannot be
 * resynchronised, so every later call rethrows the first error.
 */
export class SentenceDecoder {
  readonly limits: DecoderLimits;
  private readonly prefix: number[] = [];
  private prefixNeeded = 0;
  private word: Uint8Array | undefined;
  private wordFilled = 0;
  private words: Sentence = [];
  private sentenceBytes = 0;
  private failure: RouterOsProtocolError | undefined;

  constructor(limits: Partial<DecoderLimits> = {}) {
    this.limits = { ...defaultDecoderLimits, ...limits };
  }

  /** Bytes held for the sentence in progress (0 between sentences). */
  get bufferedBytes(): number {
    return this.sentenceBytes;
  }

  /** True when the stream is between sentences, so ending it here loses nothing. */
  get atBoundary(): boolean {
    return this.sentenceBytes === 0 && this.prefix.length === 0 && this.word === undefined;
  }

  /** Feeds a chunk and returns every sentence it completed, in order. */
  push(chunk: Uint8Array): Sentence[] {
    if (this.failure) throw this.failure;
    try {
      return this.consume(chunk);
    } catch (error) {
      if (error instanceof RouterOsProtocolError) this.failure = error;
      throw error;
    }
  }

  /** Declares the end of the stream; throws if it ended inside a sentence. */
  end(): void {
    if (this.failure) throw this.failure;
    if (!this.atBoundary) {
      this.failure = new RouterOsProtocolError(
        'truncated',
        `stream ended inside a sentence (${this.sentenceBytes + this.prefix.length} bytes pending)`,
      );
      throw this.failure;
    }
  }

  private consume(chunk: Uint8Array): Sentence[] {
    const done: Sentence[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.word) {
        const take = Math.min(this.word.length - this.wordFilled, chunk.length - offset);
        this.word.set(chunk.subarray(offset, offset + take), this.wordFilled);
        this.wordFilled += take;
        offset += take;
        if (this.wordFilled === this.word.length) {
          this.words.push(this.word);
          this.word = undefined;
        }
        continue;
      }
      const byte = chunk[offset] ?? 0;
      offset += 1;
      if (this.prefix.length === 0) this.prefixNeeded = prefixSize(byte);
      this.prefix.push(byte);
      if (this.prefix.length < this.prefixNeeded) continue;
      const length = readLength(this.prefix);
      this.addBytes(this.prefix.length);
      this.prefix.length = 0;
      if (length === 0) {
        if (this.words.length > 0) done.push(this.words);
        this.words = [];
        this.sentenceBytes = 0;
        continue;
      }
      this.startWord(length);
    }
    return done;
  }

  private startWord(length: number): void {
    const { maxWordBytes, maxWordsPerSentence } = this.limits;
    if (length > maxWordBytes) {
      throw new RouterOsProtocolError(
        'word-too-long',
        `word of ${length} bytes exceeds the limit of ${maxWordBytes}`,
      );
    }
    if (this.words.length >= maxWordsPerSentence) {
      throw new RouterOsProtocolError(
        'too-many-words',
        `sentence has more than ${maxWordsPerSentence} words`,
      );
    }
    this.addBytes(length);
    this.word = new Uint8Array(length);
    this.wordFilled = 0;
  }

  private addBytes(count: number): void {
    this.sentenceBytes += count;
    if (this.sentenceBytes > this.limits.maxBufferedBytes) {
      throw new RouterOsProtocolError(
        'buffer-overflow',
        `sentence exceeds ${this.limits.maxBufferedBytes} buffered bytes`,
      );
    }
  }
}

/**
 * Sentences from a byte stream such as a socket (`for await (const s of readSentences(socket))`).
 * Throws a typed error on bad framing and on a stream that ends mid-sentence.
 */
export async function* readSentences(
  source: AsyncIterable<Uint8Array>,
  limits: Partial<DecoderLimits> = {},
): AsyncGenerator<Sentence, void, undefined> {
  const decoder = new SentenceDecoder(limits);
  for await (const chunk of source) {
    for (const sentence of decoder.push(chunk)) yield sentence;
  }
  decoder.end();
}
