import { z } from 'zod';
import { HostName, Port, ProfileId, sshLoginName } from './profiles';

/**
 * Interactive SSH over the contract: requests to open, resize, close and answer prompts, and the
 * status / prompt events the UI shows. Terminal bytes never travel here — they use a dedicated
 * stream per session (a MessagePort in Electron, a binary WebSocket in the browser host) framed
 * as described at the end of this file.
 */

export const SessionId = z.uuid();
export type SessionId = z.infer<typeof SessionId>;

/** A login name as typed in `user@host` (`sshLoginName`). */
export const SshUser = z.string().min(1).max(64).regex(sshLoginName, 'User must be a login name');

export const TerminalCols = z.number().int().min(2).max(1000);
export const TerminalRows = z.number().int().min(1).max(500);

export const QuickTarget = z
  .object({
    user: SshUser,
    host: HostName,
    port: Port,
    /** How to log in without a profile; a password is asked for when needed, never stored. */
    auth: z.enum(['password', 'keyboard-interactive', 'agent']).default('password'),
  })
  .strict();
export type QuickTarget = z.infer<typeof QuickTarget>;

const terminalFields = {
  cols: TerminalCols,
  rows: TerminalRows,
  /** Opt-in session log: output appended to a file in the data folder. */
  log: z.boolean().default(false),
};

export const SshOpenRequest = z.union([
  z.object({ profileId: ProfileId, ...terminalFields }).strict(),
  z.object({ quick: QuickTarget, ...terminalFields }).strict(),
]);
export type SshOpenRequest = z.input<typeof SshOpenRequest>;

/** A container's host name as Proxmox VE allows it (letters, digits, dots and hyphens). */
export const lxcHostname = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/;

export const SshLxcConsoleRequest = z
  .object({
    nodeProfileId: ProfileId,
    vmid: z.number().int().min(100).max(999_999_999),
    /**
     * The container's host name as the inventory knows it. The node's own container of that id
     * must have it, or the console is not entered: a node of the same name in another cluster
     * holds another container 101.
     */
    hostname: z
      .string()
      .regex(lxcHostname, 'Hostname must be a container host name')
      .nullable()
      .default(null),
    ...terminalFields,
  })
  .strict();

export const SshResizeRequest = z
  .object({ sessionId: SessionId, cols: TerminalCols, rows: TerminalRows })
  .strict();

export const SshSessionRequest = z.object({ sessionId: SessionId }).strict();

const Text = (max: number) => z.string().max(max);

export const HostKeyAnswer = z.enum(['accept-once', 'remember', 'cancel']);
export type HostKeyAnswer = z.infer<typeof HostKeyAnswer>;

export const PromptAnswer = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('host-key'), answer: HostKeyAnswer }).strict(),
  // `save`: keep the password or passphrase in the vault once the login succeeds.
  z
    .object({
      kind: z.literal('keyboard-interactive'),
      answers: z.array(Text(1024)).max(20),
      save: z.boolean().optional(),
    })
    .strict(),
  z
    .object({ kind: z.literal('passphrase'), passphrase: Text(1024), save: z.boolean().optional() })
    .strict(),
  z
    .object({ kind: z.literal('password'), password: Text(1024), save: z.boolean().optional() })
    .strict(),
  z.object({ kind: z.literal('cancel') }).strict(),
]);
export type PromptAnswer = z.infer<typeof PromptAnswer>;

export const SshAnswerRequest = z.object({ promptId: z.uuid(), answer: PromptAnswer }).strict();

export const SshForgetHostKeyRequest = z.object({ host: HostName, port: Port }).strict();

// ---------------------------------------------------------------------------------------------
// Status and prompts (pushed by the main side)

export const KeyIdentity = z.object({ keyType: z.string(), fingerprint: z.string() });
export const KnownKeyRef = KeyIdentity.extend({ source: z.string() });
/** The `source` of a key Rackside remembered (others name a known_hosts file and line). */
export const rememberedKeySource = 'Rackside known hosts';
export type KnownKeyRef = z.infer<typeof KnownKeyRef>;

export const DisconnectKind = z.enum([
  'closed-by-user',
  'exited',
  'auth-failed',
  'host-key-refused',
  'host-key-changed',
  'network',
  'server-closed',
  'timeout',
  'protocol',
  'cancelled',
  'wrong-container',
]);
export type DisconnectKind = z.infer<typeof DisconnectKind>;

export const DisconnectReason = z.object({
  kind: DisconnectKind,
  message: z.string(),
  retryable: z.boolean(),
  hop: z.number().int().optional(),
  hostKey: z
    .object({
      host: z.string(),
      port: z.number().int(),
      presented: KeyIdentity,
      known: z.array(KnownKeyRef),
    })
    .optional(),
});
export type DisconnectReason = z.infer<typeof DisconnectReason>;

export const SessionState = z.enum(['connecting', 'authenticating', 'open', 'closed']);
export type SessionState = z.infer<typeof SessionState>;

export const SessionStatus = z.object({
  state: SessionState,
  reason: DisconnectReason.optional(),
  hop: z
    .object({ index: z.number(), count: z.number(), host: z.string(), port: z.number() })
    .optional(),
  /** The session waits for the answer to the same host-key question asked in another tab. */
  waitingFor: z.literal('host-key-in-another-tab').optional(),
});
export type SessionStatus = z.infer<typeof SessionStatus>;

