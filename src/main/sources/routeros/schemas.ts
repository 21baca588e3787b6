import { z } from 'zod';

/**
 * The RouterOS menus a sync reads (reference/routeros.md §3). Every value is a string on both
 * the native API and REST; optional properties are absent, not empty. Objects are loose so the
 * full record reaches `raw`.
 */

export const Identity = z.looseObject({ name: z.string() });

export const Resource = z.looseObject({
  version: z.string().min(1),
  'board-name': z.string().optional(),
  'architecture-name': z.string().optional(),
  uptime: z.string().optional(),
  cpu: z.string().optional(),
  'total-memory': z.string().optional(),
});
export type Resource = z.infer<typeof Resource>;

export const Routerboard = z.looseObject({
  routerboard: z.string(),
  model: z.string().optional(),
  'serial-number': z.string().optional(),
  'current-firmware': z.string().optional(),
  'upgrade-firmware': z.string().optional(),
});
export type Routerboard = z.infer<typeof Routerboard>;

/** CHR and x86 have no serial; their license `system-id` identifies them. */
export const License = z.looseObject({
  'system-id': z.string().optional(),
  'software-id': z.string().optional(),
});

export const Interface = z.looseObject({
  name: z.string(),
  type: z.string().optional(),
  'mac-address': z.string().optional(),
  disabled: z.string().optional(),
  running: z.string().optional(),
});
export type Interface = z.infer<typeof Interface>;

export const Address = z.looseObject({
  address: z.string(),
  interface: z.string().optional(),
  disabled: z.string().optional(),
  invalid: z.string().optional(),
  dynamic: z.string().optional(),
});
export type Address = z.infer<typeof Address>;

export const Package = z.looseObject({
  name: z.string(),
  version: z.string().optional(),
  disabled: z.string().optional(),
});
export type Package = z.infer<typeof Package>;

export const UpdateStatus = z.looseObject({
  channel: z.string().optional(),
  'installed-version': z.string().optional(),
  'latest-version': z.string().optional(),
  status: z.string().optional(),
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;

export const User = z.looseObject({ name: z.string(), group: z.string().optional() });
export const UserGroup = z.looseObject({ name: z.string(), policy: z.string().optional() });

/** `true`/`false` on v7 and late v6, `yes`/`no` on old v6 (§1.11). */
export function rosBool(value: string | undefined): boolean | null {
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  return null;
}
