import type { Readable, Writable } from 'node:stream';
import { AppError } from '../../shared/errors';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /**
   * Ctrl-C: calls `handler` on an interrupt until the returned function is called (`main.ts`:
   * SIGINT, and SIGTERM, which a service manager or `kill` sends). Without it, or once
   * released, an interrupt ends the process as usual.
   */
  onInterrupt?: (handler: (signal?: 'SIGINT' | 'SIGTERM') => void) => () => void;
}

/**
 * Text for a terminal: control characters other than line breaks and tabs are shown as `\x1b`
 * and the like. Names, versions and error messages come from the systems Rackside talks to; an
 * escape sequence in a host name must not reach the user's terminal, where it could rewrite the
 * screen, the window title or the clipboard. (JSON output escapes them itself.)
 */
export function printable(text: string): string {
  return text
    .replace(
      /[^\P{Cc}\n\t]/gu,
      (c) => `\\x${(c.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`,
    )
    .replace(
      invisibleOrDirection,
      (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
    );
}

/**
 * Text-direction controls and zero-width characters, shown as `\u202e` and the like: a
 * right-to-left override in a name would turn the rest of the line around, and a zero-width
 * space makes `web01` and `web\u200b01` look the same.
 */
const invisibleOrDirection = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/gu;

/**
 * JSON text with DEL and the C1 controls written as `\u009b` and the like, as JSON.stringify
 * does for the C0 ones but not for these: the same value, and nothing a terminal would act on.
 * (YAML also needs them escaped in a double-quoted scalar, and reads the escape the same way.)
 */
export function escapeRawControls(json: string): string {
  return json.replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Wrong use of the command (exit code 2), as opposed to a failure while doing it (1). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Reads stdin on demand: whole text (`readAll`) for JSON input, or one line at a time for
 * passphrases and secrets. On a terminal, prompts go to stderr and typing is not echoed.
 */
export class InputReader {
  private buffer = '';
  private ended = false;
  private waiting: (() => void) | null = null;
  private started = false;

  constructor(private readonly io: CliIo) {}

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.io.stdin.setEncoding('utf8');
    this.io.stdin.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    this.io.stdin.on('end', () => {
      this.ended = true;
      this.wake();
    });
    this.io.stdin.on('error', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  private async more(): Promise<void> {
    this.start();
    await new Promise<void>((resolve) => {
      this.waiting = resolve;
    });
  }

  async readLine(): Promise<string | null> {
    for (;;) {
      const newline = this.buffer.indexOf('\n');
      if (newline >= 0) {
        const line = this.buffer.slice(0, newline).replace(/\r$/, '');
        this.buffer = this.buffer.slice(newline + 1);
        return line;
      }
      if (this.ended) {
        if (this.buffer === '') return null;
        const rest = this.buffer;
        this.buffer = '';
        return rest;
      }
      await this.more();
    }
  }

  async readAll(limit = 64 * 1024 * 1024): Promise<string> {
    while (!this.ended) {
      if (this.buffer.length > limit) throw new UsageError('Input on stdin is too large.');
      await this.more();
    }
    const all = this.buffer;
    this.buffer = '';
    return all;
  }

  /**
   * Asks for a hidden value: prompt on stderr, no echo on a terminal. `variable`: the environment
   * variable that gives it without a prompt, named when the input has nothing to answer with.
   */
  async secret(prompt: string, variable?: string): Promise<string> {
    const tty = (this.io.stdin as { isTTY?: boolean }).isTTY === true;
    this.io.stderr.write(prompt);
    const raw = this.io.stdin as { setRawMode?: (on: boolean) => void };
    if (tty) raw.setRawMode?.(true);
    try {
      const line = tty ? await this.readRawLine() : await this.readLine();
      if (line === null) {
        if (!tty) this.io.stderr.write('\n');
        const what = prompt.trim().replace(/:$/, '').toLowerCase();
        throw new UsageError(
          `No ${what} was given: the input ended` +
            (variable === undefined ? '.' : `; set ${variable} to give it without a prompt.`),
        );
      }
      return line;
    } finally {
      if (tty) {
        raw.setRawMode?.(false);
        this.io.stderr.write('\n');
      }
    }
  }

  private async readRawLine(): Promise<string | null> {
    let line = '';
    for (;;) {
      if (this.buffer === '') {
        if (this.ended) return line === '' ? null : line;
        await this.more();
        continue;
      }
      const char = this.buffer[0] ?? '';
      this.buffer = this.buffer.slice(1);
      if (char === '\r' || char === '\n') return line;
      // Ctrl-C at a prompt: the command stops as at an interrupt anywhere else (status 130).
      if (char === '\u0003') throw new AppError('cancelled', 'Cancelled.');
      if (char === '\u007f' || char === '\b') line = line.slice(0, -1);
      else line += char;
    }
  }

  close(): void {
    this.io.stdin.pause();
  }
}
