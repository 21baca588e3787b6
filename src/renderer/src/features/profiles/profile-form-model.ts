import { toNestErrors } from '@hookform/resolvers';
import type { FieldError, Resolver } from 'react-hook-form';
import type { z } from 'zod';
import {
  ProfileSaveInput,
  secretFields,
  secretFieldsFor,
  type Connection,
  type HostKeyPolicy,
  type ProfileKind,
  type ProfileSave,
  type ProfileView,
  type RouterosTransport,
  type SecretField,
  type SecretsPatch,
} from '../../../../shared/profiles';

/**
 * The profile form works on strings and booleans, one field per input, laid out like
 * `Connection` (so validation paths from the shared schemas land on the right input). Fields of
 * other kinds or auth modes are kept while the form is open and dropped when it is saved.
 */
export interface ConnectionDraft {
  kind: ProfileKind;
  url: string;
  host: string;
  port: string;
  transport: RouterosTransport;
  username: string;
  apiKey: string;
  adminUsername: string;
  hostKeyPolicy: HostKeyPolicy;
  /** '' means no jump host. */
  jumpHostId: string;
  /** Foreman's scoped-search filter for hosts; '' means every host. */
  hostFilter: string;
  auth: {
    mode: string;
    username: string;
    tokenId: string;
    realm: string;
    totp: boolean;
    keyFile: string;
  };
  tls: { insecure: boolean; caFile: string; pinnedSha256: string };
}

export interface ProfileFormValues {
  name: string;
  folder: string;
  /** Tags as typed: separated by spaces or commas. */
  tags: string;
  notes: string;
  connection: ConnectionDraft;
  /** Typed secret values; '' keeps what is stored. */
  secrets: Record<SecretField, string>;
  /** Secrets the user asked to delete. */
  clear: Record<SecretField, boolean>;
}

export const kindLabels: Record<ProfileKind, string> = {
  foreman: 'Foreman',
  proxmox: 'Proxmox VE',
  patchmon: 'PatchMon',
  routeros: 'RouterOS',
  ssh: 'SSH',
};

export const authModes: Record<ProfileKind, readonly { value: string; label: string }[]> = {
  foreman: [
    { value: 'token', label: 'Access token' },
    { value: 'password', label: 'Password' },
    { value: 'bearer', label: 'Bearer JWT' },
  ],
  proxmox: [
    { value: 'token', label: 'API token' },
    { value: 'password', label: 'Password' },
  ],
  patchmon: [],
  routeros: [],
  ssh: [
    { value: 'password', label: 'Password' },
    { value: 'key', label: 'Private key' },
    { value: 'agent', label: 'Agent' },
    { value: 'keyboard-interactive', label: 'Keyboard-interactive' },
  ],
};

export function defaultAuthMode(kind: ProfileKind): string {
  return authModes[kind][0]?.value ?? '';
}

const noSecrets = (): Record<SecretField, string> =>
  Object.fromEntries(secretFields.map((field) => [field, ''])) as Record<SecretField, string>;
const noClears = (): Record<SecretField, boolean> =>
  Object.fromEntries(secretFields.map((field) => [field, false])) as Record<SecretField, boolean>;

export function emptyDraft(kind: ProfileKind): ConnectionDraft {
  return {
    kind,
    url: '',
    host: '',
    port: kind === 'ssh' ? '22' : '',
    transport: 'api-ssl',
    username: '',
    apiKey: '',
    adminUsername: '',
    hostKeyPolicy: 'ask',
    jumpHostId: '',
    hostFilter: '',
    auth: {
      mode: defaultAuthMode(kind),
      username: '',
      tokenId: '',
      realm: 'pam',
      totp: false,
      keyFile: '',
    },
    tls: { insecure: false, caFile: '', pinnedSha256: '' },
  };
}

