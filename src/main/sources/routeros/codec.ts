/**
 * The RouterOS native API codec, written for Rackside rather than taken from npm: the published
 * clients are unmaintained, crash on `!empty` and guess sentence ends from TCP chunk boundaries
 * (reference/routeros.md §4.1). Pure functions and a streaming decoder over bytes; no sockets.
 * Shared by the RouterOS connector and the lab's simulator.
 */
export { commandWords, parseCommand, proplistOf } from './command';
export type { CommandInput, ParsedCommand } from './command';
export { defaultDecoderLimits, readSentences, SentenceDecoder } from './decoder';
export type { DecoderLimits, Sentence } from './decoder';
export { RouterOsProtocolError } from './errors';
export type { RouterOsProtocolFault } from './errors';
export { encodeLength, maxEncodableLength, prefixSize, readLength } from './length';
export { legacyLoginResponse } from './login';
export { parseReply, replyTypes, replyWords } from './reply';
export type { ParseReplyOptions, Reply, ReplyType, ReplyWordsInput } from './reply';
export {
  asciiToString,
  bytesEqual,
  decodeText,
  encodeText,
  isAscii,
  routerOsCharsets,
} from './text';
export type { RouterOsCharset } from './text';
export { concatBytes } from '../../../shared/bytes';
export {
  attributeWord,
  encodeSentence,
  encodeSentenceFrames,
  encodeWord,
  splitApiWord,
  splitAttributeWord,
  wordBytes,
} from './words';
export type { SplitWord, WordInput } from './words';
