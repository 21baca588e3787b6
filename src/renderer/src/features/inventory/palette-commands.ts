import {
  Activity,
  Bookmark,
  Download,
  GitCompare,
  LayoutDashboard,
  RefreshCw,
  Search,
} from 'lucide-react';
import { toast } from 'sonner';
import type { PaletteCommand } from '../../app/commands';
import { useNavStore } from '../../stores/nav-store';
import { useSyncStore } from '../sync/sync-store';
import { useInventoryStore, type InventoryTab } from './inventory-store';
import type { SavedSearch } from './saved-searches';

function show(tab: InventoryTab): void {
  useNavStore.getState().go('inventory');
  useInventoryStore.getState().setTab(tab);
}

/** The Inventory section's entries in the command palette. */
export const inventoryCommands: readonly PaletteCommand[] = [
  {
    id: 'inventory:sync-all',
    group: 'Fleet',
    label: 'Sync all sources',
    icon: RefreshCw,
    keywords: ['sync', 'refresh', 'fetch', 'all'],
    run: async () => {
      show('sync');
      const error = await useSyncStore.getState().start('all');
      if (error) toast.error(`Could not start the sync: ${error.message}`);
    },
  },
  {
    id: 'inventory:sync-center',
    group: 'Fleet',
    label: 'Sync center',
    icon: Activity,
    keywords: ['sync', 'status', 'progress', 'sources', 'offline'],
    run: () => {
      show('sync');
    },
  },
  {
    id: 'inventory:overview',
    group: 'Fleet',
    label: 'Fleet overview',
    icon: LayoutDashboard,
    keywords: ['overview', 'fleet', 'charts', 'counts', 'attention', 'dashboard'],
    run: () => {
      show('overview');
    },
  },
  {
    id: 'inventory:drift',
    group: 'Fleet',
    label: 'Drift between systems',
    icon: GitCompare,
    keywords: ['drift', 'missing', 'gaps', 'compare'],
    run: () => {
      show('drift');
    },
  },
  {
    id: 'inventory:search',
    group: 'Fleet',
    label: 'Search assets',
    icon: Search,
    keywords: ['search', 'find', 'query', 'filter', 'assets'],
    run: () => {
      show('assets');
      requestAnimationFrame(() => {
        document.querySelector<HTMLInputElement>('[data-testid="inventory-search"]')?.focus();
      });
    },
  },
  {
    id: 'inventory:export',
    group: 'Fleet',
    label: 'Export assets…',
    icon: Download,
    keywords: ['export', 'csv', 'json', 'ansible', 'download'],
    run: () => {
      show('assets');
      useInventoryStore.getState().openDialog('export');
    },
  },
];

/** A saved search each ("Search: Needs reboot"): shows the assets it matches, as its chip does. */
export function savedSearchCommands(saved: readonly SavedSearch[]): PaletteCommand[] {
  return saved.map((search) => ({
    id: `saved-search:${search.name}`,
    group: 'Saved searches',
    label: `Search: ${search.name}`,
    detail: search.query,
    icon: Bookmark,
    keywords: ['saved', 'search', 'query', search.query],
    run: () => {
      show('assets');
      useInventoryStore.getState().applyQuery(search.query);
    },
  }));
}
