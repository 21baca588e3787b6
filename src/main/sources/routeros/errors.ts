import { AppError } from '../../../shared/errors';

/** Why a RouterOS byte stream or sentence was rejected; tests and callers switch on this. */
export type RouterOsProtocolFault =
  | 'control-byte'
  | 'malformed-length'
  | 'word-too-long'
  | 'too-many-words'
  | 'buffer-overflow'
  | 'truncated'
  | 'unknown-reply'
  | 'malformed-sentence'
  | 'unencodable-text'
  | 'decoder-failed';

/**
 * A violation of the RouterOS API framing or reply grammar. The stream cannot be resynchronised
 * after most of these, so a session that sees one closes its connection.
 */
export class RouterOsProtocolError extends AppError {
  constructor(
    readonly fault: RouterOsProtocolFault,
    message: string,
  ) {
    super('protocol-error', `RouterOS API: ${message}`);
  }
}
