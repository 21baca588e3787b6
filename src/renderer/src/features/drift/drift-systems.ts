import type { Facets, SourceSystem } from '../../../../shared/inventory';

const systems: readonly SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];

/**
 * The systems drift is counted for, and those it is not: because every profile of theirs syncs
 * only a host filter's hosts (a host outside it may well be in the system), or because one of
 * their profiles never synced (a second Proxmox cluster may hold what the first lacks) — the
 * core's `configuredSystems` rule. RouterOS knows its routers and nothing else, and no other
 * system is expected to know them: it is never one.
 */
export function driftSystems(facets: Facets | undefined): {
  /** Systems with assets (RouterOS aside). */
  known: SourceSystem[];
  /** Of those, the ones drift is counted for. */
  counted: SourceSystem[];
  filteredOnly: SourceSystem[];
  /** Systems with a profile that never synced, by the names of those profiles. */
  waiting: { system: SourceSystem; profiles: string[] }[];
} {
  const sources = facets?.sources ?? [];
  const filteredOnly = systems.filter((system) => {
    const synced = sources.filter((s) => s.system === system && s.dataFrom !== null);
    return synced.length > 0 && synced.every((s) => s.hostFilter !== null);
  });
  const known = systems.filter((s) => s !== 'routeros' && (facets?.system[s] ?? 0) > 0);
  const waiting = known.flatMap((system) => {
    const never = sources.filter((s) => s.system === system && s.dataFrom === null);
    return never.length === 0 ? [] : [{ system, profiles: never.map((s) => s.profileName) }];
  });
  const counted = known.filter(
    (s) => !filteredOnly.includes(s) && !waiting.some((w) => w.system === s),
  );
  return { known, counted, filteredOnly, waiting };
}
