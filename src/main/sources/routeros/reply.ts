import type { Sentence } from './decoder';
import { RouterOsProtocolError } from './errors';
import { asciiToString, decodeText, type RouterOsCharset } from './text';
import { attributeWord, splitApiWord, splitAttributeWord, type WordInput } from './words';

export const replyTypes = ['re', 'done', 'trap', 'fatal', 'empty'] as const;
export type ReplyType = (typeof replyTypes)[number];

interface ReplyBase {
  /** `.tag` of the command this answers, wherever in the sentence it appeared. */
  tag: string | undefined;
  /** `=name=value` words decoded with the session charset; the last duplicate wins. */
  attributes: Readonly<Record<string, string>>;
  /** The same attributes as raw bytes, for writing a value back unchanged. */
  raw: ReadonlyMap<string, Uint8Array>;
}

/** One parsed reply sentence (reference/routeros.md §1.6). */
export type Reply =
  | (ReplyBase & { type: 're' | 'empty' })
  | (ReplyBase & { type: 'done'; ret: string | undefined })
  | (ReplyBase & { type: 'trap'; message: string; category: number | undefined })
  | (ReplyBase & { type: 'fatal'; reason: string });

export interface ParseReplyOptions {
  charset?: RouterOsCharset;
}

/**
 * Parses a reply sentence. Attribute and API words may come in any order (modern devices put
 * `.tag` second, old documentation shows it last). The reason of `!fatal` is a bare word with no
 * `=`. Throws `unknown-reply` for a reply word this codec does not know and
 * `malformed-sentence` for a sentence that does not start with one.
 */
export function parseReply(sentence: Sentence, options: ParseReplyOptions = {}): Reply {
  const charset = options.charset ?? 'auto';
  const [head, ...rest] = sentence;
  if (head?.[0] !== 0x21) {
    throw new RouterOsProtocolError(
      'malformed-sentence',
      `reply does not start with a reply word: ${preview(head)}`,
    );
  }
  const word = asciiToString(head.subarray(1));
  const type = replyTypes.find((known) => known === word);
  if (type === undefined) {
    throw new RouterOsProtocolError(
      'unknown-reply',
      `unknown reply word !${preview(head.subarray(1))}`,
    );
  }
  let tag: string | undefined;
  const raw = new Map<string, Uint8Array>();
  const bare: Uint8Array[] = [];
  for (const part of rest) {
    const attribute = splitAttributeWord(part);
    if (attribute) {
      raw.set(attribute.name, attribute.value);
      continue;
    }
    const api = splitApiWord(part);
    if (api?.name === '.tag') tag = decodeText(api.value, charset);
    else if (api) raw.set(api.name, api.value);
    else bare.push(part);
  }
  const attributes = Object.fromEntries(
    [...raw].map(([name, value]) => [name, decodeText(value, charset)] as const),
  );
  const base: ReplyBase = { tag, attributes, raw };
  switch (type) {
    case 're':
    case 'empty':
      return { ...base, type };
    case 'done':
      return { ...base, type, ret: attributes.ret };
    case 'trap': {
      const category = attributes.category === undefined ? undefined : Number(attributes.category);
      return {
        ...base,
        type,
        message: attributes.message ?? 'unknown failure (no message)',
        category: Number.isInteger(category) ? category : undefined,
      };
    }
    case 'fatal': {
      const reason = bare.map((part) => decodeText(part, charset)).join(' ');
      return { ...base, type, reason: reason || (attributes.message ?? '') };
    }
  }
}

export interface ReplyWordsInput {
  tag?: string | undefined;
  attributes?: Iterable<readonly [string, WordInput]>;
  /** Bare words, such as the reason of `!fatal`. */
  bare?: readonly WordInput[];
}

/**
 * The words of a reply sentence, with `.tag` second as modern devices send it. Values given as
 * bytes are sent unchanged.
 */
export function replyWords(type: ReplyType, input: ReplyWordsInput = {}): WordInput[] {
  const words: WordInput[] = [`!${type}`];
  if (input.tag !== undefined) words.push(`.tag=${input.tag}`);
  for (const [name, value] of input.attributes ?? []) {
    words.push(typeof value === 'string' ? `=${name}=${value}` : attributeWord(name, value));
  }
  words.push(...(input.bare ?? []));
  return words;
}

function preview(bytes: Uint8Array | undefined): string {
  if (bytes === undefined) return '(empty sentence)';
  return JSON.stringify(decodeText(bytes.subarray(0, 40), 'auto'));
}
