import { useEffect, type ReactNode } from 'react';
import { NoticeBanners } from '../../components/NoticeBanners';
import { bridge } from '../../lib/bridge';
import { useVaultStore } from '../../stores/vault-store';
import { FirstRunScreen } from './FirstRunScreen';
import { UnlockScreen } from './UnlockScreen';

/** Shows the first-run or unlock screen until the vault is open; then the app. Notices over all. */
export function VaultGate(props: { children: ReactNode }) {
  const status = useVaultStore((s) => s.status);
  const loadError = useVaultStore((s) => s.loadError);

  useEffect(() => {
    const { load, apply } = useVaultStore.getState();
    void load();
    return bridge().on('vault:changed', apply);
  }, []);

  if (loadError) {
    return (
      <div className="gate" role="alert">
        <div className="gate-card">
          <h1>Rackside cannot open its vault</h1>
          <p>{loadError.message}</p>
        </div>
      </div>
    );
  }
  if (!status) return <div className="gate" data-testid="vault-loading" />;
  const notices = <NoticeBanners />;
  switch (status.state) {
    case 'uninitialized':
      return (
        <>
          {notices}
          <FirstRunScreen />
        </>
      );
    case 'locked':
      return (
        <>
          {notices}
          <UnlockScreen />
        </>
      );
    case 'unlocked':
      return (
        <>
          {notices}
          {props.children}
        </>
      );
  }
}
