import { Lock } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useVaultStore } from '../../stores/vault-store';

export function UnlockScreen() {
  const status = useVaultStore((s) => s.status);
  const unlock = useVaultStore((s) => s.unlock);
  const unlockWithKeychain = useVaultStore((s) => s.unlockWithKeychain);
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const waitSeconds = useCountdown(useVaultStore((s) => s.waitUntil));

  const submit = async (event: { preventDefault(): void }): Promise<void> => {
    event.preventDefault();
    if (passphrase === '') {
      setError('Enter the passphrase.');
      return;
    }
    setBusy(true);
    const failure = await unlock(passphrase);
    setBusy(false);
    if (failure) {
      // The countdown below says when the next try is allowed, and keeps saying it correctly.
      setError(failure.message.replace(/\s*Next attempt allowed in \d+ s\.$/, ''));
      setPassphrase('');
    }
  };

  return (
    <div className="gate" data-testid="vault-unlock">
      <form className="gate-card" onSubmit={(event) => void submit(event)} noValidate>
        <Lock size={26} strokeWidth={1.5} aria-hidden className="gate-icon" />
        <h1>Unlock Rackside</h1>
        <p className="muted">Enter your vault passphrase to use your connection profiles.</p>
        <label className="gate-label" htmlFor="unlock-passphrase">
          Passphrase
        </label>
        <input
          id="unlock-passphrase"
          className="input"
          type="password"
          autoComplete="current-password"
          autoFocus
          value={passphrase}
          aria-invalid={error !== undefined}
          data-testid="vault-passphrase"
          onChange={(event) => {
            setPassphrase(event.target.value);
          }}
        />
        {error ? (
          <p className="field-error" role="alert" data-testid="vault-error">
            {error}
          </p>
        ) : null}
        {waitSeconds > 0 ? (
          <p className="field-help" data-testid="vault-wait">
            Too many attempts: try again in {waitSeconds} s.
          </p>
        ) : null}
        <button
          type="submit"
          className="button primary"
          disabled={busy || waitSeconds > 0}
          data-testid="vault-submit"
        >
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
        {status?.keychain.usable ? (
          <button
            type="button"
            className="button"
            onClick={() =>
              void unlockWithKeychain().then((failure) => {
                if (failure) setError(failure.message);
              })
            }
          >
            Unlock with the system keychain
          </button>
        ) : null}
      </form>
    </div>
  );
}

/** Whole seconds until `deadline` (ms since epoch; 0 = none), ticking until it has passed. */
function useCountdown(deadline: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === 0) return;
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= deadline) clearInterval(timer);
    }, 250);
    return () => {
      clearInterval(timer);
    };
  }, [deadline]);
  return deadline === 0 ? 0 : Math.max(0, Math.ceil((deadline - now) / 1000));
}
