import { Activity, KeyRound, Pencil, SquareTerminal, Trash2 } from 'lucide-react';
import type { ReactNode } from 'react';
import { isInsecure, secretFieldsFor, type ProfileView } from '../../../../shared/profiles';
import { openTerminalFor } from '../terminals/terminal-actions';
import { secretLabel } from './ConnectionFields';
import { kindLabels } from './profile-form-model';
import { LoginPanel } from './LoginPanel';
import { InsecureBadge, KindIcon, TagList } from './ProfileBadges';
import { ProbePanel } from './ProbePanel';
import { addressOf, selectors, useProfilesStore } from './profiles-store';

function authSummary(
  profile: ProfileView,
  jumpName: (id: string) => string,
): [string, ReactNode][] {
  const c = profile.connection;
  switch (c.kind) {
    case 'foreman':
      return [
        [
          'Authentication',
          c.auth.mode === 'bearer'
            ? 'Bearer JWT'
            : `${c.auth.mode === 'token' ? 'Access token' : 'Password'} as ${c.auth.username}`,
        ],
        ['Hosts', c.hostFilter ? `matching ${c.hostFilter}` : 'all the credential sees'],
      ];
    case 'proxmox':
      return [
        [
          'Authentication',
          c.auth.mode === 'token'
            ? `API token ${c.auth.tokenId}`
            : `${c.auth.username}@${c.auth.realm}${c.auth.totp ? ' with TOTP' : ''}`,
        ],
      ];
    case 'patchmon':
      return [
        ['API key', c.apiKey],
        ['Admin user', c.adminUsername ?? 'none'],
      ];
    case 'routeros':
      return [
        ['Transport', c.transport],
        ['User', c.username],
      ];
    case 'ssh':
      return [
        [
          'Authentication',
          c.auth.mode === 'key' && c.auth.keyFile !== null ? `key ${c.auth.keyFile}` : c.auth.mode,
        ],
        ['Jump host', c.jumpHostId === null ? 'none' : jumpName(c.jumpHostId)],
        ['Host key policy', c.hostKeyPolicy],
      ];
  }
}

function tlsSummary(profile: ProfileView): string | undefined {
  const c = profile.connection;
  if (c.kind === 'ssh' || (c.kind === 'routeros' && c.transport === 'api')) return undefined;
  if (c.tls.insecure) return 'Verification off';
  if (c.tls.pinnedSha256 !== null) return `Pinned ${c.tls.pinnedSha256}`;
  if (c.tls.caFile !== null) return `Verified with CA file ${c.tls.caFile}`;
  return 'Verified with the system CAs';
}

/** The selected profile: what it connects to, which secrets are stored, its probe and login test. */
export function ProfileDetail(props: { profile: ProfileView }) {
  const { profile } = props;
  const probe = useProfilesStore((s) => s.probes[profile.id]);
  const login = useProfilesStore((s) => s.logins[profile.id]);
  const profiles = useProfilesStore((s) => s.profiles);
  const { openEditor, openDialog } = useProfilesStore.getState();
  const jumpName = (id: string): string =>
    selectors.byId({ profiles }, id)?.name ?? 'missing profile';
  const tls = tlsSummary(profile);
  const secrets = secretFieldsFor(profile.connection);

  return (
    <div className="profile-detail" data-testid="profile-detail" data-name={profile.name}>
      <header className="detail-header">
        <KindIcon kind={profile.connection.kind} size={18} />
        <div>
          <h2>{profile.name}</h2>
          <span className="muted">
            {kindLabels[profile.connection.kind]} · {addressOf(profile)}
          </span>
        </div>
        {isInsecure(profile.connection) ? <InsecureBadge /> : null}
      </header>
      <div className="detail-actions">
        {profile.connection.kind === 'ssh' ? (
          <button
            type="button"
            className="button primary"
            data-testid="profile-connect"
            onClick={() => void openTerminalFor({ profileId: profile.id, label: profile.name })}
          >
            <SquareTerminal size={13} aria-hidden /> Connect
          </button>
        ) : null}
        <button
          type="button"
          className="button primary"
          data-testid="profile-probe"
          disabled={probe?.status === 'running'}
          onClick={() => void useProfilesStore.getState().probe(profile.id)}
        >
          <Activity size={13} aria-hidden /> Probe
        </button>
        {profile.connection.kind !== 'ssh' ? (
          <button
            type="button"
            className="button"
            data-testid="profile-test-login"
            title="Log in with the stored credential and show what it may see"
            disabled={login?.status === 'running'}
            onClick={() => void useProfilesStore.getState().testLogin(profile.id)}
          >
            <KeyRound size={13} aria-hidden /> Test login
          </button>
        ) : null}
        <button
          type="button"
          className="button"
          data-testid="profile-edit"
          onClick={() => {
            openEditor({ mode: 'edit', id: profile.id });
          }}
        >
          <Pencil size={13} aria-hidden /> Edit
        </button>
        <button
          type="button"
          className="button danger"
          data-testid="profile-delete"
          onClick={() => {
            openDialog({ type: 'delete', id: profile.id });
          }}
        >
          <Trash2 size={13} aria-hidden /> Delete
        </button>
      </div>
      {isInsecure(profile.connection) ? (
        <div className="inline-warning" role="note">
          TLS verification is off for this profile: its server is not authenticated. Probe it and
          pin the certificate instead.
        </div>
      ) : null}
      <section className="panel">
        <dl className="facts">
          <dt>Folder</dt>
          <dd>{profile.folder === '' ? 'none' : profile.folder}</dd>
          <dt>Tags</dt>
          <dd>{profile.tags.length === 0 ? 'none' : <TagList tags={profile.tags} />}</dd>
          {authSummary(profile, jumpName).map(([label, value]) => (
            <FactRow key={label} label={label} value={value} />
          ))}
          <dt>Secrets</dt>
          <dd data-testid="profile-secrets">
            {secrets.length === 0
              ? 'none used'
              : secrets
                  .map(
                    (field) =>
                      `${secretLabel(field, profile.connection)}: ${profile.hasSecret[field] ? 'stored' : 'not set'}`,
                  )
                  .join(' · ')}
            {profile.keptSecrets.length > 0 ? (
              <div className="muted" data-testid="profile-kept-secrets">
                Kept from other settings, not used:{' '}
                {profile.keptSecrets
                  .map((field) => secretLabel(field, profile.connection))
                  .join(', ')}
                . Going back to them uses it again; saving a secret of these removes it.
              </div>
            ) : null}
          </dd>
          {tls !== undefined ? <FactRow label="TLS" value={tls} /> : null}
          {profile.notes !== '' ? <FactRow label="Notes" value={profile.notes} /> : null}
          <dt>Updated</dt>
          <dd>{new Date(profile.updatedAt).toLocaleString()}</dd>
        </dl>
      </section>
      {login ? <LoginPanel profile={profile} state={login} /> : null}
      {probe ? <ProbePanel profile={profile} state={probe} /> : null}
    </div>
  );
}

function FactRow(props: { label: string; value: ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </>
  );
}