export const SshSessionView = z.object({
  id: SessionId,
  /** `user@host:port` of the target (last hop). */
  title: z.string(),
  profileId: z.string().nullable(),
  status: SessionStatus,
  hops: z.array(z.object({ host: z.string(), port: z.number(), username: z.string() })),
  /** Where the session log is written, when logging was asked for. */
  logFile: z.string().nullable(),
  /**
   * Why the session log stopped being written ("the disk is full (ENOSPC)"), since the session
   * last connected; null while it is written, or without a log.
   */
  logStopped: z.string().nullable(),
  /** A window shows the session's output now (its terminal stream is attached). */
  attached: z.boolean(),
});
export type SshSessionView = z.infer<typeof SshSessionView>;

const promptBase = { promptId: z.string(), sessionId: z.string() };

export const SessionPrompt = z.discriminatedUnion('kind', [
  z.object({
    ...promptBase,
    kind: z.literal('host-key'),
    question: KeyIdentity.extend({
      host: z.string(),
      port: z.number(),
      hop: z.number(),
      otherKnown: z.array(KnownKeyRef),
    }),
  }),
  z.object({
    ...promptBase,
    kind: z.literal('keyboard-interactive'),
    hop: z.number(),
    name: z.string(),
    instructions: z.string(),
    prompts: z.array(z.object({ prompt: z.string(), echo: z.boolean() })),
    /** The round asks what the previous one asked: that answer was not accepted. */
    retry: z.boolean(),
    /** The profile whose password this round's answer may be saved as; null: it may not. */
    saveTo: z.string().nullable(),
  }),
  z.object({
    ...promptBase,
    kind: z.literal('passphrase'),
    hop: z.number(),
    keyLabel: z.string(),
    retry: z.boolean(),
    saveTo: z.string().nullable(),
  }),
  z.object({
    ...promptBase,
    kind: z.literal('password'),
    hop: z.number(),
    user: z.string(),
    host: z.string(),
    retry: z.boolean(),
    saveTo: z.string().nullable(),
  }),
]);
export type SessionPrompt = z.infer<typeof SessionPrompt>;

export const SshStatusEvent = z.object({ sessionId: z.string(), status: SessionStatus });
export type SshStatusEvent = z.infer<typeof SshStatusEvent>;

export const SshPromptClosedEvent = z.object({ promptId: z.string() });

/** A session's log cannot be written any more (`why`, briefly); the session goes on. */
export const SshLogStoppedEvent = z.object({ sessionId: z.string(), why: z.string() });

// ---------------------------------------------------------------------------------------------
// Terminal stream frames (MessagePort or binary WebSocket, one stream per session)
//
// Server → client: every message is raw terminal output bytes.
// Client → server: the first byte says what follows.

export const terminalFrame = {
  /** Keystrokes or pasted text, UTF-8. */
  input: 0,
  /** Output bytes rendered by the terminal: a big-endian uint32 count follows (flow control). */
  ack: 1,
} as const;

/** Largest input frame accepted (a big paste arrives as several frames). */
export const maxTerminalInputBytes = 64 * 1024;

/** Browser-host path of the terminal stream: `/term?token=…&session=…`. */
export const terminalPath = '/term';
export const sessionParam = 'session';
/** Set on a window's first socket to a session it showed before a reload: replay its output. */
export const replayParam = 'replay';
/**
 * Set on a socket a window opens again after its socket to the session dropped: how many bytes of
 * output it received on that socket. What the host gave that socket beyond them is sent again.
 */
export const receivedParam = 'received';

/** The `received` parameter of a terminal socket; undefined when absent or not a byte count. */
export function receivedOf(value: string | null): number | undefined {
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/**
 * Close codes of a terminal socket whose frame the host refused: a text frame (1003) or a frame
 * it could not read (1007).
 */
export const refusedFrameCodes: readonly number[] = [1003, 1007];

/**
 * The close reason of a socket the host refused a frame on: what was wrong, and how many bytes of
 * input it had taken on that socket before. It takes nothing after a refused frame (what was typed
 * would run with a piece missing), so the terminal can say exactly how much was not sent.
 */
export function refusedFrameReason(what: string, inputTaken: number): string {
  return `${what}; input taken: ${String(inputTaken)}`;
}

/** The input a refused socket's close reason says the host took; null when it does not say. */
export function inputTakenOf(reason: string): number | null {
  const match = /; input taken: (\d{1,15})$/.exec(reason);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/**
 * What an Electron terminal port carries besides output, just before the host closes it: the
 * close a socket would have had (a refused frame: 1003 or 1007, with `refusedFrameReason`). A port
 * says nothing by itself when its other end goes.
 */
export const TerminalPortClose = z
  .object({ close: z.number().int().min(1000).max(4999), reason: z.string().max(200) })
  .strict();
export type TerminalPortClose = z.infer<typeof TerminalPortClose>;

export function encodeInput(bytes: Uint8Array): Uint8Array {
  const frame = new Uint8Array(bytes.byteLength + 1);
  frame[0] = terminalFrame.input;
  frame.set(bytes, 1);
  return frame;
}

export function encodeAck(count: number): Uint8Array {
  const frame = new Uint8Array(5);
  frame[0] = terminalFrame.ack;
  new DataView(frame.buffer).setUint32(1, Math.min(Math.max(0, Math.floor(count)), 0xffffffff));
  return frame;
}

export type ClientFrame = { kind: 'input'; bytes: Uint8Array } | { kind: 'ack'; count: number };

/** Decodes a client frame; null for anything malformed or oversized. */
export function decodeClientFrame(frame: Uint8Array): ClientFrame | null {
  if (frame.byteLength < 1 || frame.byteLength > maxTerminalInputBytes + 1) return null;
  switch (frame[0]) {
    case terminalFrame.input:
      return { kind: 'input', bytes: frame.subarray(1) };
    case terminalFrame.ack: {
      if (frame.byteLength !== 5) return null;
      const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
      return { kind: 'ack', count: view.getUint32(1) };
    }
    default:
      return null;
  }
}
