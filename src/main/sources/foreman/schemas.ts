/**
 * Foreman API v2 answers (reference/foreman.md §4, §6), validated before use. Objects are loose:
 * every key Foreman sends is kept for the offline detail view, and only the keys Rackside reads
 * are checked. Nullability follows the reference's field dictionary (§6.5).
 */
import { z } from 'zod';
import { looseObject } from '../loose';

const Id = z.number().int();
const Text = z.string().max(4096);
const OptionalText = Text.nullish();
const OptionalId = Id.nullish();

/** `GET /api/status`. */
export const Status = z.looseObject({
  version: z.string().max(100),
  api_version: z.number().optional(),
});

/** `GET /api/current_user`. */
export const CurrentUser = z.looseObject({
  id: Id,
  login: z.string().max(255),
  admin: z.boolean().optional(),
  firstname: OptionalText,
  lastname: OptionalText,
});

/** The index envelope (§4) around a page of `item`. */
export function indexPage<T extends z.ZodType>(item: T) {
  return z.looseObject({
    total: z.number().int().nonnegative(),
    subtotal: z.number().int().nonnegative(),
    page: z.number().int(),
    per_page: z.number().int(),
    results: z.array(item),
  });
}

/** A host in `GET /api/hosts` (index view, §6.3). */
const hostSummaryShape = {
  id: Id,
  name: z.string().min(1).max(255),
  ip: OptionalText,
  ip6: OptionalText,
  mac: OptionalText,
  certname: OptionalText,
  operatingsystem_id: OptionalId,
  operatingsystem_name: OptionalText,
  hostgroup_id: OptionalId,
  hostgroup_name: OptionalText,
  hostgroup_title: OptionalText,
  organization_id: OptionalId,
  organization_name: OptionalText,
  location_id: OptionalId,
  location_name: OptionalText,
  compute_resource_id: OptionalId,
  compute_resource_name: OptionalText,
  enabled: z.boolean().optional(),
  last_report: OptionalText,
  updated_at: OptionalText,
  global_status: z.number().int().optional(),
};
/** Hosts are read by the thousand: see `looseObject` for why not `z.looseObject`. */
export const HostSummary = looseObject(hostSummaryShape);
export type HostSummary = z.infer<typeof HostSummary>;

/** A network interface in `GET /api/hosts/:id` (§6.4). */
export const HostInterface = looseObject({
  id: OptionalId,
  name: OptionalText,
  identifier: OptionalText,
  ip: OptionalText,
  ip6: OptionalText,
  mac: OptionalText,
  fqdn: OptionalText,
  primary: z.boolean().optional(),
  type: OptionalText,
});

/** `GET /api/hosts/:id`: the index fields plus interfaces and parameters. */
export const HostDetails = looseObject({
  ...hostSummaryShape,
  interfaces: z.array(HostInterface).max(4096).optional(),
});
export type HostDetails = z.infer<typeof HostDetails>;

/**
 * `GET /api/hosts/:id/facts` (§6.6): results keyed by host name, flat fact name → value. Values
 * are strings in Foreman; numbers and booleans from odd uploaders are accepted as their text.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * One host's facts. A host has hundreds of facts and a sync reads every host's, so this is one
 * loop over the values rather than a union schema per value; a bad value is still an issue at
 * its own path (`results["web01"]["os::name"]`).
 */
const FactValues = z
  .custom<Record<string, unknown>>(isPlainObject, { message: 'expected an object' })
  .transform((facts, context) => {
    const out: Record<string, string | null> = {};
    for (const name of Object.keys(facts)) {
      const value = facts[name];
      if (name === '__proto__') continue;
      if (value === null || typeof value === 'string') out[name] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
      else {
        context.issues.push({
          code: 'custom',
          message: 'expected a string, number, boolean or null',
          input: value,
          path: [name],
        });
      }
    }
    return out;
  });
export const FactsPage = z.looseObject({
  total: z.number().int().nonnegative().optional(),
  page: z.number().int().optional(),
  per_page: z.number().int().optional(),
  results: z.record(z.string(), FactValues),
});

export const Hostgroup = z.looseObject({ id: Id, name: Text, title: OptionalText });
export const Taxonomy = z.looseObject({ id: Id, name: Text, title: OptionalText });
export const ComputeResource = z.looseObject({
  id: Id,
  name: Text,
  provider: OptionalText,
  url: OptionalText,
});
export const OperatingSystem = z.looseObject({
  id: Id,
  name: Text,
  title: OptionalText,
  major: OptionalText,
  minor: OptionalText,
  family: OptionalText,
});

/** What a stored Foreman record's `raw` holds, so a re-sync can reuse unchanged details. */
export const StoredHost = z.looseObject({
  host: HostDetails,
  facts: z.record(z.string(), z.string().nullable()).nullable(),
});
export type StoredHost = z.infer<typeof StoredHost>;

/** `"2024-10-02 08:14:07 UTC"` (Foreman's format) or ISO → ISO; null when unreadable. */
export function foremanTime(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/.exec(value);
  const ms = Date.parse(m ? `${m[1]}T${m[2]}Z` : value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
