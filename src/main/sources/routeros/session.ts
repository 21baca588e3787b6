import type { Duplex } from 'node:stream';
import { AppError } from '../../../shared/errors';
import { commandWords, type CommandInput } from './command';
import { SentenceDecoder, type DecoderLimits } from './decoder';
import { RouterOsProtocolError } from './errors';
import { parseReply, type Reply } from './reply';
import type { RouterOsCharset } from './text';
import { encodeSentence } from './words';

export interface SessionOptions {
  charset?: RouterOsCharset;
  /** Default time a command may take before it is cancelled and fails (default 30 s). */
  commandTimeoutMs?: number;
  /** Bytes of replies held for unfinished commands, all together (default 64 MiB). */
  maxPendingBytes?: number;
  decoder?: Partial<DecoderLimits>;
  /** For messages: the router's address. */
  peer?: string;
}

export interface CommandResult {
  /** The `!re` sentences, in order. */
  records: Reply[];
  /** The closing `!done` (its `ret` carries `add` ids and the legacy login challenge). */
  done: Reply & { type: 'done' };
}

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

interface Pending {
  command: string;
  records: Reply[];
  traps: (Reply & { type: 'trap' })[];
  bytes: number;
  resolve(result: CommandResult): void;
  reject(error: Error): void;
  cleanup(): void;
}

/** A `!trap` answer: the command failed; the session stays usable. */
export class RouterOsTrapError extends AppError {
  constructor(
    readonly command: string,
    readonly trapMessage: string,
    readonly category: number | undefined,
  ) {
    super(
      category === 2 ? 'cancelled' : 'bad-request',
      `RouterOS ${command}: ${trapMessage}${category === undefined ? '' : ` (category ${category})`}`,
    );
  }
}

/**
 * One native API connection (reference/routeros.md §1): every command is tagged, so several run
 * at once and their replies may interleave; `!trap` is held until its `!done`; `!fatal` and
 * framing errors end the session and fail everything pending; each command has a timeout after
 * which it is cancelled on the router. Nothing here throws from an event handler: failures reach
 * the caller through the command's promise.
 */
export class RouterOsSession {
  private readonly decoder: SentenceDecoder;
  private readonly pending = new Map<string, Pending>();
  private readonly charset: RouterOsCharset;
  private readonly timeoutMs: number;
  private readonly maxPendingBytes: number;
  private readonly peer: string;
  private nextTag = 1;
  private pendingBytes = 0;
  private failure: AppError | undefined;
  private readonly ended: Promise<void>;

  constructor(
    private readonly socket: Duplex,
    options: SessionOptions = {},
  ) {
    this.charset = options.charset ?? 'auto';
    this.timeoutMs = options.commandTimeoutMs ?? 30_000;
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * 1024 * 1024;
    this.peer = options.peer ?? 'the router';
    this.decoder = new SentenceDecoder(options.decoder);
    socket.on('data', (chunk: Buffer) => {
      this.receive(chunk);
    });
    socket.on('error', (error: Error) => {
      this.fail(new AppError('unavailable', `RouterOS ${this.peer}: ${error.message}`));
    });
    this.ended = new Promise((resolve) => {
      socket.once('close', () => {
        this.onClose();
        resolve();
      });
    });
  }

  /** Why the session ended, if it did. */
  get closedBy(): AppError | undefined {
    return this.failure;
  }

  /** Runs one command; resolves with its records at `!done`, rejects on `!trap` and failures. */
  run(input: Omit<CommandInput, 'tag'>, options: RunOptions = {}): Promise<CommandResult> {
    if (this.failure) return Promise.reject(this.failure);
    const tag = String(this.nextTag++);
    let bytes: Uint8Array;
    try {
      bytes = encodeSentence(commandWords({ ...input, tag }), this.charset);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<CommandResult>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.timeoutMs;
      const timer = setTimeout(() => {
        this.abandon(
          tag,
          new AppError(
            'timeout',
            `RouterOS ${input.command}: no reply from ${this.peer} within ${timeoutMs / 1000} s.`,
          ),
        );
      }, timeoutMs);
      const onAbort = (): void => {
        this.abandon(tag, new AppError('cancelled', `RouterOS ${input.command}: cancelled.`));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(tag, {
        command: input.command,
        records: [],
        traps: [],
        bytes: 0,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      });
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      this.socket.write(bytes);
    });
  }