/** The form's starting values: a blank profile of `kind`, or the profile being edited. */
export function formValuesFor(
  profile: ProfileView | undefined,
  kind: ProfileKind,
): ProfileFormValues {
  const base = { secrets: noSecrets(), clear: noClears() };
  if (!profile)
    return { name: '', folder: '', tags: '', notes: '', connection: emptyDraft(kind), ...base };
  const c = profile.connection;
  const draft = emptyDraft(c.kind);
  switch (c.kind) {
    case 'foreman':
      draft.url = c.url;
      draft.auth.mode = c.auth.mode;
      if (c.auth.mode !== 'bearer') draft.auth.username = c.auth.username;
      draft.hostFilter = c.hostFilter ?? '';
      break;
    case 'proxmox':
      draft.url = c.url;
      draft.auth.mode = c.auth.mode;
      if (c.auth.mode === 'token') draft.auth.tokenId = c.auth.tokenId;
      else
        Object.assign(draft.auth, {
          username: c.auth.username,
          realm: c.auth.realm,
          totp: c.auth.totp,
        });
      break;
    case 'patchmon':
      Object.assign(draft, { url: c.url, apiKey: c.apiKey, adminUsername: c.adminUsername ?? '' });
      break;
    case 'routeros':
      Object.assign(draft, {
        host: c.host,
        transport: c.transport,
        port: c.port === null ? '' : String(c.port),
        username: c.username,
      });
      break;
    case 'ssh':
      Object.assign(draft, {
        host: c.host,
        port: String(c.port),
        username: c.username,
        hostKeyPolicy: c.hostKeyPolicy,
        jumpHostId: c.jumpHostId ?? '',
      });
      draft.auth.mode = c.auth.mode;
      if (c.auth.mode === 'key') draft.auth.keyFile = c.auth.keyFile ?? '';
      break;
  }
  if (c.kind !== 'ssh') {
    draft.tls = {
      insecure: c.tls.insecure,
      caFile: c.tls.caFile ?? '',
      pinnedSha256: c.tls.pinnedSha256 ?? '',
    };
  }
  return {
    name: profile.name,
    folder: profile.folder,
    tags: profile.tags.join(' '),
    notes: profile.notes,
    connection: draft,
    ...base,
  };
}

/** An editor's values without what must not outlive the unlocked app: the typed secrets. */
export type DraftValues = Omit<ProfileFormValues, 'secrets'>;

/**
 * What of an open editor survives a lock: every value but the secrets, and which secrets the
 * connection uses were typed — or were dropped by an earlier lock and not typed again — so the
 * reopened editor can ask for them.
 */
export function keepableDraft(
  values: ProfileFormValues,
  droppedBefore: readonly SecretField[] = [],
): { values: DraftValues; secretsToRetype: SecretField[] } {
  const { secrets, ...rest } = values;
  const used = secretFieldsFor(draftToConnection(values.connection));
  return {
    values: structuredClone(rest),
    secretsToRetype: used.filter(
      (field) => !values.clear[field] && (secrets[field] !== '' || droppedBefore.includes(field)),
    ),
  };
}

/** Form values from a kept draft; its secrets are empty and must be typed again. */
export function formValuesFromDraft(values: DraftValues): ProfileFormValues {
  return { ...structuredClone(values), secrets: noSecrets() };
}

const orNull = (value: string): string | null => (value.trim() === '' ? null : value.trim());
/** A port as typed; anything but digits becomes NaN so the schema reports it on that field. */
const portNumber = (value: string): number => (/^\s*\d+\s*$/.test(value) ? Number(value) : NaN);

/**
 * The connection the draft describes, for the current kind and auth mode only. Not validated:
 * `ProfileSaveInput` does that, and its issue paths match the draft's field names.
 */
export function draftToConnection(d: ConnectionDraft): Connection {
  const tls = {
    insecure: d.tls.insecure,
    caFile: orNull(d.tls.caFile),
    pinnedSha256: orNull(d.tls.pinnedSha256),
  };
  switch (d.kind) {
    case 'foreman':
      return {
        kind: 'foreman',
        url: d.url,
        auth:
          d.auth.mode === 'bearer'
            ? { mode: 'bearer' }
            : {
                mode: d.auth.mode === 'password' ? 'password' : 'token',
                username: d.auth.username,
              },
        tls,
        hostFilter: orNull(d.hostFilter),
      };
    case 'proxmox':
      return {
        kind: 'proxmox',
        url: d.url,
        auth:
          d.auth.mode === 'password'
            ? {
                mode: 'password',
                username: d.auth.username,
                realm: d.auth.realm.trim() || 'pam',
                totp: d.auth.totp,
              }
            : { mode: 'token', tokenId: d.auth.tokenId.trim() },
        tls,
      };
    case 'patchmon':
      return {
        kind: 'patchmon',
        url: d.url,
        apiKey: d.apiKey,
        adminUsername: orNull(d.adminUsername),
        tls,
      };
    case 'routeros':
      return {
        kind: 'routeros',
        host: d.host,
        transport: d.transport,
        port: d.port.trim() === '' ? null : portNumber(d.port),
        username: d.username,
        tls,
      };
    case 'ssh':
      return {
        kind: 'ssh',
        host: d.host,
        port: d.port.trim() === '' ? 22 : portNumber(d.port),
        username: d.username,
        auth: sshAuth(d.auth),
        hostKeyPolicy: d.hostKeyPolicy,
        jumpHostId: orNull(d.jumpHostId),
      };
  }
}

