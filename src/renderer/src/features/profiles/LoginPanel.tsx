import { CircleCheck, Loader2, TriangleAlert } from 'lucide-react';
import type { ProfileView } from '../../../../shared/profiles';
import type { LoginState } from './profiles-store';

/** The outcome of a login test: the source's version, who the credential is, what it may see. */
export function LoginPanel(props: { profile: ProfileView; state: LoginState }) {
  const { state, profile } = props;
  if (state.status === 'running') {
    return (
      <section className="panel probe" data-testid="login-panel" aria-busy="true">
        <h2>Login test</h2>
        <p className="muted" data-testid="login-running">
          <Loader2 size={13} className="spin" aria-hidden /> Logging in to {profile.name}…
        </p>
      </section>
    );
  }
  if (state.status === 'error') {
    return (
      <section className="panel probe" data-testid="login-panel" data-outcome="failed">
        <h2>Login test</h2>
        <p className="probe-verdict failed" role="alert" data-testid="login-error">
          {state.error.message}
        </p>
      </section>
    );
  }
  const { result } = state;
  return (
    <section className="panel probe" data-testid="login-panel" data-outcome="ok">
      <h2>Login test</h2>
      <p className="probe-verdict ok" data-testid="login-verdict">
        {result.version}, logged in as {result.identity}
      </p>
      <ul className="login-list" data-testid="login-permissions">
        {result.warnings.map((warning) => (
          <li key={`w:${warning}`} className="warn" data-testid="login-warning">
            <TriangleAlert size={13} aria-label="warning" />
            <span>{warning}</span>
          </li>
        ))}
        {result.permissions.map((permission) => (
          <li key={`p:${permission}`} className="ok" data-testid="login-permission">
            <CircleCheck size={13} aria-label="allowed" />
            <span>{permission}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
