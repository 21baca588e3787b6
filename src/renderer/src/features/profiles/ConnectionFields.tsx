import { useFormContext, useWatch } from 'react-hook-form';
import {
  proxmoxDefaultPort,
  routerosDefaultPorts,
  SecretField,
  secretFieldsFor,
  unusedSecretsAfterSave,
  type Connection,
  type ProfileView,
} from '../../../../shared/profiles';
import { Segmented } from '../../components/Segmented';
import { FormField, fieldProps } from './FormField';
import { authModes, draftToConnection, type ProfileFormValues } from './profile-form-model';
import { SecretInput } from './SecretInput';

type TextPath =
  | 'connection.url'
  | 'connection.host'
  | 'connection.port'
  | 'connection.username'
  | 'connection.apiKey'
  | 'connection.adminUsername'
  | 'connection.hostFilter'
  | 'connection.auth.username'
  | 'connection.auth.tokenId'
  | 'connection.auth.realm'
  | 'connection.auth.keyFile';

const idOf = (path: string): string => `pf-${path.replaceAll('.', '-')}`;

function TextField(props: {
  path: TextPath;
  label: string;
  help?: string;
  placeholder?: string;
  narrow?: boolean;
}) {
  const { register, getFieldState, formState } = useFormContext<ProfileFormValues>();
  const id = idOf(props.path);
  const error = getFieldState(props.path, formState).error;
  return (
    <FormField id={id} label={props.label} error={error} help={props.help}>
      <input
        className={`input ${props.narrow ? 'narrow' : 'wide'}`}
        {...fieldProps(id, error)}
        {...register(props.path)}
        placeholder={props.placeholder}
        spellCheck={false}
      />
    </FormField>
  );
}

function ChoiceField<T extends string>(props: {
  id: string;
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
}) {
  return (
    <div className="field-row">
      <span className="field-label" id={`${props.id}-label`}>
        {props.label}
      </span>
      <Segmented
        labelledBy={`${props.id}-label`}
        value={props.value}
        options={props.options}
        testId={(value) => `${props.id}-${value}`}
        onChange={props.onChange}
      />
    </div>
  );
}

export function secretLabel(field: SecretField, connection: Connection): string {
  switch (field) {
    case 'password':
      return 'Password';
    case 'token':
      return connection.kind === 'foreman' && connection.auth.mode === 'bearer'
        ? 'Bearer JWT'
        : 'Access token';
    case 'tokenSecret':
      return 'Token secret';
    case 'apiSecret':
      return 'API secret';
    case 'adminPassword':
      return 'Admin password';
    case 'privateKey':
      return 'Private key (pasted)';
    case 'keyPassphrase':
      return 'Key passphrase';
  }
}

/**
 * What an SSH login secret does: one left empty is asked for at each login, where the prompt can
 * save it with the profile; a keyboard-interactive server asks for one-time codes besides.
 */
function secretAbout(
  field: SecretField,
  connection: Connection,
  stored: boolean,
): string | undefined {
  if (connection.kind !== 'ssh') return undefined;
  // With one stored, an empty field keeps it (the stored-secret help says so).
  const asked = stored ? '' : ' Empty: asked at each login, where the prompt can save it here.';
  switch (field) {
    case 'password':
      return connection.auth.mode === 'keyboard-interactive'
        ? `Answers the server’s password question; one-time codes are always asked.${asked}`
        : asked.trim() || undefined;
    case 'keyPassphrase':
      return `Only for an encrypted key.${asked}`;
    default:
      return undefined;
  }
}

/**
 * The fields of one kind and auth mode, then that mode's secrets. Switching the mode hides the
 * other modes' fields; what was typed there is kept until the form closes but never saved.
 */
