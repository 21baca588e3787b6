import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { formatPath } from '../../net/json';

/**
 * What the connector needs from a router, whichever transport carries it: `print` of a menu as
 * records of strings. The native API and REST both implement it.
 */
export interface RouterOsApi {
  /** `native api-ssl`, `native api`, `REST`: for messages. */
  readonly transport: string;
  /** Records of a menu (`/interface`); a singleton menu gives one record. */
  print(menu: string, signal: AbortSignal): Promise<Record<string, string>[]>;
  close(): Promise<void>;
}

/** Validates records of a menu, naming the menu, the record index and the field. */
export function validateRecords<S extends z.ZodType>(
  records: readonly Record<string, string>[],
  schema: S,
  where: string,
): z.output<S>[] {
  return records.map((record, index) => {
    const parsed = schema.safeParse(record);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new AppError(
      'protocol-error',
      `RouterOS ${where}: unexpected data at ${formatPath([index, ...(issue?.path ?? [])])}: ${issue?.message ?? 'invalid'}.`,
    );
  });
}

/** The one record of a singleton menu (`/system/identity`), validated. */
export async function printOne<S extends z.ZodType>(
  api: RouterOsApi,
  menu: string,
  schema: S,
  signal: AbortSignal,
): Promise<z.output<S>> {
  const records = await api.print(menu, signal);
  const [first] = validateRecords(records, schema, `${menu}/print`);
  if (first === undefined) {
    throw new AppError('protocol-error', `RouterOS ${menu}/print: the router returned no record.`);
  }
  return first;
}

export async function printAll<S extends z.ZodType>(
  api: RouterOsApi,
  menu: string,
  schema: S,
  signal: AbortSignal,
): Promise<z.output<S>[]> {
  return validateRecords(await api.print(menu, signal), schema, `${menu}/print`);
}
