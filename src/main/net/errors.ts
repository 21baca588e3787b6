import { AppError, type ErrorCode } from '../../shared/errors';

/**
 * Why an HTTP exchange with a source failed. The AppError `code` is what the contract carries;
 * `reason` is the finer cause connectors and tests switch on.
 */
export type HttpFailure =
  | 'tls-untrusted'
  | 'tls-pin-mismatch'
  | 'ca-file'
  | 'connect-timeout'
  | 'headers-timeout'
  | 'body-timeout'
  | 'network'
  | 'cancelled'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  | 'http-status'
  | 'too-large'
  | 'not-api'
  | 'invalid-json'
  | 'invalid-data';

const codeFor: Record<HttpFailure, ErrorCode> = {
  'tls-untrusted': 'unavailable',
  'tls-pin-mismatch': 'unavailable',
  'ca-file': 'bad-request',
  'connect-timeout': 'timeout',
  'headers-timeout': 'timeout',
  'body-timeout': 'timeout',
  network: 'unavailable',
  cancelled: 'cancelled',
  unauthorized: 'forbidden',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  'rate-limited': 'rate-limited',
  'server-error': 'unavailable',
  'http-status': 'protocol-error',
  'too-large': 'payload-too-large',
  'not-api': 'protocol-error',
  'invalid-json': 'protocol-error',
  'invalid-data': 'protocol-error',
};

export interface HttpErrorDetails {
  system: string;
  /** `GET /api/hosts`. */
  endpoint: string;
  status?: number;
  /** For invalid data: the path of the first bad field, e.g. `results[3].id`. */
  field?: string;
}

/** A failed request to a source: names the system and endpoint, never a credential. */
export class HttpError extends AppError {
  constructor(
    readonly reason: HttpFailure,
    message: string,
    readonly details: HttpErrorDetails = {
      system: '',
      endpoint: '',
    },
    options?: { cause?: unknown },
  ) {
    super(codeFor[reason], message, options);
  }
}

export function isHttpError(value: unknown, reason?: HttpFailure): value is HttpError {
  return value instanceof HttpError && (reason === undefined || value.reason === reason);
}
