import { z } from 'zod';
import {
  HostName,
  HostNameInput,
  HttpsUrl,
  Port,
  sourceUrlPort,
  StoredHttpsUrl,
} from './addresses';

export {
  asciiHostName,
  explicitUrlPort,
  HostName,
  HttpsUrl,
  Port,
  proxmoxDefaultPort,
  sourceUrlPort,
  sourceUrlProblem,
  withoutCredentials,
} from './addresses';

/**
 * Connection profiles as every side sees them. The renderer gets `ProfileView` (metadata plus a
 * `hasSecret` flag per secret field, never a secret value); saves go through `ProfileSaveInput`.
 * Secret values exist only in the main process, inside the vault.
 */

// ---------------------------------------------------------------------------------------------
// Bounded building blocks

const noControl = /^[^\p{Cc}]*$/u;

export const ProfileId = z.uuid();
export type ProfileId = z.infer<typeof ProfileId>;

/**
 * A profile name, in Unicode's composed form (NFC): `Café` typed with a combining accent is the
 * same name as `Café` typed with `é`. Invisible and text-direction characters are refused in new
 * names by the profile service (`hiddenCharacterIn`), not here, so a name stored before loads.
 */
export const ProfileName = z
  .string()
  .trim()
  .normalize('NFC')
  .min(1, 'Name is required')
  .max(100)
  .regex(noControl, 'Name must not contain control characters');

/**
 * Characters a name shows nothing for, or that turn the text around it (a right-to-left
 * override), so two names that look the same differ: Unicode's format characters, but for the
 * joiners that words in some scripts and emoji need and the tags of flag emoji, and the Hangul
 * fillers, which draw as blanks.
 */
function isHidden(code: number, char: string): boolean {
  if (code === 0x200c || code === 0x200d || (code >= 0xe0020 && code <= 0xe007f)) return false;
  return /\p{Cf}/u.test(char) || [0x115f, 0x1160, 0x3164, 0xffa0].includes(code);
}

/** The first invisible or text-direction character of `name` as `U+202E`, or null. */
export function hiddenCharacterIn(name: string): string | null {
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    if (isHidden(code, char)) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return null;
}

/** How names are compared: composed (NFC) and lower-cased, so `CAFÉ` is `café` in either form. */
export function profileNameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/**
 * The keys a stored profile of this name may have: names were only lower-cased before they were
 * composed, so one typed in decomposed form (as macOS often gives it) is stored that way.
 */
export function profileNameKeys(name: string): string[] {
  const key = profileNameKey(name);
  return [...new Set([key, key.normalize('NFD'), name.trim().toLowerCase()])];
}

/**
 * A folder path such as `Lab/Site A`; empty means the top level. Written the one way it is shown:
 * `QA//Sub/` and ` QA / Sub ` are `QA/Sub`.
 */
export const FolderPath = z
  .string()
  .trim()
  .max(200)
  .regex(noControl, 'Folder must not contain control characters')
  .transform((path) =>
    path
      .split('/')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .join('/'),
  );

export const Tag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[^\s,\p{Cc}]+$/u, 'Tags are single words without commas');

export const Notes = z.string().max(4000);

export const UserName = z
  .string()
  .min(1)
  .max(256)
  .regex(noControl, 'User name must not contain control characters');

export const FilePath = z
  .string()
  .min(1)
  .max(4096)
  .regex(noControl, 'Path must not contain control characters');

/**
 * A certificate SHA-256 fingerprint. Accepts hex with or without colons in either case and
 * normalizes to Node's `fingerprint256` form: `AB:CD:…` (32 upper-case pairs).
 */
export const Sha256Fingerprint = z
  .string()
  .trim()
  .max(120)
  .transform((value) => value.replace(/^sha256[:/]?/i, '').replace(/[:\s]/g, ''))
  .pipe(z.string().regex(/^[0-9A-Fa-f]{64}$/, 'Fingerprint must be 64 hex digits (SHA-256)'))
  .transform((hex) => hex.toUpperCase().match(/../g)?.join(':') ?? hex);

