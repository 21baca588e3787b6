import { z } from 'zod';
import { commandNames, type CommandName, type EventName } from './channels';
import {
  ProbeResult,
  ProfileId,
  ProfileIdList,
  ProfileSaveInput,
  ProfileView,
  Sha256Fingerprint,
} from './profiles';
import { Settings, SettingsPatch } from './settings';
import {
  AssetDetail,
  AssetId,
  DriftPage,
  DriftRequest,
  ExportFile,
  ExportRequest,
  IdsPage,
  IdsRequest,
  Facets,
  InventoryPage,
  InventoryQueryRequest,
  JoinRequest,
  LoginTest,
  LoginTestRequest,
  SplitRequest,
  SyncProgressEvent,
  SyncScheduleRequest,
  SyncStartRequest,
  SyncStatus,
} from './inventory';
import {
  SessionPrompt,
  SshAnswerRequest,
  SshForgetHostKeyRequest,
  SshLogStoppedEvent,
  SshLxcConsoleRequest,
  SshOpenRequest,
  SshPromptClosedEvent,
  SshResizeRequest,
  SshSessionRequest,
  SshSessionView,
  SshStatusEvent,
} from './ssh';

/**
 * The contract between the renderer and the main side: every command with its request and
 * response schema, every push event with its payload schema. Requests are strict and bounded;
 * the router validates them before any handler runs.
 */

const Empty = z.object({}).strict();

export const VaultState = z.enum(['uninitialized', 'locked', 'unlocked']);
export type VaultState = z.infer<typeof VaultState>;

export const HostKind = z.enum(['electron', 'browser']);
export type HostKind = z.infer<typeof HostKind>;

export const AppInfo = z
  .object({
    name: z.string(),
    version: z.string(),
    platform: z.string(),
    arch: z.string(),
    host: HostKind,
    dataDir: z.string(),
    vault: VaultState,
    /** The operating-system account Rackside runs as, when the host reports it. */
    userName: z.string().max(256).optional(),
  })
  .strict();
export type AppInfo = z.infer<typeof AppInfo>;

/**
 * Something the user should know about the data folder, shown as a banner over every screen: a
 * damaged database moved aside, settings that could not be used, a disk that takes no writes.
 */
export const Notice = z
  .object({
    id: z.string(),
    message: z.string(),
    /** False for one that lasts as long as its cause (a full disk) and goes away with it. */
    dismissible: z.boolean(),
  })
  .strict();
export type Notice = z.infer<typeof Notice>;

/** A passphrase as typed; the vault enforces its own minimum length with a clear message. */
const Passphrase = z.string().min(1, 'Enter the passphrase').max(1024);

export const KeychainStatus = z
  .object({
    /** A keychain wrap is stored. */
    wrapped: z.boolean(),
    recordedBackend: z.string().nullable(),
    currentBackend: z.string().nullable(),
    /** The stored wrap can unlock now. */
    usable: z.boolean(),
    /** This host offers a real OS keychain (never Linux's basic_text). */
    available: z.boolean(),
  })
  .strict();
export type KeychainStatus = z.infer<typeof KeychainStatus>;

export const VaultStatus = z
  .object({
    state: VaultState,
    keychain: KeychainStatus,
    /** Milliseconds before another unlock attempt is accepted (after failed attempts). */
    unlockWaitMs: z.number().int().nonnegative(),
  })
  .strict();
export type VaultStatus = z.infer<typeof VaultStatus>;

export const ImportSummary = z
  .object({
    created: z.array(z.string()),
    updated: z.array(z.string()),
    /** Entries equal to the stored profile and without secrets: left as they were. */
    unchanged: z.array(z.string()),
    /** What could not become a profile (an SSH config's ProxyCommand host, say), and why. */
    skipped: z.array(z.object({ name: z.string(), reason: z.string() }).strict()).optional(),
    /** Settings of imported entries taken another way, or not carried over, and why. */
    notes: z.array(z.object({ name: z.string(), reason: z.string() }).strict()).optional(),
  })
  .strict();
export type ImportSummary = z.infer<typeof ImportSummary>;

/** Largest profile file the import accepts. */
export const maxImportBytes = 4 * 1024 * 1024;

/**
 * The request limit of a command that carries a file's text. In the request it is a JSON string,
 * where quotes, backslashes and line breaks take two bytes each: room for a file of
 * `maxImportBytes` made of nothing else, and for the rest of the request.
 */
const fileRequestBytes = 2 * maxImportBytes + 64 * 1024;

