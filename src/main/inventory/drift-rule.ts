import type { SourceFreshness, SourceSystem } from '../../shared/inventory';

/**
 * Which systems should know an asset — the one rule behind the Drift list, the `drift:` filter
 * and the Drift tab's counts, so the three always agree:
 * - Foreman manages every server and guest, not routers;
 * - PatchMon patches Linux machines, not Proxmox nodes, routers or Windows;
 * - Proxmox hosts the guests: VMs and containers.
 * RouterOS is never expected: it knows its routers and nothing else.
 *
 * The rule exists twice, as a JavaScript test and as an SQL condition, and the two must give the
 * same answer for every kind and OS text (drift-rule.test.ts draws them at random). Both fold
 * ASCII letters only, as SQLite's LIKE and lower() do.
 */

/** OS texts PatchMon does not patch: Windows (by name or version) and Proxmox VE itself. */
const notPatchedWords = ['windows', 'proxmox'];

function patchable(os: string | null): boolean {
  if (os === null) return true;
  const folded = os.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  return !(
    notPatchedWords.some((word) => folded.includes(word)) ||
    /win[0-9]/.test(folded) ||
    folded.startsWith('w2k')
  );
}

/** Whether `system` should know an asset of this kind and OS. */
export function expectedIn(system: SourceSystem, kind: string, os: string | null): boolean {
  if (kind === 'router') return false;
  switch (system) {
    case 'foreman':
      return true;
    case 'patchmon':
      return kind !== 'node' && patchable(os);
    case 'proxmox':
      return kind === 'vm' || kind === 'container';
    case 'routeros':
      return false;
  }
}

/** `expectedIn` as an SQL condition over `assets` aliased `alias`; never NULL. */
export function expectedSql(system: SourceSystem, alias = 'a'): string {
  const kind = `${alias}.kind`;
  const os = `${alias}.os`;
  switch (system) {
    case 'foreman':
      return `(${kind} <> 'router')`;
    case 'patchmon':
      return (
        `(${kind} NOT IN ('router', 'node') AND (${os} IS NULL OR NOT (` +
        notPatchedWords.map((word) => `instr(lower(${os}), '${word}') > 0`).join(' OR ') +
        ` OR lower(${os}) GLOB '*win[0-9]*' OR substr(lower(${os}), 1, 3) = 'w2k')))`
      );
    case 'proxmox':
      return `(${kind} IN ('vm', 'container'))`;
    case 'routeros':
      return '(0)';
  }
}

/**
 * `drift:<system>` as an SQL condition: the asset should be known to `system` and is not. Only
 * a system with data (a profile that synced once) is expected anywhere.
 */
export function driftSql(
  system: SourceSystem,
  configured: readonly SourceSystem[],
  alias = 'a',
): string {
  if (!configured.includes(system)) return '(0)';
  return `(${expectedSql(system, alias)} AND ${alias}.in_${system} = 0)`;
}

/**
 * The systems expected to know assets: those with a profile whose last successful sync fetched
 * all of the system, and none that never synced. A profile synced with a Foreman host filter
 * cannot say whether a host outside it is missing from Foreman or only outside the filter, so
 * it makes nothing expected (the filter its data was synced with counts, not one edited since:
 * `SourceFreshness.hostFilter`); a profile that never synced (a second Proxmox cluster, say) may
 * hold any of the assets the others lack, so none is called missing until it has.
 */
export function configuredSystems(sources: Iterable<SourceFreshness>): SourceSystem[] {
  const whole = new Set<SourceSystem>();
  const unsynced = new Set<SourceSystem>();
  for (const source of sources) {
    if (source.dataFrom === null) unsynced.add(source.system);
    else if (source.hostFilter === null) whole.add(source.system);
  }
  return [...whole].filter((system) => !unsynced.has(system));
}
