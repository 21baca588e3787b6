/**
 * The lab fleet: one seeded, deterministic set of machines that every simulator serves.
 *
 * `generateFleet({ size, seed, now })` builds `size` assets (10..100 000) from a mulberry32 stream
 * seeded by `seed`; the same options always give the same fleet (and `now` defaults to a fixed
 * instant, 2026-11-22T16:00:00Z). Roughly, per 1 000 assets:
 *
 * - Proxmox: 25 nodes in 2 clusters (one cluster per site, at most 8, named `pve-ber`, `pve-fra`,
 *   …; nodes `ber-pve01`), ~860 guests (55 % LXC, 45 % QEMU; tags, pools, 85 % running),
 *   MACs `bc:24:11:…`, one or two NICs on `vmbr0`/`vmbr1`, VMIDs from 100 per cluster with gaps.
 * - Bare metal: 80 servers (Supermicro/Dell/HPE MACs), in Foreman and mostly in PatchMon.
 * - RouterOS: 10 devices (at most 50; hAP ac², RB5009, CCR2004, CHR) named `rtr-ber-01`; each is
 *   the gateway (`vlanN`, `.1/24`) of some subnets and has a dynamic WAN address on `ether1`.
 * - Foreman: every node and bare-metal server, ~90 % of Linux guests and ~60 % of Windows guests;
 *   hostgroups `base/<role>`, 3 organizations, 4 locations, OS, domains, /24 subnets; facts with
 *   `machine_id`, `dmi::product::uuid` and per-interface MACs (derived lazily, `foremanFacts`).
 * - PatchMon: ~85 % of Linux guests, 80 % of bare metal, 70 % of nodes; host groups, package
 *   counts with updates and security updates (lists derived lazily, `patchmonPackages`),
 *   reboot-needed, agent versions, last report times (fresh, overdue, stale, 1 % pending).
 *
 * Deliberate messes: 10 decommissioned machines only PatchMon still lists (stale); ~1 % of guests
 * share a short name with a guest in another domain; ~0.5 % were renamed in Proxmox while
 * Foreman and PatchMon (`friendly_name`) keep the old name; ~2 % moved to another DHCP lease
 * (Foreman and stale PatchMon hosts keep `formerIp`); guests missing from Foreman or PatchMon.
 * The same machine keeps its MACs, machine id and SMBIOS UUID everywhere.
 *
 * Ground truth: `groundTruth(fleet)` lists per machine the `{ system, externalId }` records, with
 * external ids `<cluster>/<qemu|lxc>/<vmid>`, `<cluster>/node/<node>` (Proxmox), the numeric host
 * id (Foreman), the host UUID (PatchMon) and the serial number / CHR id (RouterOS).
 */
import { generateMachines } from './machines';
import { createRng } from './prng';
import { buildForeman, buildPatchmon, buildRouters } from './records';
import type { Fleet, FleetOptions } from './types';

export * from './types';
export { foremanFacts, groundTruth, machineById, patchmonPackages, externalIds } from './derived';
export type { PatchmonPackage } from './derived';
export { createRng, hashSeed, mulberry32, uuidFromHex, type Rng } from './prng';
export { countsFor } from './machines';
export { osTitle } from './records';

/** The default reference time of a fleet: 2026-11-22T16:00:00Z. */
export const DEFAULT_FLEET_NOW = Date.UTC(2026, 10, 22, 16, 0, 0);

export const MIN_FLEET_SIZE = 10;
export const MAX_FLEET_SIZE = 100_000;

export function generateFleet(options: FleetOptions): Fleet {
  const { size, seed } = options;
  if (!Number.isInteger(size) || size < MIN_FLEET_SIZE || size > MAX_FLEET_SIZE) {
    throw new RangeError(`fleet size must be an integer in ${MIN_FLEET_SIZE}..${MAX_FLEET_SIZE}`);
  }
  const now =
    options.now === undefined
      ? DEFAULT_FLEET_NOW
      : typeof options.now === 'number'
        ? options.now
        : options.now.getTime();
  const rng = createRng(seed >>> 0);
  const world = generateMachines(rng, size, now);
  const foreman = buildForeman(rng, world, now);
  const patchmon = buildPatchmon(rng, world, now);
  const devices = buildRouters(rng, world, now);
  return {
    seed,
    size,
    now,
    machines: world.machines,
    locations: world.locations,
    organizations: world.organizations,
    domains: world.domains,
    subnets: world.alloc.subnets,
    proxmox: {
      clusters: world.clusters,
      nodes: world.nodes,
      guests: world.guests,
      pools: [...new Set(world.guests.flatMap((g) => (g.pool ? [g.pool] : [])))].sort(),
    },
    foreman,
    patchmon,
    routeros: { devices },
  };
}
