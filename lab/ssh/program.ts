/**
 * What runs on a lab SSH channel: a `Program` (a Linux shell, a RouterOS console, a nested
 * `pct enter` shell) reads one line at a time. The session keeps a stack so that `exit` in a
 * nested shell returns to the one below it.
 */
import type { CommandIo } from './io';

export type Outcome =
  | { kind: 'status'; code: number }
  | { kind: 'exit'; code: number }
  | { kind: 'enter'; program: Program; code: number };

export interface Program {
  prompt(): string;
  /** Runs one line; interactive tells whether a person typed it at a prompt. */
  run(line: string, io: CommandIo, interactive: boolean): Promise<Outcome>;
  /** Text shown when the program starts interactively (motd, RouterOS banner). */
  banner(): string;
}

/** One command the lab's SSH devices ran, for tests and the enrollment wizard. */
export interface SshCommandRecord {
  /** Epoch ms when it finished. */
  at: number;
  site: string;
  /** The host the SSH session logged in to (a node for `pct`). */
  host: string;
  user: string;
  /** Set when the command ran inside a Proxmox container through `pct enter` / `pct exec`. */
  guest: { vmid: number; name: string; node: string; cluster: string } | null;
  via: 'shell' | 'exec' | 'pct-enter' | 'pct-exec';
  command: string;
  exitCode: number;
}

export type CommandRecorder = (
  entry: Omit<SshCommandRecord, 'at' | 'site' | 'host' | 'user' | 'exitCode'>,
  exitCode: number,
) => void;
