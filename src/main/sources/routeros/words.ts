import { concatBytes } from '../../../shared/bytes';
import { encodeLength } from './length';
import { asciiToString, encodeText, type RouterOsCharset } from './text';

/** A word to send: text is encoded with the session's charset, bytes are sent as they are. */
export type WordInput = string | Uint8Array;

const equalsSign = 0x3d;
const dot = 0x2e;
const terminator = Uint8Array.of(0);

export function wordBytes(word: WordInput, charset: RouterOsCharset = 'auto'): Uint8Array {
  return typeof word === 'string' ? encodeText(word, charset) : word;
}

/** One word as length prefix + payload. */
export function encodeWord(word: WordInput, charset: RouterOsCharset = 'auto'): Uint8Array {
  const payload = wordBytes(word, charset);
  return concatBytes([encodeLength(payload.length), payload]);
}

/**
 * A sentence as separately framed words, the zero-length terminator last. Writers that must
 * send each word in its own write (as some clients do) use this form.
 */
export function encodeSentenceFrames(
  words: readonly WordInput[],
  charset: RouterOsCharset = 'auto',
): Uint8Array[] {
  return [...words.map((word) => encodeWord(word, charset)), terminator];
}

/** A sentence as one buffer: every word framed, then the zero-length word. */
export function encodeSentence(
  words: readonly WordInput[],
  charset: RouterOsCharset = 'auto',
): Uint8Array {
  return concatBytes(encodeSentenceFrames(words, charset));
}

/** `=name=value`; the value may itself contain `=` and may be empty. */
export function attributeWord(
  name: string,
  value: WordInput,
  charset: RouterOsCharset = 'auto',
): Uint8Array {
  return concatBytes([encodeText(`=${name}=`), wordBytes(value, charset)]);
}

export interface SplitWord {
  name: string;
  value: Uint8Array;
}

/**
 * Splits `=name=value` at the second `=`, so `=name=iu=c3Eeg` keeps `iu=c3Eeg` whole. A word with
 * a single `=` (`=follow`) reads as a name with an empty value, as tolerant clients read it.
 * Returns undefined for a word that is not an attribute word.
 */
export function splitAttributeWord(word: Uint8Array): SplitWord | undefined {
  if (word[0] !== equalsSign) return undefined;
  const second = word.indexOf(equalsSign, 1);
  if (second === -1) return { name: asciiToString(word.subarray(1)), value: new Uint8Array(0) };
  return { name: asciiToString(word.subarray(1, second)), value: word.subarray(second + 1) };
}

/** Splits an API attribute word such as `.tag=abc` at its first `=`. */
export function splitApiWord(word: Uint8Array): SplitWord | undefined {
  if (word[0] !== dot) return undefined;
  const first = word.indexOf(equalsSign);
  if (first === -1) return { name: asciiToString(word), value: new Uint8Array(0) };
  return { name: asciiToString(word.subarray(0, first)), value: word.subarray(first + 1) };
}
