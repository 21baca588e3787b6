import { Server, SquareTerminal } from 'lucide-react';
import type { PaletteCommand } from '../app/commands';
import type { AssetRow } from '../../../shared/inventory';
import { endpointOf, hostPortText, type ProfileView } from '../../../shared/profiles';
import { useInventoryStore } from '../features/inventory/inventory-store';
import { openTerminalFor } from '../features/terminals';
import { bridge } from '../lib/bridge';
import { useNavStore } from '../stores/nav-store';

/** Every SSH profile as a palette entry that opens a terminal with it. */
export function connectCommands(profiles: readonly ProfileView[]): PaletteCommand[] {
  return profiles.flatMap<PaletteCommand>((profile) => {
    if (profile.connection.kind !== 'ssh') return [];
    const { host, port } = endpointOf(profile.connection);
    const user = profile.connection.username;
    return [
      {
        id: `connect:${profile.id}`,
        group: 'Connect',
        label: profile.name,
        detail: `${user}@${hostPortText(host, port)}`,
        icon: SquareTerminal,
        keywords: ['ssh', 'connect', 'terminal', host, user, profile.folder, ...profile.tags],
        run: () => openTerminalFor({ profileId: profile.id, label: profile.name }),
      },
    ];
  });
}

/** Assets whose text matches what was typed: the first few, each opening its detail. */
export async function findAssets(text: string, limit = 8): Promise<AssetRow[]> {
  const result = await bridge().call('inventory:query', { query: text, limit, countLimit: limit });
  // What was typed need not be a valid query (`name:` half typed): then no assets are offered.
  return result.ok ? result.data.rows : [];
}

export function assetCommands(rows: readonly AssetRow[], typed: string): PaletteCommand[] {
  return rows.map<PaletteCommand>((row) => ({
    id: `asset:${String(row.id)}`,
    group: 'Assets',
    label: row.name,
    detail: [row.kind, row.fqdn ?? row.ips[0]].filter(Boolean).join(' · '),
    icon: Server,
    // The inventory already matched these on `typed`; the palette's own filter must keep them.
    keywords: [typed, row.fqdn ?? '', ...row.ips],
    // The asset opens beside the inventory as it was: the search there is the user's own, and
    // going to one asset is no reason to lose it.
    run: () => {
      useNavStore.getState().go('inventory');
      // The detail opens beside the assets table, wherever the inventory was (its Overview).
      useInventoryStore.getState().setTab('assets');
      useInventoryStore.getState().openDetail(row.id, { focus: true });
    },
  }));
}