/**
 * A source that logs in with a one-time code (Proxmox VE with TOTP) asks the person for it: main
 * pushes `otp:request`, the renderer answers with `otp:answer`, and `otp:closed`
 * ends the dialog however the request ended (answered, cancelled, timed out).
 */
export const OtpRequestEvent = z
  .object({
    requestId: z.uuid(),
    profileId: z.string(),
    profileName: z.string(),
    /** Why the code is needed, for the dialog: who logs in where. */
    reason: z.string(),
  })
  .strict();
export type OtpRequestEvent = z.infer<typeof OtpRequestEvent>;

export const OtpClosedEvent = z.object({ requestId: z.string() }).strict();
export type OtpClosedEvent = z.infer<typeof OtpClosedEvent>;

/** The code as typed: spaces are dropped (authenticators show "123 456"), 6 to 8 digits remain. */
export const OtpCode = z
  .string()
  .max(32, 'A one-time code is 6 to 8 digits.')
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6,8}$/, 'A one-time code is 6 to 8 digits.'));

/** Either `{ requestId, code }` or `{ requestId, cancel: true }`. */
export const OtpAnswerRequest = z
  .object({
    requestId: z.uuid(),
    code: OtpCode.optional(),
    cancel: z.literal(true).optional(),
  })
  .strict()
  .refine((value) => (value.code === undefined) !== (value.cancel === undefined), {
    message: 'Give either a code or cancel: true.',
  });
export type OtpAnswerRequest = z.input<typeof OtpAnswerRequest>;

export interface CommandSpec {
  request: z.ZodType;
  response: z.ZodType;
  /** A larger request limit than `maxRequestBytes`, for commands that carry files. */
  maxBytes?: number;
}

export const commands = {
  'app:info': { request: Empty, response: AppInfo },
  'notices:list': { request: Empty, response: z.array(Notice) },
  /** The user has read a notice: it is not shown again. Answers with the notices left. */
  'notices:dismiss': {
    request: z.object({ id: z.string().min(1).max(100) }).strict(),
    response: z.array(Notice),
  },
  'settings:get': { request: Empty, response: Settings },
  'settings:set': { request: SettingsPatch, response: Settings },

  'vault:status': { request: Empty, response: VaultStatus },
  'vault:setup': {
    request: z.object({ passphrase: Passphrase, useKeychain: z.boolean().default(false) }).strict(),
    response: VaultStatus,
  },
  'vault:unlock': { request: z.object({ passphrase: Passphrase }).strict(), response: VaultStatus },
  'vault:unlock-keychain': { request: Empty, response: VaultStatus },
  'vault:lock': { request: Empty, response: VaultStatus },
  /** The person at the window typed, clicked or scrolled: the idle lock starts again. */
  'vault:active': { request: Empty, response: Empty },
  'vault:change-passphrase': {
    request: z.object({ current: Passphrase, next: Passphrase }).strict(),
    response: VaultStatus,
  },
  'vault:set-keychain': {
    request: z.object({ enabled: z.boolean() }).strict(),
    response: VaultStatus,
  },

  'profiles:list': { request: Empty, response: z.array(ProfileView) },
  'profiles:save': { request: ProfileSaveInput, response: ProfileView },
  'profiles:remove': { request: z.object({ id: ProfileId }).strict(), response: z.null() },
  'profiles:probe': { request: z.object({ id: ProfileId }).strict(), response: ProbeResult },
  'profiles:pin': {
    request: z.object({ id: ProfileId, sha256: Sha256Fingerprint }).strict(),
    response: ProfileView,
  },
  'profiles:export': {
    request: z
      .object({
        ids: z.union([ProfileIdList, z.literal('all')]),
        /** With a passphrase the file is encrypted and carries secrets; without, it has none. */
        passphrase: Passphrase.nullable(),
      })
      .strict(),
    response: z.object({ fileName: z.string(), content: z.string() }).strict(),
  },
  'profiles:import': {
    request: z
      .object({
        content: z.string().min(1).max(maxImportBytes),
        passphrase: Passphrase.nullable().default(null),
      })
      .strict(),
    response: ImportSummary,
    maxBytes: fileRequestBytes,
  },
  'profiles:import-ssh-config': {
    request: z
      .object({
        /** The file's text; null reads the user's own ~/.ssh/config. */
        content: z.string().max(maxImportBytes).nullable().default(null),
      })
      .strict(),
    response: ImportSummary,
    maxBytes: fileRequestBytes,
  },

  /** Starts syncing in the background; progress and the end arrive as `sync:progress`. */
  'sync:start': {
    request: SyncStartRequest,
    response: z.object({ started: z.array(z.string()) }).strict(),
  },
  'sync:cancel': { request: Empty, response: SyncStatus },
  'sync:status': { request: Empty, response: SyncStatus },
  'sync:schedule': { request: SyncScheduleRequest, response: SyncStatus },
  /** Logs in to a source with the profile's credential: version, identity, what it may see. */
  'sync:test-login': { request: LoginTestRequest, response: LoginTest },
  /** Answers (or declines) a `otp:request`; the code goes to the waiting login only. */
  'otp:answer': { request: OtpAnswerRequest, response: z.null() },
  /** The one-time code requests still waiting, for a window that opens while one is. */
  'otp:list': { request: Empty, response: z.array(OtpRequestEvent) },

  'inventory:query': { request: InventoryQueryRequest, response: InventoryPage },
  /** Every matching asset's id (up to the request's limit), for "select all". */
  'inventory:ids': { request: IdsRequest, response: IdsPage },
  'inventory:asset': { request: z.object({ id: AssetId }).strict(), response: AssetDetail },
  'inventory:join': { request: JoinRequest, response: AssetDetail },
  'inventory:split': {
    request: SplitRequest,
    response: z.object({ assetIds: z.array(z.number().int()) }).strict(),
  },
  'inventory:drift': { request: DriftRequest, response: DriftPage },
  'inventory:facets': { request: Empty, response: Facets },
  'inventory:export': { request: ExportRequest, response: ExportFile },

  /** Starts a session; status and prompts follow as events, bytes on the session's stream. */
  'ssh:open': { request: SshOpenRequest, response: SshSessionView },
  'ssh:lxc-console': { request: SshLxcConsoleRequest, response: SshSessionView },
  'ssh:resize': { request: SshResizeRequest, response: z.null() },
  /** Ends the session and forgets it (its tab was closed). */
  'ssh:close': { request: SshSessionRequest, response: z.null() },
  'ssh:reconnect': { request: SshSessionRequest, response: SshSessionView },
  'ssh:answer': { request: SshAnswerRequest, response: z.null() },
  'ssh:forget-host-key': {
    request: SshForgetHostKeyRequest,
    response: z.object({ removed: z.number().int() }).strict(),
  },
  'ssh:list': { request: Empty, response: z.array(SshSessionView) },
  /**
   * A window takes over a session it showed before a reload: the session's stream is attached
   * to it (replacing any other), starting with the session's latest output.
   */
  'ssh:attach': { request: SshSessionRequest, response: SshSessionView },
} as const satisfies Record<CommandName, CommandSpec>;

