import { Activity, Download, GitCompare, LayoutDashboard, RefreshCw, Search } from 'lucide-react';
import { toast } from 'sonner';
import type { PaletteCommand } from '../../app/commands';
import { useNavStore } from '../../stores/nav-store';
import { useSyncStore } from '../sync/sync-store';
import { useInventoryStore, type InventoryTab } from './inventory-store';

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
