/** JSON bodies: content-type check, parse and zod validation with the bad field's path. */
import { z } from 'zod';
import { HttpError } from './errors';
import type { HttpResponse } from './http-client';

interface Where {
  system: string;
  endpoint: string;
  status?: number;
  /** The same client already had answers from the API: a web page now is a failure, not a wrong URL. */
  answeredBefore?: boolean;
}

/** `results[3].interfaces[0].mac`; `(root)` for the document itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key))
      out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}

/** Whitespace and a UTF-8 byte-order mark, which may come before a document's first character. */
const leading = new Set([0x20, 0x0a, 0x0d, 0x09, 0xef, 0xbb, 0xbf]);

function firstSignificantByte(body: Buffer): number | undefined {
  const end = Math.min(body.length, 256);
  for (let i = 0; i < end; i++) {
    const byte = body[i];
    if (byte !== undefined && !leading.has(byte)) return byte;
  }
  return undefined;
}

function looksLikeHtml(response: Pick<HttpResponse, 'contentType' | 'body'>): boolean {
  if (/\btext\/html\b|\bapplication\/xhtml/i.test(response.contentType)) return true;
  // Every answer is sniffed; only one that starts with `<` is worth turning into text.
  if (firstSignificantByte(response.body) !== 0x3c) return false;
  const head = response.body.subarray(0, 256).toString('utf8').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}

/**
 * Each answer schema compiled once (`z.compile`): the same output and the same issues, several
 * times faster on the tens of thousands of answers a sync validates.
 */
const compiledSchemas = new WeakMap<z.ZodType, z.ZodType>();

function compiled<S extends z.ZodType>(schema: S): S {
  let out = compiledSchemas.get(schema);
  if (out === undefined) {
    out = z.compile(schema);
    compiledSchemas.set(schema, out);
  }
  return out as S;
}

export function parseJsonBody<S extends z.ZodType>(
  response: Pick<HttpResponse, 'contentType' | 'body'>,
  schema: S,
  where: Where,
): z.output<S> {
  const prefix = `${where.system} ${where.endpoint}`;
  const { answeredBefore, ...at } = where;
  if (looksLikeHtml(response)) {
    throw new HttpError(
      'not-api',
      answeredBefore === true
        ? `${prefix}: answered with a web page (text/html) instead of JSON, though the API answered the requests before it: the server, or a proxy in front of it, failed on this one. Sync again; if it fails here again, look at the server's logs.`
        : `${prefix}: not a ${where.system} API endpoint — it answered with a web page (text/html), not JSON. Check the profile's URL.`,
      at,
    );
  }
  const type = response.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && !type.endsWith('json')) {
    throw new HttpError(
      'not-api',
      `${prefix}: not a ${where.system} API endpoint — it answered with ${type}, not JSON.`,
      at,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(response.body.toString('utf8'));
  } catch (error) {
    throw new HttpError(
      'invalid-json',
      `${prefix}: the answer is not valid JSON (${(error as Error).message}); it may be truncated or corrupted.`,
      at,
      { cause: error },
    );
  }
  const parsed = compiled(schema).safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((issue) => {
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
  const more = parsed.error.issues.length > 3 ? ` (+${parsed.error.issues.length - 3} more)` : '';
  throw new HttpError(
    'invalid-data',
    `${prefix}: unexpected data at ${issues.join('; ')}${more}.`,
    { ...at, field: formatPath(parsed.error.issues[0]?.path ?? []) },
  );
}
