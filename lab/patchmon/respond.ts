/** PatchMon's response conventions (reference §2). */
import { json, text, type LabRequest, type LabResponse } from '../common/http';

export class PmError extends Error {
  constructor(readonly response: LabResponse) {
    super(`PatchMon error ${response.status}`);
  }
}

export const ok = (
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
) => json(status, body, headers);

export const fail = (status: number, error: string): PmError =>
  new PmError(json(status, { error }));

/** `http.Error` output of the JWT middleware: JSON text served as text/plain with a newline. */
export const jwtFail = (error: string): PmError =>
  new PmError(
    text(401, `${JSON.stringify({ error })}\n`, 'text/plain; charset=utf-8', {
      'x-content-type-options': 'nosniff',
    }),
  );

/** The embedded SPA's index.html, served for every unmatched path. */
export const spaIndex = (): LabResponse =>
  text(
    200,
    '<!doctype html>\n<html lang="en"><head><meta charset="UTF-8" /><title>PatchMon</title></head><body><div id="root"></div></body></html>\n',
    'text/html; charset=utf-8',
  );

export function rfc3339(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Go's time.Time JSON encoding keeps fractional seconds when present. */
export function goTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function readJson(req: LabRequest): Record<string, unknown> {
  try {
    const value = JSON.parse(req.body.toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through
  }
  throw fail(400, 'Invalid request body');
}

export function clientIp(req: LabRequest): string {
  return req.remoteAddress.replace(/^::ffff:/, '');
}

export function cookies(req: LabRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}
