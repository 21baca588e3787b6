/**
 * Request parameters as pve-http-server extracts them (query merged over a form or JSON body)
 * and as PVE::JSONSchema checks them: every value arrives as a string in forms, booleans must be
 * `0`/`1`, unknown parameters are refused.
 */
import type { LabRequest } from '../common';
import { PveError, paramError } from './errors';

export type RawValue = string | number | boolean;

export type ParamSpec =
  | { type: 'string'; optional?: boolean; pattern?: RegExp; maxLength?: number }
  | { type: 'integer'; optional?: boolean; min?: number; max?: number }
  | { type: 'boolean'; optional?: boolean }
  | { type: 'enum'; values: readonly string[]; optional?: boolean };

export type ParamSchema = Record<string, ParamSpec>;

/** Max POST body since libpve-http-server-perl 5.2.1. */
export const MAX_BODY_BYTES = 512 * 1024;

/** Query merged over the body; bodies only on POST/PUT, at most 512 KiB. */
export function readParams(req: LabRequest): Map<string, RawValue> {
  const method = req.method;
  const length = Math.max(req.body.length, Number(req.headers['content-length'] ?? 0));
  if ((method === 'GET' || method === 'DELETE') && length > 0) {
    throw new PveError(501, `Unexpected content for method '${method}'`, 'text');
  }
  if (length > MAX_BODY_BYTES) throw new PveError(501, 'for data too large', 'text');
  const params = new Map<string, RawValue>();
  if (req.body.length > 0) parseBody(req.headers['content-type'] ?? '', req.body, params);
  for (const [key, value] of req.query) params.set(key, value);
  return params;
}

function parseBody(contentType: string, body: Buffer, out: Map<string, RawValue>): void {
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded' || type === '') {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) out.set(key, value);
    return;
  }
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new PveError(400, 'malformed JSON string\n');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new PveError(400, 'JSON body must be an object\n');
    }
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        out.set(key, value);
      } else if (value !== null) {
        out.set(key, JSON.stringify(value));
      }
    }
    return;
  }
  throw new PveError(506, `Unsupported content type '${type}'`, 'text');
}

/** Validates all parameters against the route's schema; throws one 400 listing every problem. */
export function validateParams(params: Map<string, RawValue>, schema: ParamSchema): Params {
  const errors: Record<string, string> = {};
  for (const key of params.keys()) {
    if (!(key in schema)) {
      errors[key] =
        'property is not defined in schema and the schema does not allow additional properties';
    }
  }
  for (const [key, spec] of Object.entries(schema)) {
    const value = params.get(key);
    if (value === undefined || value === '') {
      if (value === undefined && spec.optional !== true) {
        errors[key] = 'property is missing and it is not optional';
      }
      continue;
    }
    const problem = checkValue(value, spec);
    if (problem !== undefined) errors[key] = problem;
  }
  if (Object.keys(errors).length > 0) throw paramError(errors);
  return new Params(params);
}

function checkValue(value: RawValue, spec: ParamSpec): string | undefined {
  const text = String(value);
  switch (spec.type) {
    case 'string':
      if (spec.maxLength !== undefined && text.length > spec.maxLength) {
        return `value may only be ${spec.maxLength} characters long`;
      }
      if (spec.pattern !== undefined && !spec.pattern.test(text)) {
        return 'value does not match the regex pattern';
      }
      return undefined;
    case 'integer': {
      if (!/^-?\d+$/.test(text)) return `type check ('integer') failed - got '${text}'`;
      const n = Number(text);
      if (spec.min !== undefined && n < spec.min) {
        return `value must have a minimum value of ${spec.min}`;
      }
      if (spec.max !== undefined && n > spec.max) {
        return `value must have a maximum value of ${spec.max}`;
      }
      return undefined;
    }
    case 'boolean':
      if (typeof value === 'boolean') return undefined;
      return /^[01]$/.test(text) ? undefined : `type check ('boolean') failed - got '${text}'`;
    case 'enum':
      return spec.values.includes(text)
        ? undefined
        : `value '${text}' does not have a value in the enumeration '${spec.values.join(', ')}'`;
  }
}

/** Typed access to validated parameters. */
export class Params {
  constructor(private readonly values: Map<string, RawValue>) {}

  has(name: string): boolean {
    const v = this.values.get(name);
    return v !== undefined && v !== '';
  }

  raw(name: string): RawValue | undefined {
    return this.values.get(name);
  }

  str(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined || v === '' ? undefined : String(v);
  }

  req(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw paramError({ [name]: 'property is missing and it is not optional' });
    return v;
  }

  int(name: string): number | undefined {
    const v = this.str(name);
    return v === undefined ? undefined : Number(v);
  }

  bool(name: string): boolean | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === '') return undefined;
    return v === true || v === 1 || v === '1';
  }
}

export const VMID: ParamSpec = { type: 'integer', min: 100, max: 999999999 };
export const NODE: ParamSpec = {
  type: 'string',
  pattern: /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
};
