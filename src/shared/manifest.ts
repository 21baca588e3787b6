import { z } from 'zod';
import {
  ForemanConnection,
  PatchmonConnection,
  ProfileName,
  ProxmoxConnection,
  RouterosConnection,
  SecretField,
  SecretValue,
  SshConnectionByName,
  needsOneTimeCode,
  oneTimeCodeSyncHint,
  secretFieldsFor,
  type Connection,
  profileCommonShape,
  profileNameKey,
} from './profiles';
import { SyncScheduleRequest } from './inventory';

/**
 * The profile manifest: a JSON file listing connection profiles with their secrets inline.
 * The lab writes one for its simulators; `rackside profiles import` reads it; a plain export is
 * the same format without secrets. Documented in docs/manifest.md.
 *
 * Profiles are matched by name on import (names are unique), so re-importing a manifest updates
 * the profiles it created instead of duplicating them. SSH jump hosts are referenced by name and
 * may point at another entry of the same manifest or at a profile already in the store.
 */

export const manifestMarker = 'profile-manifest';
export const manifestVersion = 1;

export const ManifestConnection = z.discriminatedUnion('kind', [
  ForemanConnection,
  ProxmoxConnection,
  PatchmonConnection,
  RouterosConnection,
  SshConnectionByName,
]);
export type ManifestConnection = z.infer<typeof ManifestConnection>;

export const ManifestProfile = z
  .object({
    ...profileCommonShape,
    connection: ManifestConnection,
    /** Secret values by field; only fields the connection uses are accepted. */
    secrets: z.partialRecord(SecretField, SecretValue).default({}),
    /**
     * A source's background sync ("Sync every"), in minutes; null: off. Absent: a profile being
     * updated keeps its own, a new one has none.
     */
    syncEveryMinutes: SyncScheduleRequest.shape.intervalMinutes.optional(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    // Checked with the file, before the vault is opened to store them.
    const connection: Connection =
      profile.connection.kind === 'ssh'
        ? { ...profile.connection, jumpHostId: null }
        : profile.connection;
    const used = secretFieldsFor(connection);
    for (const field of Object.keys(profile.secrets) as SecretField[]) {
      if (used.includes(field)) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', field],
        message: `a ${connection.kind} profile with this authentication does not use "${field}" (it uses: ${used.join(', ') || 'none'})`,
      });
    }
    if (profile.syncEveryMinutes === undefined || profile.syncEveryMinutes === null) return;
    const issue = (message: string): void => {
      ctx.addIssue({ code: 'custom', path: ['syncEveryMinutes'], message });
    };
    if (profile.connection.kind === 'ssh') {
      issue(
        'SSH profiles have no background sync; only source profiles (foreman, proxmox, patchmon, routeros) do',
      );
    } else if (needsOneTimeCode(profile.connection)) {
      issue(oneTimeCodeSyncHint(profile.name));
    }
  });
export type ManifestProfile = z.infer<typeof ManifestProfile>;
export type ManifestProfileInput = z.input<typeof ManifestProfile>;

export const Manifest = z
  .object({
    rackside: z.literal(manifestMarker),
    version: z.literal(manifestVersion),
    /** Free text naming what wrote the file, e.g. `rackside-lab 0.1.0`. */
    generator: z.string().max(200).optional(),
    generatedAt: z.iso.datetime().optional(),
    profiles: z.array(ManifestProfile).max(5000),
  })
  .strict()
  .superRefine((manifest, ctx) => {
    const seen = new Map<string, number>();
    manifest.profiles.forEach((profile, index) => {
      const key = profileNameKey(profile.name);
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['profiles', index, 'name'],
          message: `Duplicate profile name "${profile.name}" (also entry ${first})`,
        });
      } else {
        seen.set(key, index);
      }
    });
  });
export type Manifest = z.infer<typeof Manifest>;
export type ManifestInput = z.input<typeof Manifest>;

/** Reference to a jump host inside a manifest, exported for writers that build chains. */
export const JumpHostName = ProfileName;