function sshAuth(auth: ConnectionDraft['auth']): Extract<Connection, { kind: 'ssh' }>['auth'] {
  switch (auth.mode) {
    case 'key':
      return { mode: 'key', keyFile: orNull(auth.keyFile) };
    case 'agent':
      return { mode: 'agent' };
    case 'keyboard-interactive':
      return { mode: 'keyboard-interactive' };
    default:
      return { mode: 'password' };
  }
}

/**
 * The secrets part of a save: for each field this connection uses, a typed value replaces,
 * "clear" deletes (null), and an empty input keeps what is stored (the field is left out).
 */
export function secretsPatch(values: ProfileFormValues, connection: Connection): SecretsPatch {
  const patch: SecretsPatch = {};
  for (const field of secretFieldsFor(connection)) {
    if (values.clear[field]) patch[field] = null;
    else if (values.secrets[field] !== '') patch[field] = values.secrets[field];
  }
  return patch;
}

export function parseTags(text: string): string[] {
  return text.split(/[\s,]+/).filter((tag) => tag !== '');
}

/** What `profiles:save` is asked to store (before validation). */
export function toSaveCandidate(values: ProfileFormValues): ProfileSaveInput {
  const connection = draftToConnection(values.connection);
  return {
    name: values.name,
    folder: values.folder,
    tags: parseTags(values.tags),
    notes: values.notes,
    connection,
    secrets: secretsPatch(values, connection),
  };
}

/** Form field for a schema issue path: list items report on the list's one input. */
function formPath(path: readonly PropertyKey[]): string {
  if (path[0] === 'tags') return 'tags';
  return path.map(String).join('.');
}

/** Zod's built-in messages are written for programmers; say the same thing for people. */
function friendlyMessage(issue: z.core.$ZodIssue): string {
  const builtIn = /^(Too small|Too big|Invalid input|Invalid string|Invalid)\b/.test(issue.message);
  if (!builtIn) return issue.message;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'number') return `Must be at least ${String(issue.minimum)}`;
      return issue.minimum === 1 ? 'Required' : `At least ${String(issue.minimum)} characters`;
    case 'too_big':
      if (issue.origin === 'number') return `Must be at most ${String(issue.maximum)}`;
      if (issue.origin === 'array') return `At most ${String(issue.maximum)} entries`;
      return `At most ${String(issue.maximum)} characters`;
    case 'invalid_type':
      // The form's numbers are ports: "22.5" is a number, but not one of them.
      return issue.expected === 'number' ? 'Enter a whole number' : 'Required';
    case 'invalid_format':
      return 'Contains characters that are not allowed here';
    default:
      return issue.message;
  }
}

/**
 * react-hook-form resolver over the shared `ProfileSaveInput` schema: the form submits exactly
 * what the contract accepts, and each issue shows beside its own input.
 */
export const profileResolver: Resolver<ProfileFormValues, unknown, ProfileSave> = (
  values,
  _context,
  options,
) => {
  // The host schema refuses a port typed into the Host field (`edge.lab:8729`) and says to put
  // it in the Port field: the same check a save from anywhere else meets.
  const parsed = ProfileSaveInput.safeParse(toSaveCandidate(values));
  if (parsed.success) return { values: parsed.data, errors: {} };
  const flat: Record<string, FieldError> = {};
  for (const issue of parsed.error.issues) {
    const path = formPath(issue.path);
    flat[path] ??= { type: issue.code, message: friendlyMessage(issue) };
  }
  return { values: {}, errors: toNestErrors(flat, options) };
};
