import { useState } from 'react';
import { toast } from 'sonner';
import { lockVault } from '../../app/commands';
import { useVaultStore } from '../../stores/vault-store';
import { minPassphraseLength } from '../vault/passphrase-strength';

/** Lock now, change the passphrase, and the optional OS keychain unlock. */
export function VaultPanel() {
  const keychain = useVaultStore((s) => s.status?.keychain);
  const setKeychain = useVaultStore((s) => s.setKeychain);
  return (
    <>
      <div className="field-row">
        <span className="field-label">Lock now</span>
        <div>
          <button
            type="button"
            className="button"
            data-testid="settings-lock"
            onClick={() => void lockVault()}
          >
            Lock the vault
          </button>
        </div>
      </div>
      <ChangePassphrase />
      <div className="field-row">
        <span className="field-label">System keychain</span>
        <div>
          {keychain?.available ? (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={keychain.wrapped}
                data-testid="keychain-toggle"
                onChange={(event) => {
                  const enabled = event.target.checked;
                  void setKeychain(enabled).then((failure) => {
                    if (failure) toast.error(failure.message);
                  });
                }}
              />
              Unlock with the keychain on this computer
            </label>
          ) : (
            <p className="field-help" data-testid="keychain-unavailable">
              No secure system keychain is available here
              {keychain?.currentBackend ? ` (backend: ${keychain.currentBackend})` : ''}; the
              passphrase is the only way in.
            </p>
          )}
        </div>
      </div>
    </>
  );
}

function ChangePassphrase() {
  const change = useVaultStore((s) => s.changePassphrase);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: { preventDefault(): void }): Promise<void> => {
    event.preventDefault();
    if (current === '') {
      setError('Enter the current passphrase.');
      return;
    }
    if (next.length < minPassphraseLength) {
      setError(`The new passphrase needs at least ${minPassphraseLength} characters.`);
      return;
    }
    if (next !== confirm) {
      setError('The new passphrases differ.');
      return;
    }
    setBusy(true);
    const failure = await change(current, next);
    setBusy(false);
    if (failure) {
      setError(failure.message);
      return;
    }
    setError(undefined);
    setCurrent('');
    setNext('');
    setConfirm('');
    toast.success('Passphrase changed. Your secrets were not re-encrypted; only the key wrap.');
  };

  return (
    <form className="field-row" onSubmit={(event) => void submit(event)} noValidate>
      <span className="field-label">Change passphrase</span>
      <div className="stack">
        {(
          [
            ['Current passphrase', current, setCurrent, 'current-password', 'pp-current'],
            ['New passphrase', next, setNext, 'new-password', 'pp-next'],
            ['Repeat the new one', confirm, setConfirm, 'new-password', 'pp-confirm'],
          ] as const
        ).map(([label, value, set, autoComplete, testId]) => (
          <input
            key={testId}
            className="input"
            type="password"
            placeholder={label}
            aria-label={label}
            autoComplete={autoComplete}
            value={value}
            data-testid={testId}
            onChange={(event) => {
              set(event.target.value);
            }}
          />
        ))}
        {error ? (
          <p className="field-error" role="alert" data-testid="pp-error">
            {error}
          </p>
        ) : null}
        <div>
          <button type="submit" className="button" disabled={busy} data-testid="pp-submit">
            {busy ? 'Changing…' : 'Change passphrase'}
          </button>
        </div>
      </div>
    </form>
  );
}
