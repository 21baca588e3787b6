import { generateFleet, type Fleet } from '../../../lab/fleet';
import { recordHash } from '../inventory/record-store';
import type { SourceSystem } from '../sources/types';
import { fleetRecords } from './fleet-connector';

/** Two versions of one fleet an hour apart: most records change between them. */
export function durabilityFleets(): [Fleet, Fleet] {
  const first = generateFleet({ size: 80, seed: 5 });
  return [first, generateFleet({ size: 80, seed: 5, now: first.now + 3_600_000 })];
}

/** The sorted record hashes each version gives one source (and Proxmox cluster). */
export function versionHashes(fleet: Fleet, system: SourceSystem, cluster?: string): string {
  return fleetRecords(fleet, system, cluster).map(recordHash).sort().join(',');
}
