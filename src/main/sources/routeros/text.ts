import { RouterOsProtocolError } from './errors';

/**
 * RouterOS stores bytes and declares no character set (reference/routeros.md §1.10): WinBox writes
 * the PC's ANSI code page, other tools write UTF-8. Values therefore travel as raw bytes and are
 * decoded only for display, with a policy the profile chooses.
 *
 * `auto` is strict UTF-8, falling back to windows-1252 for the whole value when the bytes are not
 * valid UTF-8 — every byte sequence decodes, and pure ASCII is the same in all of them.
 */
export type RouterOsCharset = 'auto' | 'utf-8' | 'windows-1252' | 'windows-1250' | 'windows-1251';

export const routerOsCharsets: readonly RouterOsCharset[] = [
  'auto',
  'utf-8',
  'windows-1252',
  'windows-1250',
  'windows-1251',
];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/**
 * windows-1252 bytes 0x80–0x9F, per the WHATWG index (the five unassigned bytes map to the C1
 * control of the same value). Written out because Node 20's TextDecoder treats this label as
 * latin1, which turns `€` into U+0080.
 */
const cp1252High = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

interface SingleByteTable {
  decode: string[];
  encode: Map<string, number>;
}

const tables = new Map<string, SingleByteTable>();

function singleByteTable(charset: Exclude<RouterOsCharset, 'auto' | 'utf-8'>): SingleByteTable {
  const cached = tables.get(charset);
  if (cached) return cached;
  const decode: string[] = [];
  if (charset === 'windows-1252') {
    for (let byte = 0; byte < 256; byte += 1) {
      const high = byte >= 0x80 && byte < 0xa0 ? cp1252High[byte - 0x80] : undefined;
      decode.push(String.fromCharCode(high ?? byte));
    }
  } else {
    const decoder = new TextDecoder(charset);
    for (let byte = 0; byte < 256; byte += 1) decode.push(decoder.decode(Uint8Array.of(byte)));
  }
  const encode = new Map<string, number>();
  decode.forEach((char, byte) => {
    if (char !== '\uFFFD' && !encode.has(char)) encode.set(char, byte);
  });
  const table = { decode, encode };
  tables.set(charset, table);
  return table;
}

/** Decodes raw word bytes for display. Never throws: `utf-8` replaces bad bytes with U+FFFD. */
export function decodeText(bytes: Uint8Array, charset: RouterOsCharset = 'auto'): string {
  switch (charset) {
    case 'utf-8':
      return lenientUtf8.decode(bytes);
    case 'auto':
      if (isAscii(bytes)) return asciiToString(bytes);
      try {
        return strictUtf8.decode(bytes);
      } catch {
        return decodeText(bytes, 'windows-1252');
      }
    case 'windows-1252':
    case 'windows-1250':
    case 'windows-1251': {
      const { decode } = singleByteTable(charset);
      let text = '';
      for (const byte of bytes) text += decode[byte] ?? '';
      return text;
    }
  }
}

/**
 * Encodes text for the wire. `auto` and `utf-8` write UTF-8; a single-byte charset throws a
 * typed error for a character it cannot represent rather than silently writing `?`.
 */
export function encodeText(text: string, charset: RouterOsCharset = 'auto'): Uint8Array {
  if (charset === 'auto' || charset === 'utf-8') return utf8Encoder.encode(text);
  const { encode } = singleByteTable(charset);
  const bytes: number[] = [];
  for (const char of text) {
    const byte = encode.get(char);
    if (byte === undefined) {
      throw new RouterOsProtocolError(
        'unencodable-text',
        `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} has no ${charset} byte`,
      );
    }
    bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}

/** ASCII bytes to a string without a decoder: the common case for names, IDs and numbers. */
export function asciiToString(bytes: Uint8Array): string {
  let text = '';
  for (let start = 0; start < bytes.length; start += 4096) {
    text += String.fromCharCode(...bytes.subarray(start, start + 4096));
  }
  return text;
}

export function isAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte > 0x7f) return false;
  return true;
}

/** Byte-wise equality, used to compare raw values (query words, names) without decoding. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}