// ---------------------------------------------------------------------------------------------
// TLS options (HTTPS kinds and RouterOS API-SSL / REST)

/**
 * Verification is on by default. `caFile` adds a trusted CA bundle; `pinnedSha256` accepts exactly
 * that leaf certificate (the usual answer for self-signed Proxmox/RouterOS); `insecure` disables
 * verification and is shown as a warning wherever the profile appears.
 */
export const TlsOptions = z
  .object({
    insecure: z.boolean().default(false),
    caFile: FilePath.nullable().default(null),
    pinnedSha256: Sha256Fingerprint.nullable().default(null),
  })
  .strict()
  .refine((tls) => !(tls.insecure && (tls.caFile !== null || tls.pinnedSha256 !== null)), {
    message: 'An insecure profile cannot also have a CA file or a pinned certificate',
    path: ['insecure'],
  });
export type TlsOptions = z.infer<typeof TlsOptions>;

const defaultTls = (): TlsOptions => ({ insecure: false, caFile: null, pinnedSha256: null });
const tlsField = TlsOptions.default(defaultTls);

// ---------------------------------------------------------------------------------------------
// Secret fields

export const secretFields = [
  'password',
  'token',
  'tokenSecret',
  'apiSecret',
  'adminPassword',
  'privateKey',
  'keyPassphrase',
] as const;
export const SecretField = z.enum(secretFields);
export type SecretField = z.infer<typeof SecretField>;

/** A secret value: tokens, passwords, pasted PEM private keys. */
export const SecretValue = z
  .string()
  .min(1)
  .max(32 * 1024);

// ---------------------------------------------------------------------------------------------
// Per-kind connection settings

const ForemanAuth = z.discriminatedUnion('mode', [
  /** Personal access token sent as HTTP Basic `login:token` — how Foreman accepts tokens. */
  z.object({ mode: z.literal('token'), username: UserName }).strict(),
  z.object({ mode: z.literal('password'), username: UserName }).strict(),
  z.object({ mode: z.literal('bearer') }).strict(),
]);

/**
 * A Foreman scoped-search filter that limits which hosts a sync fetches
 * (`hostgroup_title ~ base/web`, `location = Berlin`); absent or null for every host the credential sees.
 */
export const ForemanHostFilter = z
  .string()
  .trim()
  .max(1000)
  .regex(noControl, 'The host filter must be one line of text')
  .transform((text) => (text === '' ? null : text))
  .nullable()
  .optional();

export const ForemanConnection = z
  .object({
    kind: z.literal('foreman'),
    url: HttpsUrl,
    auth: ForemanAuth,
    tls: tlsField,
    hostFilter: ForemanHostFilter,
  })
  .strict();
const StoredForemanConnection = ForemanConnection.extend({ url: StoredHttpsUrl });

const ProxmoxTokenId = z
  .string()
  .max(300)
  .regex(/^[^@\s!]+@[^!\s@]+![A-Za-z0-9_.-]+$/, 'Token id looks like user@realm!tokenid');

const ProxmoxAuth = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('token'), tokenId: ProxmoxTokenId }).strict(),
  z
    .object({
      mode: z.literal('password'),
      username: UserName,
      realm: z
        .string()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z0-9_.-]+$/)
        .default('pam'),
      /** Ask for a one-time TOTP code at each login. */
      totp: z.boolean().default(false),
    })
    .strict(),
]);

/** Proxmox VE API. A URL that names no port means 8006 (`sourceUrlPort`). */
export const ProxmoxConnection = z
  .object({ kind: z.literal('proxmox'), url: HttpsUrl, auth: ProxmoxAuth, tls: tlsField })
  .strict();
const StoredProxmoxConnection = ProxmoxConnection.extend({ url: StoredHttpsUrl });

