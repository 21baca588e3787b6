import fs from 'node:fs';
import type { KeyboardPrompt } from './session-types';

/** What the usual reasons a log stops being written mean, said briefly. */
const writeProblems: Readonly<Record<string, string>> = {
  ENOENT: 'its folder is gone',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'the disk reports an I/O error',
};

/** Why a log file cannot be written, briefly: "the disk is full (ENOSPC)". */
export function logWriteProblem(error: NodeJS.ErrnoException): string {
  if (error.code === undefined) return error.message;
  const meaning = writeProblems[error.code];
  return meaning === undefined ? error.code : `${meaning} (${error.code})`;
}

/**
 * The opt-in session log: what the terminal showed, appended to a file readable only by the
 * user. Keystrokes are not logged — the server's echo is — so input typed at a prompt that does
 * not echo (passwords, `read -s`) never reaches the file. Login prompts are logged with their
 * answers only when the server asked for them to be echoed.
 */
export class SessionLog {
  private readonly out: fs.WriteStream;

  /**
   * `failed` hears once that the file cannot be written: a sentence for the terminal, and why,
   * briefly (`logWriteProblem`).
   */
  constructor(file: string, failed: (message: string, why: string) => void = () => undefined) {
    this.out = fs.createWriteStream(file, { flags: 'a', mode: 0o600 });
    // A log that cannot be written must not end the session; the error is reported once.
    let reported = false;
    this.out.on('error', (error: NodeJS.ErrnoException) => {
      if (reported) return;
      reported = true;
      const why = logWriteProblem(error);
      failed(
        `The session log ${file} cannot be written: ${why}; the session goes on without it.`,
        why,
      );
    });
  }

  note(text: string): void {
    this.out.write(`\r\n[rackside ${new Date().toISOString()}] ${text}\r\n`);
  }

  /**
   * Copies the chunk: the caller transfers its buffer to another thread right after, and a write
   * still queued behind a slow disk would otherwise find it detached and empty.
   */
  output(chunk: Uint8Array): void {
    this.out.write(Buffer.from(chunk));
  }

  loginPrompt(prompt: KeyboardPrompt, answer: string): void {
    this.out.write(prompt.echo ? `${prompt.prompt}${answer}\r\n` : `${prompt.prompt}\r\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}
