import { createHash } from 'node:crypto';

import { RouterOsProtocolError } from './errors';
import { encodeText, type RouterOsCharset } from './text';

/**
 * The response to the legacy (pre-6.43) challenge login (reference/routeros.md §1.8):
 * `"00" + hex(MD5(0x00 ‖ password bytes ‖ challenge bytes))`, where the challenge is the hex
 * string from `!done =ret=` decoded to raw bytes.
 */
export function legacyLoginResponse(
  password: string | Uint8Array,
  challengeHex: string,
  charset: RouterOsCharset = 'auto',
): string {
  if (challengeHex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(challengeHex)) {
    throw new RouterOsProtocolError(
      'malformed-sentence',
      'login challenge from the router is not a hex string',
    );
  }
  const hash = createHash('md5');
  hash.update(Uint8Array.of(0));
  hash.update(typeof password === 'string' ? encodeText(password, charset) : password);
  hash.update(Buffer.from(challengeHex, 'hex'));
  return `00${hash.digest('hex')}`;
}
