import fs from 'node:fs';
import type { KeyboardPrompt } from './session-types';

/**
 * The opt-in session log: what the terminal showed, appended to a file readable only by the
 * user. Keystrokes are not logged — the server's echo is — so input typed at a prompt that does
 * not echo (passwords, `read -s`) never reaches the file. Login prompts are logged with their
 * answers only when the server asked for them to be echoed.
 */
export class SessionLog {
  private readonly out: fs.WriteStream;

  /** `failed` hears once, with a sentence for the user, that the file cannot be written. */
  constructor(file: string, failed: (message: string) => void = () => undefined) {
    this.out = fs.createWriteStream(file, { flags: 'a', mode: 0o600 });
    // A log that cannot be written must not end the session; the error is reported once.
    let reported = false;
    this.out.on('error', (error: NodeJS.ErrnoException) => {
      if (reported) return;
      reported = true;
      failed(
        `The session log ${file} cannot be written (${error.code ?? error.message}); ` +
          'the session goes on without it.',
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
