import { useState } from 'react';
import { toast } from 'sonner';
import { LockTimeoutMinutes, type Theme } from '../../../../shared/settings';
import { SshUser } from '../../../../shared/ssh';
import { setTheme } from '../../app/commands';
import { Segmented } from '../../components/Segmented';
import { useSettingsStore } from '../../stores/settings-store';
import { useVaultStore } from '../../stores/vault-store';
import { VaultPanel } from './VaultPanel';

const themeOptions: readonly { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const vaultLabel = {
  uninitialized: 'Not set up yet',
  locked: 'Locked',
  unlocked: 'Unlocked',
} as const;

export function SettingsPage() {
  const settings = useSettingsStore((s) => s.settings);
  const info = useSettingsStore((s) => s.info);
  const vaultState = useVaultStore((s) => s.status?.state);
  if (!settings || !info) return null;
  return (
    <div className="page" data-testid="settings-page">
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <section className="panel">
        <h2>Appearance</h2>
        <div className="field-row">
          <span className="field-label" id="theme-label">
            Theme
          </span>
          <Segmented
            labelledBy="theme-label"
            value={settings.theme}
            options={themeOptions}
            testId={(value) => `theme-${value}`}
            onChange={(value) => void setTheme(value)}
          />
        </div>
      </section>
      <section className="panel">
        <h2>Vault</h2>
        <LockTimeoutField value={settings.lockTimeoutMinutes} />
        <VaultPanel />
      </section>
      <section className="panel">
        <h2>Terminals</h2>
        <DefaultSshUserField value={settings.defaultSshUser} osUser={info.userName} />
      </section>
      <section className="panel">
        <h2>About this installation</h2>
        <dl className="facts" data-testid="app-info">
          <dt>Version</dt>
          <dd>{info.version}</dd>
          <dt>Running in</dt>
          <dd>{info.host === 'electron' ? 'Desktop app' : 'Browser (local server)'}</dd>
          <dt>Platform</dt>
          <dd>
            {info.platform} / {info.arch}
          </dd>
          <dt>Data folder</dt>
          <dd>
            <code data-testid="data-dir">{info.dataDir}</code>
          </dd>
          <dt>Vault</dt>
          <dd>{vaultLabel[vaultState ?? info.vault]}</dd>
        </dl>
      </section>
    </div>
  );
}

function LockTimeoutField(props: { value: number }) {
  const update = useSettingsStore((s) => s.update);
  const [draft, setDraft] = useState(String(props.value));
  const [error, setError] = useState<string | undefined>();

  const commit = async (): Promise<void> => {
    // Digits only: Number() would also take "0x10" and "1e1".
    const parsed = LockTimeoutMinutes.safeParse(/^\s*\d+\s*$/.test(draft) ? Number(draft) : NaN);
    if (!parsed.success) {
      setError('Enter whole minutes from 0 (never) to 1440.');
      return;
    }
    setError(undefined);
    setDraft(String(parsed.data));
    if (parsed.data === props.value) return;
    const failure = await update({ lockTimeoutMinutes: parsed.data });
    if (failure) setError(failure.message);
    else
      toast.success(
        parsed.data === 0
          ? 'The vault will not lock by itself.'
          : `The vault locks after ${parsed.data === 1 ? '1 idle minute' : `${String(parsed.data)} idle minutes`}.`,
      );
  };

  return (
    <div className="field-row">
      <label className="field-label" htmlFor="lock-timeout">
        Lock after idle minutes
      </label>
      <div>
        <input
          id="lock-timeout"
          className="input narrow"
          inputMode="numeric"
          value={draft}
          aria-invalid={error !== undefined}
          aria-describedby="lock-timeout-help"
          data-testid="lock-timeout"
          onChange={(event) => {
            setDraft(event.target.value);
          }}
          onBlur={() => void commit()}
          onKeyDown={(event) => {
            if (event.key === 'Enter') void commit();
          }}
        />
        <p
          id="lock-timeout-help"
          className={error ? 'field-error' : 'field-help'}
          data-testid="lock-timeout-help"
        >
          {error ?? '0 keeps the vault unlocked until you lock it or quit.'}
        </p>
      </div>
    </div>
  );
}

/** Whom to log in as on an asset that has no SSH profile, before any user was used there. */
function DefaultSshUserField(props: { value: string; osUser: string | undefined }) {
  const update = useSettingsStore((s) => s.update);
  const [draft, setDraft] = useState(props.value);
  const [error, setError] = useState<string | undefined>();
  const fallback = props.osUser ?? 'root';

  const commit = async (): Promise<void> => {
    const next = draft.trim();
    if (next !== '' && !SshUser.safeParse(next).success) {
      setError('A login name has no spaces, @ or : and does not start with -.');
      return;
    }
    setError(undefined);
    if (next === props.value) return;
    const failure = await update({ defaultSshUser: next });
    if (failure) setError(failure.message);
    else
      toast.success(
        next === ''
          ? `New SSH logins on assets suggest ${fallback}.`
          : `New SSH logins on assets suggest ${next}.`,
      );
  };

  return (
    <div className="field-row">
      <label className="field-label" htmlFor="default-ssh-user">
        Default SSH user
      </label>
      <div>
        <input
          id="default-ssh-user"
          className="input narrow"
          autoComplete="off"
          spellCheck={false}
          placeholder={fallback}
          value={draft}
          aria-invalid={error !== undefined}
          aria-describedby="default-ssh-user-help"
          data-testid="default-ssh-user"
          onChange={(event) => {
            setDraft(event.target.value);
          }}
          onBlur={() => void commit()}
          onKeyDown={(event) => {
            if (event.key === 'Enter') void commit();
          }}
        />
        <p
          id="default-ssh-user-help"
          className={error ? 'field-error' : 'field-help'}
          data-testid="default-ssh-user-help"
        >
          {error ??
            `Suggested when you open a terminal on an asset you have not logged in to before. Empty: ${fallback}.`}
        </p>
      </div>
    </div>
  );
}
