import type { RosRecord } from './model';

/**
 * JSON written from raw RouterOS bytes. RouterOS does not transcode what it stores, so a REST
 * body carries the stored bytes as they are and need not be valid UTF-8 (§2.4, §1.10); only
 * `"`, `\` and control bytes are escaped. With `rawControlBytes` the control bytes go out raw as
 * well, reproducing the invalid JSON some RouterOS versions send.
 */
export interface JsonBytesOptions {
  rawControlBytes?: boolean;
}

const quote = 0x22;
const backslash = 0x5c;

function stringBytes(value: Uint8Array, options: JsonBytesOptions, out: number[]): void {
  out.push(quote);
  for (const byte of value) {
    if (byte === quote || byte === backslash) out.push(backslash, byte);
    else if (byte < 0x20 && options.rawControlBytes !== true) {
      for (const char of `\\u${byte.toString(16).padStart(4, '0')}`) out.push(char.charCodeAt(0));
    } else out.push(byte);
  }
  out.push(quote);
}

function objectBytes(item: RosRecord, options: JsonBytesOptions, out: number[]): void {
  out.push(0x7b);
  // REST lists keys alphabetically (§3.1); the native API keeps console order.
  const names = [...item.keys()].sort();
  names.forEach((name, index) => {
    if (index > 0) out.push(0x2c);
    stringBytes(new TextEncoder().encode(name), options, out);
    out.push(0x3a);
    stringBytes(item.get(name) ?? new Uint8Array(0), options, out);
  });
  out.push(0x7d);
}

/** One record as a JSON object, every value a string. */
export function recordJson(item: RosRecord, options: JsonBytesOptions = {}): Buffer {
  const out: number[] = [];
  objectBytes(item, options, out);
  return Buffer.from(out);
}

/** Records as a JSON array of objects. */
export function recordsJson(items: readonly RosRecord[], options: JsonBytesOptions = {}): Buffer {
  const out: number[] = [0x5b];
  items.forEach((item, index) => {
    if (index > 0) out.push(0x2c);
    objectBytes(item, options, out);
  });
  out.push(0x5d);
  return Buffer.from(out);
}
