/**
 * PatchMon integration API answers (reference/patchmon.md §4, §8), validated before use. Objects
 * are loose: every key is kept for the offline detail view; only the keys Rackside reads are
 * checked.
 */
import { z } from 'zod';

const Uuid = z.string().min(1).max(100);
const Text = z.string().max(4096);
const OptionalText = Text.nullish();
const Count = z.number().int().nonnegative();

export const HostGroupRef = z.looseObject({ id: Uuid, name: Text });

/** One host of `GET /api/v1/api/hosts?include=stats`. */
export const HostListItem = z.looseObject({
  id: Uuid,
  friendly_name: Text,
  hostname: OptionalText,
  ip: OptionalText,
  host_groups: z.array(HostGroupRef).max(1000).nullish(),
  os_type: OptionalText,
  os_version: OptionalText,
  last_update: OptionalText,
  status: OptionalText,
  effective_status: OptionalText,
  needs_reboot: z.boolean().nullish(),
  updates_count: Count.nullish(),
  security_updates_count: Count.nullish(),
  total_packages: Count.nullish(),
  reporting_state: OptionalText,
  update_state: OptionalText,
});
export type HostListItem = z.infer<typeof HostListItem>;

export const HostList = z.looseObject({
  hosts: z.array(HostListItem),
  total: Count,
});
export type HostList = z.infer<typeof HostList>;

/** `GET /hosts/{id}/info`. */
export const HostInfo = z.looseObject({
  id: Uuid,
  machine_id: OptionalText,
  hostname: OptionalText,
  ip: OptionalText,
  os_type: OptionalText,
  os_version: OptionalText,
  agent_version: OptionalText,
});

/**
 * An interface as the agent reports it. The server passes the agent's JSON through, so names
 * vary between agent versions; every spelling seen is accepted.
 */
const NetworkAddress = z.union([Text, z.looseObject({ address: OptionalText })]);
export const NetworkInterface = z.looseObject({
  name: OptionalText,
  ip: OptionalText,
  mac: OptionalText,
  macAddress: OptionalText,
  mac_address: OptionalText,
  addresses: z.array(NetworkAddress).max(256).nullish(),
});

/** `GET /hosts/{id}/network`. */
export const HostNetwork = z.looseObject({
  id: Uuid,
  ip: OptionalText,
  network_interfaces: z.array(NetworkInterface).max(1024).nullish(),
});

/** `GET /hosts/{id}/system`. */
export const HostSystem = z.looseObject({
  id: Uuid,
  architecture: OptionalText,
  kernel_version: OptionalText,
  boot_time: OptionalText,
  needs_reboot: z.boolean().nullish(),
  reboot_reason: OptionalText,
});

/** `GET /gethomepage/stats` (a gethomepage-type credential only). */
export const HomepageStats = z.looseObject({
  total_hosts: Count,
  hosts_needing_updates: Count.optional(),
  security_updates: Count.optional(),
  hosts_with_security_updates: Count.optional(),
  total_outdated_packages: Count.optional(),
});

/** What a stored PatchMon record's `raw` holds, so a re-sync can reuse unchanged details. */
export const StoredHost = z.looseObject({
  host: HostListItem,
  info: HostInfo,
  network: HostNetwork,
  system: HostSystem,
});
export type StoredHost = z.infer<typeof StoredHost>;
