import { useEffect, useState } from 'react';
import { Toaster } from 'sonner';
import { CommandPalette } from '../components/CommandPalette';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { Sidebar } from '../components/Sidebar';
import { PlannedSection } from '../features/planned/PlannedSection';
import { SettingsPage } from '../features/settings/SettingsPage';
import { bridge } from '../lib/bridge';
import { useNavStore } from '../stores/nav-store';
import { useSettingsStore } from '../stores/settings-store';
import { sectionById, type SectionId } from './sections';
import { useShortcuts } from './use-shortcuts';
import { useTheme } from './use-theme';

function SectionView(props: { id: SectionId }) {
  switch (props.id) {
    case 'settings':
      return <SettingsPage />;
    case 'inventory':
    case 'terminals':
    case 'patches':
    case 'enroll':
    case 'profiles':
      return <PlannedSection id={props.id} />;
  }
}

export function App() {
  const section = useNavStore((s) => s.section);
  const settings = useSettingsStore((s) => s.settings);
  const loadError = useSettingsStore((s) => s.loadError);
  const [connected, setConnected] = useState(true);
  useTheme(settings?.theme);
  useShortcuts();

  useEffect(() => {
    const { load, applyRemote } = useSettingsStore.getState();
    void load();
    const offSettings = bridge().on('settings:changed', applyRemote);
    const offConnection = bridge().onConnectionChange((value) => {
      setConnected(value);
      if (value) void load();
    });
    return () => {
      offSettings();
      offConnection();
    };
  }, []);

  useEffect(() => {
    document.title = `${sectionById(section).label} · Rackside`;
  }, [section]);

  return (
    <>
      <div className="shell" data-testid={settings ? 'app-ready' : 'app-loading'}>
        <Sidebar />
        <main className="content" aria-live="polite">
          {!connected ? (
            <div className="banner warn" role="status" data-testid="connection-banner">
              Lost the connection to Rackside’s local server — reconnecting…
            </div>
          ) : null}
          {loadError ? (
            <div className="banner error" role="alert">
              Rackside could not load its settings: {loadError.message}
            </div>
          ) : null}
          <ErrorBoundary key={section} area={sectionById(section).label}>
            <SectionView id={section} />
          </ErrorBoundary>
        </main>
      </div>
      <CommandPalette />
      <Toaster position="bottom-right" theme={settings?.theme ?? 'system'} richColors closeButton />
    </>
  );
}
