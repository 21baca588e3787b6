import type { Fleet } from '../../../lab/fleet';
import { silentLogger } from '../core/logger';
import type { ProfileService } from '../profiles/profile-service';
import type { SourceSystem } from '../sources/types';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { fleetConnector, type FleetConnectorOptions } from './fleet-connector';
import { SyncEngine, type ConnectorSet } from './sync-engine';

/**
 * Source profiles for a lab fleet without a network: one Foreman, one PatchMon, one RouterOS
 * and one Proxmox profile per cluster (tagged `cluster:<name>`, which the fleet connector reads).
 */
export function addFleetProfiles(profiles: ProfileService, fleet: Fleet): Map<string, string> {
  const ids = new Map<string, string>();
  const add = (name: string, connection: unknown, tags: string[] = []): void => {
    ids.set(name, profiles.save({ name, tags, connection }).id);
  };
  add('foreman', {
    kind: 'foreman',
    url: 'https://foreman.lab',
    auth: { mode: 'token', username: 'admin' },
  });
  add('patchmon', { kind: 'patchmon', url: 'https://patchmon.lab', apiKey: 'k' });
  add('routeros', { kind: 'routeros', host: '10.0.0.1', username: 'admin' });
  for (const cluster of fleet.proxmox.clusters) {
    add(
      `pve-${cluster.name}`,
      {
        kind: 'proxmox',
        url: `https://${cluster.name}.lab`,
        auth: { mode: 'token', tokenId: 'root@pam!rs' },
      },
      [`cluster:${cluster.name}`],
    );
  }
  return ids;
}

export function fleetConnectors(
  fleet: () => Fleet,
  options: Partial<Record<SourceSystem, FleetConnectorOptions>> = {},
): ConnectorSet {
  return {
    foreman: fleetConnector('foreman', fleet, options.foreman),
    proxmox: fleetConnector('proxmox', fleet, options.proxmox),
    patchmon: fleetConnector('patchmon', fleet, options.patchmon),
    routeros: fleetConnector('routeros', fleet, options.routeros),
  };
}

/** A fresh unlocked store with the fleet's profiles and an engine syncing from `fleet()`. */
export async function fleetStore(
  fleet: () => Fleet,
): Promise<{ store: Store; engine: SyncEngine }> {
  const store = await unlockedTestStore();
  addFleetProfiles(store.profiles, fleet());
  const engine = new SyncEngine({
    db: store.db,
    profiles: store.profiles,
    connectors: fleetConnectors(fleet),
    logger: silentLogger,
  });
  return { store, engine };
}
