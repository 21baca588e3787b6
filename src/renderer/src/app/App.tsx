import { useEffect, useState } from 'react';
import { Toaster } from 'sonner';
import { CommandPalette } from '../components/CommandPalette';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { ShortcutsDialog } from '../components/ShortcutsDialog';
import { Sidebar } from '../components/Sidebar';
import { InventoryPage } from '../features/inventory/InventoryPage';
import { PlannedSection } from '../features/planned/PlannedSection';
import { ProfilesPage } from '../features/profiles/ProfilesPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { TerminalsPage } from '../features/terminals/TerminalsPage';
import { restoreTerminals } from '../features/terminals/terminal-restore';
import { OtpDialog } from '../features/sync/OtpDialog';
import { StaleBanner } from '../features/sync/StaleBanner';
import { connectSync } from '../features/sync/sync-store';
import { VaultGate } from '../features/vault/VaultGate';
import { bridge } from '../lib/bridge';
import { rescueFocus } from '../lib/focus';
import { useNavStore } from '../stores/nav-store';
import { useSettingsStore } from '../stores/settings-store';
import { useNoticesStore } from '../stores/notices-store';
import { useVaultStore } from '../stores/vault-store';
import { sectionById, type SectionId } from './sections';
import { useActivityReport } from './use-activity';
import { useShortcuts } from './use-shortcuts';
import { useTheme } from './use-theme';

function SectionView(props: { id: SectionId }) {
  switch (props.id) {
    case 'settings':
      return <SettingsPage />;
    case 'profiles':
      return <ProfilesPage />;
    case 'inventory':
      return <InventoryPage />;
    case 'terminals':
      return <TerminalsPage />;
    case 'patches':
    case 'enroll':
      return <PlannedSection id={props.id} />;
  }
}

/** Theme, toasts and the connection to the core; the vault gate decides what shows inside. */
export function App() {
  const settings = useSettingsStore((s) => s.settings);
  const loadError = useSettingsStore((s) => s.loadError);
  const [connected, setConnected] = useState(true);
  useTheme(settings?.theme);

  useEffect(() => {
    const { load, applyRemote } = useSettingsStore.getState();
    void load();
    const offSettings = bridge().on('settings:changed', applyRemote);
    const offConnection = bridge().onConnectionChange((value) => {
      setConnected(value);
      if (value) {
        void load();
        void useVaultStore.getState().load();
        void useNoticesStore.getState().load();
      }
    });
    return () => {
      offSettings();
      offConnection();
    };
  }, []);

  return (
    <>
      {!connected ? (
        <div className="banner warn floating" role="status" data-testid="connection-banner">
          Lost the connection to Rackside’s local server — reconnecting…
        </div>
      ) : null}
      {loadError ? (
        <div className="banner error floating" role="alert">
          Rackside could not load its settings: {loadError.message}
        </div>
      ) : null}
      {settings ? (
        <VaultGate>
          <Shell />
        </VaultGate>
      ) : null}
      <Toaster position="bottom-right" theme={settings?.theme ?? 'system'} richColors closeButton />
    </>
  );
}

function Shell() {
  const section = useNavStore((s) => s.section);
  useShortcuts();
  useActivityReport();

  useEffect(() => connectSync(), []);
  useEffect(() => {
    void restoreTerminals();
  }, []);

  useEffect(() => {
    document.title = `${sectionById(section).label} · Rackside`;
    // A section switched to from the keyboard takes the keyboard, unless it placed it itself.
    rescueFocus();
  }, [section]);

  return (
    <>
      <div className="shell" data-testid="app-ready">
        <Sidebar />
        <main className="content">
          <StaleBanner />
          <ErrorBoundary key={section} area={sectionById(section).label}>
            <SectionView id={section} />
          </ErrorBoundary>
        </main>
      </div>
      <CommandPalette />
      <ShortcutsDialog />
      <OtpDialog />
    </>
  );
}
