import type {
  DisconnectReason,
  FlowControl,
  Hop,
  Keepalive,
  KeyboardPrompt,
  SessionStatus,
} from './session-types';

/** Messages between the session manager and the SSH worker (same process, trusted). */

export interface ExpectedContainer {
  vmid: number;
  hostname: string;
}

export interface OpenRequest {
  sessionId: string;
  /** First hop first; the last hop is the target. */
  hops: Hop[];
  terminal: { cols: number; rows: number; term: string };
  /** Runs this instead of a login shell (e.g. `pct enter 101`); still with a PTY. */
  command: string | null;
  /**
   * A Proxmox container whose console `command` opens: its node is asked (`pct config`) first,
   * and the container is entered only if it has this host name.
   */
  container: ExpectedContainer | null;
  flow: FlowControl;
  keepalive: Keepalive;
  readyTimeoutMs: number;
  /** Append terminal output to this file (opt-in session log). */
  logFile: string | null;
}

export type ToWorker =
  | { type: 'open'; request: OpenRequest }
  | { type: 'write'; sessionId: string; data: Uint8Array }
  | { type: 'resize'; sessionId: string; cols: number; rows: number }
  | { type: 'ack'; sessionId: string; bytes: number }
  | { type: 'close'; sessionId: string }
  | { type: 'reply'; requestId: number; reply: WorkerReply }
  /** A line from Rackside in the session's terminal (a known_hosts file it cannot read, say). */
  | { type: 'notice'; sessionId: string; message: string }
  /** Close every session and finish their logs (at most `limitMs`), then answer `shut-down`. */
  | { type: 'shutdown'; limitMs: number };

export type WorkerQuestion =
  | { kind: 'host-key'; hop: number; host: string; port: number; key: Uint8Array; rekey: false }
  | {
      kind: 'keyboard-interactive';
      hop: number;
      name: string;
      instructions: string;
      prompts: KeyboardPrompt[];
      retry: boolean;
    }
  | { kind: 'passphrase'; hop: number; keyLabel: string; retry: boolean }
  | { kind: 'password'; hop: number; user: string; host: string; retry: boolean };

export type WorkerReply =
  | { kind: 'host-key'; accepted: true }
  | { kind: 'host-key'; accepted: false; reason: DisconnectReason }
  | { kind: 'answers'; answers: string[] }
  | { kind: 'secret'; value: string }
  | { kind: 'cancel' };

export type FromWorker =
  | { type: 'status'; sessionId: string; status: SessionStatus }
  | { type: 'data'; sessionId: string; data: Uint8Array }
  | { type: 'ask'; sessionId: string; requestId: number; question: WorkerQuestion }
  /** The session's log cannot be written any more (`why`, briefly); the session goes on. */
  | { type: 'log-stopped'; sessionId: string; why: string }
  | { type: 'shut-down' };
