import type { HostKeyPolicy } from '../../shared/profiles';
import type { KeyIdentity } from './fingerprint';

/**
 * Types shared by the session manager (main thread) and the SSH worker. The contract layer
 * mirrors the public ones (status, prompts, reasons) as zod schemas when it exposes them.
 */

export type SessionState = 'connecting' | 'authenticating' | 'open' | 'closed';

export type DisconnectKind =
  | 'closed-by-user'
  /** The remote shell or command ended (`exit`, end of `pct enter`). */
  | 'exited'
  | 'auth-failed'
  | 'host-key-refused'
  | 'host-key-changed'
  | 'network'
  | 'server-closed'
  | 'timeout'
  | 'protocol'
  | 'cancelled'
  /** A Proxmox node's container of the id asked for is another one (`pct config`). */
  | 'wrong-container';

export interface KnownKeyRef extends KeyIdentity {
  /** Where the key is trusted: Rackside's database or `file:line` of a known_hosts file. */
  source: string;
}

export interface DisconnectReason {
  kind: DisconnectKind;
  /** A sentence for the user. */
  message: string;
  /** Whether trying again may help (network, timeout, server closed) — drives auto-reconnect. */
  retryable: boolean;
  /** Jump-chain hop the failure happened at (0 = first hop), when known. */
  hop?: number;
  /** For host-key refusals: the presented key and the keys known before. */
  hostKey?: { host: string; port: number; presented: KeyIdentity; known: KnownKeyRef[] };
}

export interface SessionStatus {
  state: SessionState;
  /** Set with `closed`. */
  reason?: DisconnectReason;
  /** Which hop is being connected/authenticated, with `connecting`/`authenticating`. */
  hop?: { index: number; count: number; host: string; port: number };
  /** The session waits for the answer to the same host-key question asked in another tab. */
  waitingFor?: 'host-key-in-another-tab';
}

export type HostKeyAnswer = 'accept-once' | 'remember' | 'cancel';

export interface HostKeyQuestion extends KeyIdentity {
  host: string;
  port: number;
  hop: number;
  /** Keys of other types known for this host (OpenSSH warns about these too). */
  otherKnown: KnownKeyRef[];
}

export interface KeyboardPrompt {
  prompt: string;
  echo: boolean;
}

/** Everything a session may ask the user; answered through `answer(promptId, …)`. */
export type SessionPrompt =
  | { kind: 'host-key'; promptId: string; sessionId: string; question: HostKeyQuestion }
  | {
      kind: 'keyboard-interactive';
      promptId: string;
      sessionId: string;
      hop: number;
      name: string;
      instructions: string;
      prompts: KeyboardPrompt[];
      /** The round asks what the previous one asked: that answer was not accepted. */
      retry: boolean;
      /** The profile a password answer may be saved in (a round asking only for it); else null. */
      saveTo: string | null;
    }
  | {
      kind: 'passphrase';
      promptId: string;
      sessionId: string;
      hop: number;
      keyLabel: string;
      retry: boolean;
      saveTo: string | null;
    }
  | {
      kind: 'password';
      promptId: string;
      sessionId: string;
      hop: number;
      user: string;
      host: string;
      retry: boolean;
      saveTo: string | null;
    };

export type PromptAnswer =
  | { kind: 'host-key'; answer: HostKeyAnswer }
  /** `save`: keep the answer in the vault once the login succeeds (see `saveTo`). */
  | { kind: 'keyboard-interactive'; answers: string[]; save?: boolean }
  | { kind: 'passphrase'; passphrase: string; save?: boolean }
  | { kind: 'password'; password: string; save?: boolean }
  /** Dismissing any prompt: the session closes with `cancelled`. */
  | { kind: 'cancel' };

export interface TerminalOptions {
  cols: number;
  rows: number;
  /** TERM value; xterm.js speaks `xterm-256color`. */
  term?: string;
}

/** How one hop authenticates, with the secrets resolved on the main side. */
export type HopAuth =
  | { mode: 'password'; password: string | null }
  | { mode: 'key'; privateKey: string; keyLabel: string; passphrase: string | null }
  | { mode: 'agent'; socket: string }
  /** A saved password answers a round that asks only for the password; the rest are asked. */
  | { mode: 'keyboard-interactive'; password: string | null };

export interface Hop {
  host: string;
  port: number;
  username: string;
  auth: HopAuth;
  policy: HostKeyPolicy;
  /** The saved profile the hop comes from (not quick connect): login answers may be kept there. */
  profileId?: string;
  /** Host key types already known for the hop's host and port, asked of the server first. */
  knownKeyTypes?: string[];
}

export interface FlowControl {
  /** Pause the channel once this many delivered bytes are not yet acknowledged. */
  highWatermark: number;
  /** Resume once unacknowledged bytes fall to this. */
  lowWatermark: number;
}

export interface Keepalive {
  intervalMs: number;
  countMax: number;
}

/**
 * A keyboard-interactive round that only asks for the password (PAM's "Password: ", say): the
 * one a password may answer. Anything else (a one-time code, a second factor, an echoed
 * question) is the user's to answer, never given the saved password.
 */
export function asksForPassword(prompts: readonly KeyboardPrompt[]): boolean {
  const [only] = prompts;
  return prompts.length === 1 && only !== undefined && !only.echo && /password/i.test(only.prompt);
}
