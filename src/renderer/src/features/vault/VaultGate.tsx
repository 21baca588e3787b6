import { useEffect, type ReactNode } from 'react';
import { bridge } from '../../lib/bridge';
import { useVaultStore } from '../../stores/vault-store';
import { FirstRunScreen } from './FirstRunScreen';
import { UnlockScreen } from './UnlockScreen';

/** Shows the first-run or unlock screen until the vault is open; then the app. */
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
  const recovered = status.recovered ? (
    <div className="banner warn" role="status" data-testid="db-recovered">
      {status.recovered}
    </div>
  ) : null;
  switch (status.state) {
    case 'uninitialized':
      return (
        <>
          {recovered}
          <FirstRunScreen />
        </>
      );
    case 'locked':
      return (
        <>
          {recovered}
          <UnlockScreen />
        </>
      );
    case 'unlocked':
      return (
        <>
          {recovered}
          {props.children}
        </>
      );
  }
}