  /** Sends `/quit` when the session is healthy, then closes the socket. */
  async close(): Promise<void> {
    if (!this.failure && this.socket.writable) {
      this.socket.write(encodeSentence(['/quit']));
      this.fail(new AppError('unavailable', `RouterOS ${this.peer}: the session was closed.`));
      this.socket.end();
      const timer = setTimeout(() => this.socket.destroy(), 1000);
      await this.ended;
      clearTimeout(timer);
      return;
    }
    this.socket.destroy();
    await this.ended;
  }

  /** Stops waiting for a command and asks the router to stop it; late replies are dropped. */
  private abandon(tag: string, error: AppError): void {
    const entry = this.take(tag);
    if (!entry) return;
    entry.reject(error);
    if (!this.failure && this.socket.writable) {
      this.socket.write(
        encodeSentence(commandWords({ command: '/cancel', attributes: { tag }, tag: `c${tag}` })),
      );
    }
  }

  private take(tag: string): Pending | undefined {
    const entry = this.pending.get(tag);
    if (!entry) return undefined;
    this.pending.delete(tag);
    this.pendingBytes -= entry.bytes;
    entry.cleanup();
    return entry;
  }

  private receive(chunk: Buffer): void {
    if (this.failure) return;
    try {
      for (const sentence of this.decoder.push(chunk)) {
        const size = sentence.reduce((sum, word) => sum + word.length, 0);
        // `!fatal` ends the session mid-chunk; whatever follows it is not read.
        if (!this.handle(parseReply(sentence, { charset: this.charset }), size)) return;
      }
    } catch (error) {
      this.fail(
        error instanceof AppError
          ? error
          : new RouterOsProtocolError('decoder-failed', (error as Error).message),
      );
      this.socket.destroy();
    }
  }

  /** Handles one reply; false when the session ended. */
  private handle(reply: Reply, size: number): boolean {
    if (reply.type === 'fatal') {
      this.fail(
        new AppError(
          'unavailable',
          `RouterOS ${this.peer} closed the session: ${reply.reason || '(no reason given)'}`,
        ),
      );
      this.socket.destroy();
      return false;
    }
    // Replies to abandoned commands and stray tags (some routers send them) are dropped.
    const entry = reply.tag === undefined ? undefined : this.pending.get(reply.tag);
    if (!entry || reply.tag === undefined) return true;
    switch (reply.type) {
      case 're':
        entry.records.push(reply);
        entry.bytes += size;
        this.pendingBytes += size;
        if (this.pendingBytes > this.maxPendingBytes) {
          this.abandon(
            reply.tag,
            new AppError(
              'payload-too-large',
              `RouterOS ${entry.command}: the reply exceeds ${this.maxPendingBytes} bytes; refusing to hold more.`,
            ),
          );
        }
        return true;
      case 'empty':
        return true;
      case 'trap':
        entry.traps.push(reply);
        return true;
      case 'done': {
        this.take(reply.tag);
        const [trap] = entry.traps;
        if (trap) entry.reject(new RouterOsTrapError(entry.command, trap.message, trap.category));
        else entry.resolve({ records: entry.records, done: reply });
        return true;
      }
    }
  }

  private fail(error: AppError): void {
    if (this.failure) return;
    this.failure = error;
    for (const tag of [...this.pending.keys()]) this.take(tag)?.reject(error);
  }

  private onClose(): void {
    if (this.failure) return;
    try {
      this.decoder.end();
      this.fail(new AppError('unavailable', `RouterOS ${this.peer} closed the connection.`));
    } catch (error) {
      this.fail(error as AppError);
    }
  }
}
