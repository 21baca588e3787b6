import fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import tty from 'node:tty';
import { AppError } from '../../shared/errors';

export interface CliIo {
  stdin: Readable;
  /**
   * The file descriptor behind `stdin` (0 in the `rackside` process). With it, a line of piped
   * input (a passphrase) is read from the descriptor itself, never past its newline, and `stdin`
   * is left untouched unless a command reads all of it: the rest of the input stays for the next
   * command of the script. Without it (in-process), lines come from the `stdin` stream.
   */
  stdinFd?: number;
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

/** A line of piped input for a passphrase: 1024 characters at most, up to 4 bytes each. */
const maxPassphraseLineBytes = 4096;

/** A line of piped input went on past the most it may hold. */
const tooLong = Symbol('line too long');

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

  /** Whether stdin is a terminal (asked without touching the stream when its descriptor is known). */
  isTerminal(): boolean {
    const fd = this.io.stdinFd;
    if (fd !== undefined) return tty.isatty(fd);
    return (this.io.stdin as { isTTY?: boolean }).isTTY === true;
  }

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

  /** The next line from the stream, without its line break; null at the end of the input. */
  private async readLine(maxBytes: number): Promise<string | null | typeof tooLong> {
    for (;;) {
      const newline = this.buffer.indexOf('\n');
      if (newline >= 0) {
        const line = this.buffer.slice(0, newline).replace(/\r$/, '');
        this.buffer = this.buffer.slice(newline + 1);
        return Buffer.byteLength(line) > maxBytes ? tooLong : line;
      }
      if (Buffer.byteLength(this.buffer) > maxBytes + 1) return tooLong;
      if (this.ended) {
        if (this.buffer === '') return null;
        const rest = this.buffer.replace(/\r$/, '');
        this.buffer = '';
        return Buffer.byteLength(rest) > maxBytes ? tooLong : rest;
      }
      await this.more();
    }
  }

  /**
   * The next line of piped input: from the descriptor when it is known and the stream has not
   * read ahead, else from the stream.
   */
  private async readPipedLine(maxBytes: number): Promise<string | null | typeof tooLong> {
    const fd = this.io.stdinFd;
    if (fd === undefined || this.started) return this.readLine(maxBytes);
    const read = await readLineFromFd(fd, maxBytes + 1);
    const text = read.bytes.toString('utf8');
    if (read.end === 'blocked') {
      // A descriptor set non-blocking by whoever started Rackside: the stream reads the rest.
      this.buffer = text;
      return this.readLine(maxBytes);
    }
    if (read.end === 'too-long') return tooLong;
    if (read.end === 'end' && text === '') return null;
    const line = text.replace(/\r$/, '');
    return Buffer.byteLength(line) > maxBytes ? tooLong : line;
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
   * Piped input gives one line, of at most `maxBytes`: an empty one is refused.
   */
  async secret(
    prompt: string,
    variable?: string,
    maxBytes = maxPassphraseLineBytes,
  ): Promise<string> {
    const tty = this.isTerminal();
    this.io.stderr.write(prompt);
    // Piped input is read from its descriptor where it can be: the stream is not created then.
    const raw = tty ? (this.io.stdin as { setRawMode?: (on: boolean) => void }) : null;
    raw?.setRawMode?.(true);
    try {
      const line = tty ? await this.readRawLine() : await this.readPipedLine(maxBytes);
      const label = prompt.trim().replace(/:$/, '');
      // On a terminal the line break after the prompt comes from `finally`.
      const refuse = (message: string): never => {
        if (!tty) this.io.stderr.write('\n');
        throw new UsageError(message);
      };
      const orVariable =
        variable === undefined ? '.' : `; set ${variable} to give it without a prompt.`;
      if (line === null) {
        return refuse(`No ${label.toLowerCase()} was given: the input ended${orVariable}`);
      }
      if (line === tooLong) {
        return refuse(
          `The line read from standard input for "${label}" is longer than ${String(maxBytes)} bytes.`,
        );
      }
      if (line === '' && !tty) {
        return refuse(`An empty line was read from standard input for "${label}"${orVariable}`);
      }
      return line;
    } finally {
      if (raw !== null) {
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
    if (this.started) this.io.stdin.pause();
  }
}

type FdLineEnd = 'newline' | 'end' | 'too-long' | 'blocked';

/**
 * One line read from `fd` a byte at a time, as the shell's `read` does: nothing after its line
 * break is taken, so the rest of piped input stays for whatever reads it next. `bytes` is the
 * line without its `\n`; `end` says why reading stopped: the line break, the end of the input
 * (or a descriptor that cannot be read), more than `maxBytes` without a line break, or a
 * non-blocking descriptor with nothing to read yet.
 */
async function readLineFromFd(
  fd: number,
  maxBytes: number,
): Promise<{ bytes: Buffer; end: FdLineEnd }> {
  const line = Buffer.alloc(maxBytes + 1);
  let length = 0;
  for (;;) {
    let read: number;
    try {
      read = await readByte(fd, line, length);
    } catch (error) {
      const blocked = (error as NodeJS.ErrnoException).code === 'EAGAIN';
      return { bytes: line.subarray(0, length), end: blocked ? 'blocked' : 'end' };
    }
    if (read === 0) return { bytes: line.subarray(0, length), end: 'end' };
    if (line[length] === 0x0a) return { bytes: line.subarray(0, length), end: 'newline' };
    length += 1;
    if (length > maxBytes) return { bytes: line.subarray(0, length), end: 'too-long' };
  }
}

function readByte(fd: number, into: Buffer, at: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, into, at, 1, null, (error, bytesRead) => {
      if (error === null) resolve(bytesRead);
      else reject(error);
    });
  });
}