export function ConnectionFields(props: {
  profile: ProfileView | undefined;
  sshProfiles: readonly ProfileView[];
}) {
  const { register, setValue } = useFormContext<ProfileFormValues>();
  const draft = useWatch<ProfileFormValues, 'connection'>({ name: 'connection' });
  const connection = draftToConnection(draft);
  const modes = authModes[draft.kind];
  const setMode = (mode: string): void => {
    setValue('connection.auth.mode', mode, { shouldDirty: true });
  };

  return (
    <section className="panel" data-testid="pf-connection">
      <h2>Connection</h2>
      {draft.kind === 'routeros' || draft.kind === 'ssh' ? (
        <>
          <TextField path="connection.host" label="Host" placeholder="router.example.net" />
          {draft.kind === 'routeros' ? (
            <ChoiceField
              id="pf-connection-transport"
              label="Transport"
              value={draft.transport}
              options={[
                { value: 'api-ssl', label: 'API-SSL' },
                { value: 'api', label: 'API (plain)' },
                { value: 'rest', label: 'REST (HTTPS)' },
              ]}
              onChange={(value) => {
                setValue('connection.transport', value, { shouldDirty: true });
              }}
            />
          ) : null}
          <TextField
            path="connection.port"
            label="Port"
            narrow
            placeholder={
              draft.kind === 'routeros' ? String(routerosDefaultPorts[draft.transport]) : '22'
            }
            help={
              draft.kind === 'routeros' ? 'Empty uses the transport’s default port.' : undefined
            }
          />
          <TextField path="connection.username" label="User" />
        </>
      ) : (
        <TextField
          path="connection.url"
          label="URL"
          placeholder="https://host.example.net"
          help={
            draft.kind === 'proxmox'
              ? `An https URL without a port means ${String(proxmoxDefaultPort)}; a port in the URL (443 too) is used as given.`
              : undefined
          }
        />
      )}

      {modes.length > 0 ? (
        <ChoiceField
          id="pf-connection-auth-mode"
          label="Authentication"
          value={draft.auth.mode}
          options={modes}
          onChange={setMode}
        />
      ) : null}
      {draft.kind === 'foreman' && draft.auth.mode !== 'bearer' ? (
        <TextField
          path="connection.auth.username"
          label="Login"
          help={
            draft.auth.mode === 'token' ? 'The token is sent as HTTP Basic login:token.' : undefined
          }
        />
      ) : null}
      {draft.kind === 'foreman' ? (
        <TextField
          path="connection.hostFilter"
          label="Host filter"
          placeholder="hostgroup_title ~ base/web"
          help="Foreman search syntax; only matching hosts are synced. Empty: every host."
        />
      ) : null}
      {draft.kind === 'proxmox' && draft.auth.mode === 'token' ? (
        <TextField
          path="connection.auth.tokenId"
          label="Token id"
          placeholder="user@realm!tokenid"
        />
      ) : null}
      {draft.kind === 'proxmox' && draft.auth.mode === 'password' ? (
        <>
          <TextField path="connection.auth.username" label="User" />
          <TextField path="connection.auth.realm" label="Realm" narrow placeholder="pam" />
          <div className="field-row">
            <span className="field-label">Two-factor</span>
            <label className="switch">
              <input
                type="checkbox"
                data-testid="pf-connection-auth-totp"
                {...register('connection.auth.totp')}
              />
              <span>Ask for a TOTP code at each login</span>
            </label>
          </div>
        </>
      ) : null}
      {draft.kind === 'patchmon' ? (
        <>
          <TextField
            path="connection.apiKey"
            label="API key"
            help="The API credential’s key (HTTP Basic user)."
          />
          <TextField
            path="connection.adminUsername"
            label="Admin user"
            help="Optional: for enrollment and credential management."
          />
        </>
      ) : null}
      {draft.kind === 'ssh' && draft.auth.mode === 'key' ? (
        <TextField
          path="connection.auth.keyFile"
          label="Key file"
          placeholder="~/.ssh/id_ed25519"
          help="A key file on this machine, or paste the key below to keep it in the vault."
        />
      ) : null}

      {secretFieldsFor(connection).map((field) => (
        <SecretInput
          key={field}
          field={field}
          label={secretLabel(field, connection)}
          hasSecret={storedSecret(props.profile, field)}
          about={secretAbout(field, connection, storedSecret(props.profile, field))}
        />
      ))}
      {props.profile ? <UnusedSecretsNote profile={props.profile} connection={connection} /> : null}

      {draft.kind === 'ssh' ? (
        <SshExtras selfId={props.profile?.id} sshProfiles={props.sshProfiles} />
      ) : null}
    </section>
  );
}

/** Stored in the vault: used by the profile's settings, or kept from other ones. */
function storedSecret(profile: ProfileView | undefined, field: SecretField): boolean {
  return profile?.hasSecret[field] === true || profile?.keptSecrets.includes(field) === true;
}

/**
 * Before saving, what becomes of stored secrets the settings in the form do not use (another
 * login method chosen): kept until one of theirs is saved, or removed (see
 * `unusedSecretsAfterSave`).
 */
function UnusedSecretsNote(props: { profile: ProfileView; connection: Connection }) {
  const typed = useWatch<ProfileFormValues, 'secrets'>({ name: 'secrets' });
  const cleared = useWatch<ProfileFormValues, 'clear'>({ name: 'clear' });
  const used = secretFieldsFor(props.connection);
  const storedAfter = SecretField.options.filter((field) =>
    used.includes(field)
      ? !cleared[field] && (typed[field] !== '' || storedSecret(props.profile, field))
      : storedSecret(props.profile, field),
  );
  const { fields, kept } = unusedSecretsAfterSave(props.connection, storedAfter);
  if (fields.length === 0) return null;
  const names = fields.map((field) => secretLabel(field, props.profile.connection)).join(' and ');
  const theirs = used.map((field) => secretLabel(field, props.connection)).join(' or ');
  return kept ? (
    <div className="banner info" role="status" data-testid="pf-unused-secrets">
      The stored {names} is not used with these settings. It is kept, so going back to the earlier
      ones finds it, and removed once a {theirs} is saved.
    </div>
  ) : (
    <div className="banner warn" role="status" data-testid="pf-unused-secrets">
      Saving removes the stored {names}: these settings do not use it.
    </div>
  );
}

function SshExtras(props: { selfId: string | undefined; sshProfiles: readonly ProfileView[] }) {
  const { register, formState } = useFormContext<ProfileFormValues>();
  const jumpError = formState.errors.connection?.jumpHostId;
  const hops = props.sshProfiles.filter((p) => p.id !== props.selfId);
  return (
    <>
      <FormField
        id="pf-connection-jumpHostId"
        label="Jump host"
        error={jumpError}
        help={hops.length === 0 ? 'Add another SSH profile to hop through it.' : undefined}
      >
        <select
          className="input"
          {...fieldProps('pf-connection-jumpHostId', jumpError)}
          {...register('connection.jumpHostId')}
        >
          <option value="">None — connect directly</option>
          {hops.map((hop) => (
            <option key={hop.id} value={hop.id}>
              {hop.name}
            </option>
          ))}
        </select>
      </FormField>
      <FormField
        id="pf-connection-hostKeyPolicy"
        label="Host key"
        help="What to do with a host key Rackside has not seen before."
      >
        <select
          className="input"
          {...fieldProps('pf-connection-hostKeyPolicy', undefined)}
          {...register('connection.hostKeyPolicy')}
        >
          <option value="ask">Ask</option>
          <option value="accept-new">Accept new, refuse changed</option>
          <option value="strict">Strict: known keys only</option>
        </select>
      </FormField>
    </>
  );
}
