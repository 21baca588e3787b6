/**
 * Errors as pve-http-server and PVE::Exception produce them: the first line of the message is
 * the HTTP reason phrase; JSON error bodies carry `data: null`, `message` (PVE 8.4+) and, for
 * parameter errors, `errors`.
 */

export type ErrorBody =
  /** `{"data":null,"message":…}` (plus `errors` when set). */
  | 'json'
  /** No body and no Content-Type (auth failures, proxy failures). */
  | 'empty'
  /** The low-level `error()` helper: plain-text message (e.g. `no such uri`). */
  | 'text';

export class PveError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: ErrorBody = 'json',
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

/** `raise_perm_exc`: 403 `Permission check failed (<what>)`. */
export function permissionError(what?: string): PveError {
  const text =
    what === undefined ? 'Permission check failed\n' : `Permission check failed (${what})\n`;
  return new PveError(403, text);
}

/** `raise_param_exc`: 400 `Parameter verification failed.` with per-parameter messages. */
export function paramError(errors: Record<string, string>): PveError {
  return new PveError(400, 'Parameter verification failed.\n', 'json', errors);
}

/** A handler `die "…\n"`: 500 with the text. */
export function dieError(text: string): PveError {
  return new PveError(500, text.endsWith('\n') ? text : `${text}\n`);
}

/** Every authentication failure except a failed login: 401, empty body. */
export function authError(reason: string): PveError {
  return new PveError(401, reason, 'empty');
}

export function notImplemented(method: string, path: string): PveError {
  return new PveError(501, `Method '${method} ${path}' not implemented`);
}

/** Reason phrase: the first line, restricted to what an HTTP status line may carry. */
export function reasonPhrase(message: string): string {
  const first = message.split('\n', 1)[0] ?? '';
  // Node refuses control characters in a status message; PVE never sends them either.
  // eslint-disable-next-line no-control-regex
  return first.replace(/[\u0000-\u001f\u007f]/g, ' ').trim() || 'Error';
}
