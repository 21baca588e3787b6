import { Activity, GitCompare, LayoutDashboard, List } from 'lucide-react';
import { useEffect } from 'react';
import { onTabListKeyDown } from '../../components/tablist';
import { DriftView } from '../drift/DriftView';
import { FleetOverview } from '../overview/FleetOverview';
import { SyncCenter } from '../sync/SyncCenter';
import { AssetsView } from './AssetsView';
import { useInventoryStore, type InventoryTab } from './inventory-store';
import { migrateLegacySavedSearches } from './saved-searches';

const tabs: readonly { id: InventoryTab; label: string; icon: typeof List }[] = [
  { id: 'assets', label: 'Assets', icon: List },
  { id: 'overview', label: 'Overview', icon: LayoutDashboard },
  { id: 'drift', label: 'Drift', icon: GitCompare },
  { id: 'sync', label: 'Sync', icon: Activity },
];

/** The Inventory section: assets, fleet overview, drift between systems, and the sync center. */
export function InventoryPage() {
  const tab = useInventoryStore((s) => s.tab);

  useEffect(() => {
    void migrateLegacySavedSearches();
    // Reopening the section shows the rows and facets already read; the shell's
    // `inventory:changed` listener (connectSync) says when they must be read again.
    return useInventoryStore.getState().open();
  }, []);

  return (
    <div className="page inventory-page" data-testid="inventory-page" data-tab={tab}>
      <header className="inventory-header">
        <h1>Inventory</h1>
        <div
          className="tabs section-tabs"
          role="tablist"
          aria-label="Inventory views"
          onKeyDown={onTabListKeyDown}
        >
          {tabs.map((t) => {
            const Icon = t.icon;
            return (
              <button
                key={t.id}
                type="button"
                role="tab"
                className="tab"
                id={`inventory-tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls="inventory-view"
                tabIndex={tab === t.id ? 0 : -1}
                data-testid={`inventory-tab-${t.id}`}
                onClick={() => {
                  useInventoryStore.getState().setTab(t.id);
                }}
              >
                <Icon size={13} aria-hidden /> {t.label}
              </button>
            );
          })}
        </div>
      </header>
      <div
        className="inventory-body"
        id="inventory-view"
        role="tabpanel"
        aria-labelledby={`inventory-tab-${tab}`}
      >
        {tab === 'assets' ? <AssetsView /> : null}
        {tab === 'overview' ? <FleetOverview /> : null}
        {tab === 'drift' ? <DriftView /> : null}
        {tab === 'sync' ? <SyncCenter /> : null}
      </div>
    </div>
  );
}