export const events = {
  'notices:changed': z.array(Notice),
  'settings:changed': Settings,
  'vault:changed': VaultStatus,
  'profiles:changed': z.object({ reason: z.string() }).strict(),
  'sync:progress': SyncProgressEvent,
  /** A source needs a one-time code to log in: show the dialog. */
  'otp:request': OtpRequestEvent,
  /** A one-time code request ended (answered, cancelled, timed out): close its dialog. */
  'otp:closed': OtpClosedEvent,
  /** The stored inventory changed (a sync committed, a join or split). */
  'inventory:changed': z.object({ reason: z.string() }).strict(),
  'ssh:status': SshStatusEvent,
  /** A question for the user: unknown host key, keyboard-interactive, passphrase, password. */
  'ssh:prompt': SessionPrompt,
  /** A prompt ended (answered, cancelled, or its session closed): close its dialog. */
  'ssh:prompt-closed': SshPromptClosedEvent,
  /** A session's log stopped being written (its folder removed, a full disk): say so. */
  'ssh:log-stopped': SshLogStoppedEvent,
} as const satisfies Record<EventName, z.ZodType>;

export type Commands = typeof commands;
export type Request<K extends CommandName> = z.input<Commands[K]['request']>;
export type ParsedRequest<K extends CommandName> = z.output<Commands[K]['request']>;
export type Response<K extends CommandName> = z.infer<Commands[K]['response']>;
export type EventPayload<K extends EventName> = z.infer<(typeof events)[K]>;

/** Largest serialized request the router accepts; anything bigger is refused unread. */
export const maxRequestBytes = 256 * 1024;

/** The largest serialized request `channel` may carry: its own limit, else `maxRequestBytes`. */
export function requestLimit(channel: CommandName): number {
  const spec: CommandSpec = commands[channel];
  return spec.maxBytes ?? maxRequestBytes;
}

/** The largest serialized request any command accepts (a profile file to import). */
export const largestRequestBytes = Math.max(...commandNames.map(requestLimit));

export type { CommandName, EventName } from './channels';