export const PatchmonConnection = z
  .object({
    kind: z.literal('patchmon'),
    url: HttpsUrl,
    /** The API credential's key (HTTP Basic user); its secret is the `apiSecret` field. */
    apiKey: z.string().min(1).max(256).regex(noControl),
    /** Optional admin login for enrollment and credential management (`adminPassword`). */
    adminUsername: UserName.nullable().default(null),
    tls: tlsField,
  })
  .strict();
const StoredPatchmonConnection = PatchmonConnection.extend({ url: StoredHttpsUrl });

export const RouterosTransport = z.enum(['api-ssl', 'api', 'rest']);
export type RouterosTransport = z.infer<typeof RouterosTransport>;
export const routerosDefaultPorts: Record<RouterosTransport, number> = {
  'api-ssl': 8729,
  api: 8728,
  rest: 443,
};

export const RouterosConnection = z
  .object({
    kind: z.literal('routeros'),
    host: HostNameInput,
    transport: RouterosTransport.default('api-ssl'),
    /** Null means the transport's default port. */
    port: Port.nullable().default(null),
    username: UserName,
    tls: tlsField,
  })
  .strict();
const StoredRouterosConnection = RouterosConnection.extend({ host: HostName });

const SshAuth = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('password') }).strict(),
  /** A key file on disk, or a pasted key stored in the vault (`privateKey`), plus `keyPassphrase`. */
  z.object({ mode: z.literal('key'), keyFile: FilePath.nullable().default(null) }).strict(),
  z.object({ mode: z.literal('agent') }).strict(),
  z.object({ mode: z.literal('keyboard-interactive') }).strict(),
]);

/**
 * A login name as `ssh` takes it: no spaces, `@` or control characters, not starting with `-`
 * (which ssh would read as an option). A `:` is allowed: bastions route `user:target@bastion`.
 */
export const sshLoginName = /^(?!-)[^\s@\p{Cc}]+$/u;

export const HostKeyPolicy = z.enum(['ask', 'accept-new', 'strict']);
export type HostKeyPolicy = z.infer<typeof HostKeyPolicy>;

const sshShape = {
  kind: z.literal('ssh'),
  host: HostNameInput,
  port: Port.default(22),
  username: UserName,
  auth: SshAuth,
  hostKeyPolicy: HostKeyPolicy.default('ask'),
};

export const SshConnection = z
  .object({
    ...sshShape,
    /** Another SSH profile to hop through; that profile may itself have a jump host. */
    jumpHostId: ProfileId.nullable().default(null),
  })
  .strict();
const StoredSshConnection = SshConnection.extend({ host: HostName });

/** Connection settings as stored and shown: reading stays as lenient as writing once was. */
export const Connection = z.discriminatedUnion('kind', [
  StoredForemanConnection,
  StoredProxmoxConnection,
  StoredPatchmonConnection,
  StoredRouterosConnection,
  StoredSshConnection,
]);
export type Connection = z.infer<typeof Connection>;

/** Connection settings in a save: today's rules for every field (see `HttpsUrl`). */
export const ConnectionInput = z.discriminatedUnion('kind', [
  ForemanConnection,
  ProxmoxConnection,
  PatchmonConnection,
  RouterosConnection,
  SshConnection,
]);
export type ProfileKind = Connection['kind'];
export const profileKinds = ['foreman', 'proxmox', 'patchmon', 'routeros', 'ssh'] as const;
export const ProfileKind = z.enum(profileKinds);

/** SSH settings as written in files (manifests, exports): the jump host is named, not an id. */
export const SshConnectionByName = z
  .object({ ...sshShape, jumpHost: ProfileName.nullable().default(null) })
  .strict();

