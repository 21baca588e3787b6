import { RouterOsProtocolError } from './errors';

/** The largest length the 5-byte prefix can carry (a 32-bit unsigned value). */
export const maxEncodableLength = 0xffffffff;

/**
 * Encodes a word length as the 1–5 byte big-endian prefix of the RouterOS API
 * (reference/routeros.md §1.2). The length counts bytes, never characters.
 */
export function encodeLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > maxEncodableLength) {
    throw new RangeError(`RouterOS word length out of range: ${length}`);
  }
  if (length < 0x80) return Uint8Array.of(length);
  if (length < 0x4000) return Uint8Array.of((length >>> 8) | 0x80, length & 0xff);
  if (length < 0x200000) {
    return Uint8Array.of((length >>> 16) | 0xc0, (length >>> 8) & 0xff, length & 0xff);
  }
  if (length < 0x10000000) {
    return Uint8Array.of(
      (length >>> 24) | 0xe0,
      (length >>> 16) & 0xff,
      (length >>> 8) & 0xff,
      length & 0xff,
    );
  }
  return Uint8Array.of(
    0xf0,
    (length >>> 24) & 0xff,
    (length >>> 16) & 0xff,
    (length >>> 8) & 0xff,
    length & 0xff,
  );
}

/**
 * How many prefix bytes a first byte announces. Bytes 0xF8–0xFF are control bytes, after which
 * the reference says a client cannot continue parsing; 0xF1–0xF7 announce no defined length.
 */
export function prefixSize(firstByte: number): 1 | 2 | 3 | 4 | 5 {
  if (firstByte < 0x80) return 1;
  if (firstByte < 0xc0) return 2;
  if (firstByte < 0xe0) return 3;
  if (firstByte < 0xf0) return 4;
  if (firstByte === 0xf0) return 5;
  const hex = `0x${firstByte.toString(16).toUpperCase()}`;
  if (firstByte >= 0xf8) {
    throw new RouterOsProtocolError(
      'control-byte',
      `control byte ${hex} where a word was expected`,
    );
  }
  throw new RouterOsProtocolError('malformed-length', `undefined length prefix byte ${hex}`);
}

/** Reads a complete prefix (exactly prefixSize(bytes[0]) bytes) as a length. */
export function readLength(prefix: ArrayLike<number>): number {
  const first = prefix[0] ?? 0;
  const size = prefixSize(first);
  if (prefix.length < size) {
    throw new RouterOsProtocolError('truncated', 'word length prefix is cut short');
  }
  const byteAt = (index: number): number => prefix[index] ?? 0;
  switch (size) {
    case 1:
      return first;
    case 2:
      return ((first & 0x3f) << 8) | byteAt(1);
    case 3:
      return ((first & 0x1f) << 16) | (byteAt(1) << 8) | byteAt(2);
    case 4:
      return (first & 0x0f) * 0x1000000 + ((byteAt(1) << 16) | (byteAt(2) << 8) | byteAt(3));
    case 5:
      return byteAt(1) * 0x1000000 + ((byteAt(2) << 16) | (byteAt(3) << 8) | byteAt(4));
  }
}
