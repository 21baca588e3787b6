import type { Sentence } from './decoder';
import { RouterOsProtocolError } from './errors';
import { asciiToString, decodeText } from './text';
import { attributeWord, splitApiWord, splitAttributeWord, type WordInput } from './words';

export interface CommandInput {
  /** The command word, e.g. `/interface/print`. */
  command: string;
  /** `=name=value` words; a value of `''` sends a flag such as `=follow=`. */
  attributes?: Iterable<readonly [string, WordInput]> | Readonly<Record<string, WordInput>>;
  /** Sent as the ordinary attribute word `=.proplist=a,b`. */
  proplist?: readonly string[];
  /** Query words without their leading `?`, in order (order matters among queries). */
  queries?: readonly string[];
  tag?: string;
}

/** The words of a client sentence: the command first, then attributes, `.tag` and queries. */
export function commandWords(input: CommandInput): WordInput[] {
  if (!input.command.startsWith('/')) {
    throw new RouterOsProtocolError(
      'malformed-sentence',
      `command word must start with "/": ${input.command}`,
    );
  }
  const words: WordInput[] = [input.command];
  const attributes = input.attributes ?? [];
  const pairs = Symbol.iterator in attributes ? attributes : Object.entries(attributes);
  for (const [name, value] of pairs) words.push(attributeWord(name, value));
  if (input.proplist) words.push(`=.proplist=${input.proplist.join(',')}`);
  if (input.tag !== undefined) words.push(`.tag=${input.tag}`);
  for (const query of input.queries ?? []) words.push(`?${query}`);
  return words;
}

/** A client sentence as the router sees it. Values stay raw bytes (§1.10). */
export interface ParsedCommand {
  command: string;
  tag: string | undefined;
  attributes: ReadonlyMap<string, Uint8Array>;
  /** API attribute words other than `.tag`, e.g. a future `.something=`. */
  api: ReadonlyMap<string, Uint8Array>;
  /** Query words without their leading `?`, in wire order. */
  queries: Uint8Array[];
  /** Words that fit no kind; RouterOS ignores none of these silently, so callers may refuse. */
  unknown: Uint8Array[];
}

/**
 * Parses a client sentence. The command word comes first; the others may come in any order.
 * Throws `malformed-sentence` when the first word is not a command (callers that must answer
 * with a trap, like the lab, catch it).
 */
export function parseCommand(sentence: Sentence): ParsedCommand {
  const [head, ...rest] = sentence;
  if (head?.[0] !== 0x2f) {
    throw new RouterOsProtocolError(
      'malformed-sentence',
      `first word is not a command: ${JSON.stringify(decodeText(head?.subarray(0, 40) ?? new Uint8Array(0)))}`,
    );
  }
  const attributes = new Map<string, Uint8Array>();
  const api = new Map<string, Uint8Array>();
  const queries: Uint8Array[] = [];
  const unknown: Uint8Array[] = [];
  let tag: string | undefined;
  for (const word of rest) {
    const attribute = splitAttributeWord(word);
    if (attribute) {
      attributes.set(attribute.name, attribute.value);
      continue;
    }
    const apiWord = splitApiWord(word);
    if (apiWord?.name === '.tag') tag = decodeText(apiWord.value);
    else if (apiWord) api.set(apiWord.name, apiWord.value);
    else if (word[0] === 0x3f) queries.push(word.subarray(1));
    else unknown.push(word);
  }
  return { command: asciiToString(head), tag, attributes, api, queries, unknown };
}

/** `=.proplist=a,b,c` as a list of names, or undefined when absent. */
export function proplistOf(attributes: ReadonlyMap<string, Uint8Array>): string[] | undefined {
  const value = attributes.get('.proplist');
  if (value === undefined) return undefined;
  return asciiToString(value)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}