/** Which secret fields a connection uses; a save naming any other field is refused. */
export function secretFieldsFor(connection: Connection): readonly SecretField[] {
  switch (connection.kind) {
    case 'foreman':
      return connection.auth.mode === 'password' ? ['password'] : ['token'];
    case 'proxmox':
      return connection.auth.mode === 'token' ? ['tokenSecret'] : ['password'];
    case 'patchmon':
      return connection.adminUsername === null ? ['apiSecret'] : ['apiSecret', 'adminPassword'];
    case 'routeros':
      return ['password'];
    case 'ssh':
      switch (connection.auth.mode) {
        case 'password':
        case 'keyboard-interactive':
          return ['password'];
        case 'key':
          return ['privateKey', 'keyPassphrase'];
        case 'agent':
          return [];
      }
  }
}

/**
 * What a save does with stored secrets its settings do not use (left from another login method,
 * or an admin login given up): they are kept while the settings have none of their own stored,
 * so going back to the old method finds them — a source's token often cannot be shown again —
 * and removed once one of the new settings' secrets is stored, or when the settings use none.
 * `stored`: the fields stored once the save's own values and deletions are applied.
 */
export function unusedSecretsAfterSave(
  connection: Connection,
  stored: readonly SecretField[],
): { fields: SecretField[]; kept: boolean } {
  const used = secretFieldsFor(connection);
  const fields = SecretField.options.filter(
    (field) => stored.includes(field) && !used.includes(field),
  );
  return { fields, kept: used.length > 0 && !used.some((field) => stored.includes(field)) };
}

