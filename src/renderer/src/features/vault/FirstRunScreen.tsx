import { KeyRound } from 'lucide-react';
import { useState } from 'react';
import { useVaultStore } from '../../stores/vault-store';
import { minPassphraseLength, passphraseStrength, strengthLabel } from './passphrase-strength';

export function FirstRunScreen() {
  const setup = useVaultStore((s) => s.setup);
  const keychainAvailable = useVaultStore((s) => s.status?.keychain.available ?? false);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [useKeychain, setUseKeychain] = useState(keychainAvailable);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const strength = passphraseStrength(passphrase);

  const submit = async (event: { preventDefault(): void }): Promise<void> => {
    event.preventDefault();
    if (passphrase.length < minPassphraseLength) {
      setError(`Use at least ${minPassphraseLength} characters.`);
      return;
    }
    if (passphrase !== confirm) {
      setError('The two passphrases differ.');
      return;
    }
    setBusy(true);
    const failure = await setup(passphrase, useKeychain && keychainAvailable);
    setBusy(false);
    if (failure) setError(failure.message);
  };

  return (
    <div className="gate" data-testid="vault-first-run">
      <form className="gate-card" onSubmit={(event) => void submit(event)} noValidate>
        <KeyRound size={26} strokeWidth={1.5} aria-hidden className="gate-icon" />
        <h1>Set up your vault</h1>
        <p className="muted">
          Rackside keeps tokens, passwords and keys encrypted with a key derived from this
          passphrase. It never leaves this machine and cannot be recovered if you forget it.
        </p>
        <label className="gate-label" htmlFor="new-passphrase">
          Passphrase
        </label>
        <input
          id="new-passphrase"
          className="input"
          type="password"
          autoComplete="new-password"
          autoFocus
          value={passphrase}
          data-testid="vault-new-passphrase"
          onChange={(event) => {
            setPassphrase(event.target.value);
            setError(undefined);
          }}
        />
        <div className={`strength strength-${strength}`} data-testid="vault-strength">
          <span className="strength-bar" aria-hidden />
          {strengthLabel[strength]}
        </div>
        <label className="gate-label" htmlFor="confirm-passphrase">
          Repeat it
        </label>
        <input
          id="confirm-passphrase"
          className="input"
          type="password"
          autoComplete="new-password"
          value={confirm}
          data-testid="vault-confirm-passphrase"
          onChange={(event) => {
            setConfirm(event.target.value);
            setError(undefined);
          }}
        />
        {keychainAvailable ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={useKeychain}
              onChange={(event) => {
                setUseKeychain(event.target.checked);
              }}
            />
            Also unlock with the system keychain on this computer
          </label>
        ) : null}
        {error ? (
          <p className="field-error" role="alert" data-testid="vault-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={busy} data-testid="vault-submit">
          {busy ? 'Creating the vault…' : 'Create vault'}
        </button>
      </form>
    </div>
  );
}
