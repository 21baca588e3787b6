import { Search, Server, SquareTerminal } from 'lucide-react';
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

/** `text` as a quoted query value: inside quotes `"` and `\\` are escaped. */
function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * The queries for an asset that is exactly what was typed: its address, name or FQDN. Free text
 * finds every word that starts with what was typed, in name order, so `10.16.16.1` alone would
 * offer ten assets at 10.16.16.1xx before the one at 10.16.16.1.
 */
function exactQueries(text: string): string[] {
  // A `*` makes a whole value a prefix, and a space several words: neither is one asset's value.
  if (/[\s*]/.test(text)) return [];
  const queries = [`name=${quoted(text)}`, `fqdn=${quoted(text)}`];
  // An address (IPv4 or IPv6); `ip:` refuses anything else, which would only cost a request.
  if (/^[\d.]+$|^[\da-f:.]*:[\da-f:.]*$/i.test(text)) queries.unshift(`ip:${text}`);
  return queries;
}

/**
 * Assets whose text matches what was typed: the first few, each opening its detail. Those whose
 * address, name or FQDN is exactly what was typed come first.
 */
export async function findAssets(text: string, limit = 8): Promise<AssetRow[]> {
  const answers = await Promise.all(
    [...exactQueries(text), text].map((query) =>
      bridge().call('inventory:query', { query, limit, countLimit: limit }),
    ),
  );
  const rows = new Map<number, AssetRow>();
  for (const result of answers) {
    // What was typed need not be a valid query (`name:` half typed): then it offers no assets.
    if (!result.ok) continue;
    for (const row of result.data.rows) if (!rows.has(row.id)) rows.set(row.id, row);
  }
  return [...rows.values()].slice(0, limit);
}

/**
 * The assets found, each opening its detail, and after them one entry that shows every match in
 * the inventory: the palette offers a few only.
 */
export function assetCommands(rows: readonly AssetRow[], typed: string): PaletteCommand[] {
  if (rows.length === 0) return [];
  const all: PaletteCommand = {
    id: 'asset-search',
    group: 'Assets',
    label: 'Show all matches in the inventory',
    detail: typed,
    icon: Search,
    // Matched on what was typed, as the assets are, so it stays beside them (and after them).
    keywords: [typed],
    run: () => {
      useNavStore.getState().go('inventory');
      useInventoryStore.getState().applyQuery(typed);
    },
  };
  const found = rows.map<PaletteCommand>((row) => ({
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
  return [...found, all];
}