/** `host:port`, an IPv6 address in brackets (`[::1]:22`) so the port stays apart from it. */
export function hostPortText(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${String(port)}`;
}

/** Where a probe or client connects: host, port and whether TLS is spoken there. */
export function endpointOf(connection: Connection): { host: string; port: number; tls: boolean } {
  switch (connection.kind) {
    case 'foreman':
    case 'proxmox':
    case 'patchmon': {
      const url = new URL(connection.url);
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      const port = sourceUrlPort(connection.kind, connection.url);
      return { host, port, tls: url.protocol === 'https:' };
    }
    case 'routeros':
      return {
        host: connection.host,
        port: connection.port ?? routerosDefaultPorts[connection.transport],
        tls: connection.transport !== 'api',
      };
    case 'ssh':
      return { host: connection.host, port: connection.port, tls: false };
  }
}

// ---------------------------------------------------------------------------------------------
// Profiles

const commonShape = {
  name: ProfileName,
  folder: FolderPath.default(''),
  // A tag given twice is one tag (`qa, test, qa`), the first spelling kept.
  tags: z
    .array(Tag)
    .max(32)
    .default([])
    .transform((tags) =>
      tags.filter(
        (tag, i) => tags.findIndex((other) => other.toLowerCase() === tag.toLowerCase()) === i,
      ),
    ),
  notes: Notes.default(''),
};

export const HasSecret = z.partialRecord(SecretField, z.boolean());
export type HasSecret = z.infer<typeof HasSecret>;

/** A profile as the renderer and the CLI see it: never a secret value. */
export const ProfileView = z
  .object({
    id: ProfileId,
    ...commonShape,
    connection: Connection,
    hasSecret: HasSecret,
    /**
     * Secrets stored from other settings (another login method) that these do not use; kept
     * until one of theirs is saved (see `unusedSecretsAfterSave`).
     */
    keptSecrets: z.array(SecretField).max(SecretField.options.length),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .strict();
export type ProfileView = z.infer<typeof ProfileView>;

/**
 * Secret changes in a save. Per field: absent = keep the stored value, a string = replace it,
 * `null` or `''` = delete it. A value for a field the connection does not use is refused (a
 * deletion of a kept one is not); what happens to stored secrets the connection does not use is
 * `unusedSecretsAfterSave`.
 */
export const SecretsPatch = z.partialRecord(
  SecretField,
  z.union([SecretValue, z.literal(''), z.null()]),
);
export type SecretsPatch = z.infer<typeof SecretsPatch>;

/** Create (no `id`) or replace (with `id`) a profile's metadata, and patch its secrets. */
export const ProfileSaveInput = z
  .object({
    id: ProfileId.optional(),
    ...commonShape,
    connection: ConnectionInput,
    secrets: SecretsPatch.default({}),
    /**
     * The `updatedAt` of the profile as the form that edits it was filled from: a save over a
     * profile changed since (by the command line, another window) is refused as `stale`.
     */
    editedFrom: z.iso.datetime().optional(),
  })
  .strict();
export type ProfileSaveInput = z.input<typeof ProfileSaveInput>;
export type ProfileSave = z.output<typeof ProfileSaveInput>;

export const ProfileIdList = z.array(ProfileId).min(1).max(5000);

/** True when the profile's TLS verification is switched off; the UI shows a warning. */
export function isInsecure(connection: Connection): boolean {
  return connection.kind !== 'ssh' && connection.tls.insecure;
}

/**
 * True when every login of the profile asks the person for a one-time code (Proxmox VE with
 * TOTP): such a profile is synced by hand only, never in the background.
 */
export function needsOneTimeCode(connection: Connection): boolean {
  return (
    connection.kind === 'proxmox' && connection.auth.mode === 'password' && connection.auth.totp
  );
}

/** Why a profile that needs a one-time code has no background sync, in the words of the UI. */
export function oneTimeCodeSyncHint(profileName: string): string {
  return `"${profileName}" asks for a one-time code at every login, so it can only be synced by hand.`;
}

export { commonShape as profileCommonShape };

// ---------------------------------------------------------------------------------------------
// Probe results

export const ProbeStage = z.enum(['dns', 'tcp', 'tls', 'ssh']);
export type ProbeStage = z.infer<typeof ProbeStage>;

/** Why a probe failed; each has its own message for the user. */
export const ProbeFailureReason = z.enum([
  'dns',
  'refused',
  'timeout',
  'unreachable',
  'not-tls',
  'untrusted',
  'name-mismatch',
  'expired',
  'not-yet-valid',
  'pin-mismatch',
  'ca-file',
  'ssh-protocol',
  'other',
]);
export type ProbeFailureReason = z.infer<typeof ProbeFailureReason>;

export const CertificateInfo = z
  .object({
    subject: z.string().max(2000),
    issuer: z.string().max(2000),
    subjectAltName: z.string().max(4000),
    validFrom: z.iso.datetime(),
    validTo: z.iso.datetime(),
    fingerprint256: z.string().max(120),
    serialNumber: z.string().max(200),
    selfSigned: z.boolean(),
  })
  .strict();
export type CertificateInfo = z.infer<typeof CertificateInfo>;

export const SshHostKeyInfo = z
  .object({
    banner: z.string().max(1000),
    keyType: z.string().max(100),
    /** OpenSSH form: `SHA256:` + unpadded base64. */
    fingerprint: z.string().max(120),
  })
  .strict();
export type SshHostKeyInfo = z.infer<typeof SshHostKeyInfo>;

export const ProbeResult = z
  .object({
    ok: z.boolean(),
    host: z.string().max(253),
    port: Port,
    address: z.string().max(100).nullable(),
    steps: z
      .array(
        z
          .object({
            stage: ProbeStage,
            ok: z.boolean(),
            ms: z.number().nonnegative(),
            message: z.string().max(2000),
          })
          .strict(),
      )
      .max(8),
    failure: z
      .object({ stage: ProbeStage, reason: ProbeFailureReason, message: z.string().max(2000) })
      .strict()
      .nullable(),
    /** How the certificate was accepted: by the CA store, by the pin, or not checked. */
    trust: z.enum(['ca', 'pinned', 'insecure']).nullable(),
    certificate: CertificateInfo.nullable(),
    ssh: SshHostKeyInfo.nullable(),
  })
  .strict();
export type ProbeResult = z.infer<typeof ProbeResult>;
