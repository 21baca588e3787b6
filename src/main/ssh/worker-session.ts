import type { Duplex } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import {
  closedDuringHandshake,
  exited,
  jumpFailed,
  reasonFromError,
  serverClosed,
  type HopLabel,
} from './disconnect-reason';
import { identify } from './fingerprint';
import { checkContainer } from './lxc-console';
import { SessionLog } from './session-log';
import type { DisconnectReason, SessionStatus } from './session-types';
import { authHandlerFor, whileUsable, type AuthAsk } from './worker-auth';
import type { OpenRequest, WorkerQuestion, WorkerReply } from './worker-protocol';

/** How a session inside the worker talks to the session manager. */
export interface SessionPort {
  status(status: SessionStatus): void;
  /** Terminal output; the array is the receiver's (transferred, not copied again). */
  data(chunk: Uint8Array): void;
  ask(question: WorkerQuestion): Promise<WorkerReply>;
  /** The session log cannot be written any more (`why`, briefly); the session goes on. */
  logStopped(why: string): void;
}

class HandshakeClosed extends Error {}

/** A jump host answered the request for a tunnel to the next hop with a refusal. */
class TunnelRefused extends Error {
  constructor(
    readonly reasonCode: unknown,
    readonly description: string,
  ) {
    super(`tunnel refused: ${description}`);
  }
}

/**
 * The handshake's time limit, stopped while a question waits for the user: reading a host key
 * fingerprint or finding a one-time code can take longer than the server takes to answer.
 */
class HandshakeClock {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private left: number;
  private since = 0;
  private waiting = 0;
  private stopped = false;

  constructor(
    limitMs: number,
    private readonly expired: () => void,
  ) {
    this.left = limitMs;
    this.run();
  }

  /** Runs `question` with the clock stopped. */
  async during<T>(question: () => Promise<T>): Promise<T> {
    if (this.waiting++ === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.left -= performance.now() - this.since;
    }
    try {
      return await question();
    } finally {
      if (--this.waiting === 0) this.run();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private run(): void {
    if (this.stopped) return;
    this.since = performance.now();
    this.timer = setTimeout(this.expired, Math.max(0, this.left));
  }
}

/**
 * Output is handed on in frames of up to this many bytes: ssh2 emits a PTY's output in packets
 * of a few KiB, and every message costs a structured clone, a WebSocket frame or port message
 * (in the browser, about half a millisecond each) and an xterm.js write. Chunks that arrive in
 * the same event-loop turn are joined; a frame goes out at the end of the turn, or as soon as it
 * reaches this size (so at most one SSH packet, 32 KiB, more).
 */
export const maxOutputFrame = 128 * 1024;
/**
 * During a flood, frames go out at most this often (ms), so packets arriving turn after turn are
 * joined into a few large frames instead of one message each. Output after a quiet moment goes
 * out at the end of its turn, so an echo is not delayed.
 */
export const floodFramePace = 2;

/**
 * One terminal inside the SSH worker: a chain of ssh2 clients (each hop tunnelled through the
 * previous one with `forwardOut`), a PTY channel on the last, and watermark flow control.
 */
export class WorkerSession {
  private readonly clients: Client[] = [];
  private channel: ClientChannel | null = null;
  /** The first failure recorded wins: a refused host key explains the error that follows. */
  private failure: DisconnectReason | null = null;
  private exitStatus: { code: number | null; signal: string | null } | null = null;
  private finished = false;
  private unacked = 0;
  private paused = false;
  /** Output received in this event-loop turn and not yet handed on. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushQueued = false;
  private lastFlush = -Infinity;
  private readonly log: SessionLog | null;
  private readonly labels: HopLabel[];
  /** The terminal's size; it may change while the session is still connecting. */
  private size: { cols: number; rows: number };

  constructor(
    private readonly request: OpenRequest,
    private readonly port: SessionPort,
    /** Called once the session has ended, with its log's last write (resolved without a log). */
    private readonly onFinished: (logClosed: Promise<void>) => void,
  ) {
    this.log =
      request.logFile === null
        ? null
        : new SessionLog(request.logFile, (message, why) => {
            // Said as the terminal says it: nothing once the session has ended.
            if (this.finished) return;
            this.notice(message);
            this.port.logStopped(why);
          });
    this.size = { cols: request.terminal.cols, rows: request.terminal.rows };
    this.labels = request.hops.map((hop, index) => ({
      index,
      host: hop.host,
      port: hop.port,
      username: hop.username,
    }));
  }

  async run(): Promise<void> {
    let current = 0;
    try {
      let sock: Duplex | undefined;
      for (const [index, hop] of this.request.hops.entries()) {
        current = index;
        const previous = this.clients.at(-1);
        if (previous !== undefined) sock = await forwardOut(previous, hop.host, hop.port);
        if (this.isFinished()) return;
        await this.connectHop(index, sock);
        if (this.isFinished()) return;
      }
      const last = this.clients.at(-1);
      if (last === undefined) throw new Error('A session needs at least one hop.');
      const node = this.labels.at(-1);
      if (this.request.container !== null && node !== undefined) {
        const wrong = await checkContainer(last, this.request.container, node.host);
        if (wrong !== null) {
          this.finish({ ...wrong, hop: node.index });
          return;
        }
        if (this.isFinished()) return;
      }
      await this.openChannel(last);
      const target = this.labels.at(-1);
      this.log?.note(
        `connected to ${target?.username ?? ''}@${target?.host ?? ''}:${target?.port ?? ''}`,
      );
      this.port.status({ state: 'open' });
    } catch (error) {
      const label = this.labels[current] ?? this.labels[0];
      if (label === undefined) return;
      const via = this.labels[current - 1];
      this.finish(
        error instanceof HandshakeClosed
          ? closedDuringHandshake(label)
          : error instanceof TunnelRefused && via !== undefined
            ? jumpFailed(via, label, error.reasonCode, error.description)
            : reasonFromError(error, label),
      );
    }
  }

  write(data: Uint8Array): void {
    this.channel?.write(data);
  }

  /**
   * A new size before the shell has started (the tab was fitted, or the window resized while a
   * prompt waited) is kept for the PTY request, so the shell starts at the size it is shown at.
   */
  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.channel?.setWindow(rows, cols, 0, 0);
  }

  /** The consumer has handled `bytes` more bytes; resume below the low watermark. */
  ack(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    if (this.paused && this.unacked <= this.request.flow.lowWatermark) {
      this.paused = false;
      this.channel?.resume();
    }
  }

  close(): void {
    this.finish({ kind: 'closed-by-user', retryable: false, message: 'The session was closed.' });
  }

  private connectHop(index: number, sock: Duplex | undefined): Promise<void> {
    const hop = this.request.hops[index];
    const label = this.labels[index];
    if (hop === undefined || label === undefined) return Promise.reject(new Error('no such hop'));
    const hopInfo = { index, count: this.request.hops.length, host: hop.host, port: hop.port };
    this.port.status({ state: 'connecting', hop: hopInfo });
    const client = new Client();
    this.clients.push(client);
    let acceptedKey: Buffer | null = null;
    let ready = false;
    let closed = false;
    return new Promise((resolve, reject) => {
      const clock = new HandshakeClock(this.request.readyTimeoutMs, () => {
        // The same error ssh2 gives for its own handshake timeout, which is turned off below.
        reject(
          Object.assign(new Error('Timed out while waiting for handshake'), {
            level: 'client-timeout',
          }),
        );
        client.destroy();
      });
      const ask = (question: WorkerQuestion): Promise<WorkerReply> =>
        clock.during(() => this.port.ask(question));
      client.on('ready', () => {
        ready = true;
        clock.stop();
        resolve();
      });
      client.on('error', (error) => {
        clock.stop();
        if (!ready) reject(error);
        else this.finish(reasonFromError(error, label));
      });
      const gone = (): void => {
        if (closed) return;
        closed = true;
        clock.stop();
        if (!ready) reject(new HandshakeClosed());
        else this.finish(serverClosed(label));
      };
      client.on('close', gone);
      // Through a jump host the connection is a tunnel that only ends: ssh2 then emits `end`
      // and stops its keepalives, but never `close`, so a dropped hop would go unnoticed.
      client.on('end', gone);
      client.connect({
        host: hop.host,
        port: hop.port,
        username: hop.username,
        ...(sock === undefined ? {} : { sock }),
        // Timed by `clock` instead, which does not count the time the user takes to answer.
        readyTimeout: 0,
        ...hostKeyAlgorithms(hop.knownKeyTypes ?? []),
        keepaliveInterval: this.request.keepalive.intervalMs,
        keepaliveCountMax: this.request.keepalive.countMax,
        // Called before any authentication request, and again at every re-key.
        hostVerifier: (key: Buffer, answer: (ok: boolean) => void) => {
          // The connection may end while the user decides (the server drops it, the tab is
          // closed): ssh2 then throws on an answer, out of the worker's reach, and every
          // session would stop with it.
          const verify = (ok: boolean): void => {
            if (this.finished || closed) return;
            try {
              answer(ok);
            } catch (error) {
              this.finish(reasonFromError(error, label));
            }
          };
          if (acceptedKey !== null) {
            if (key.equals(acceptedKey)) verify(true);
            else {
              this.fail(rekeyChanged(label, acceptedKey, key));
              verify(false);
            }
            return;
          }
          const question = {
            kind: 'host-key',
            hop: index,
            host: hop.host,
            port: hop.port,
          } as const;
          ask({ ...question, key: new Uint8Array(key), rekey: false }).then(
            (reply) => {
              if (reply.kind === 'host-key' && reply.accepted) {
                acceptedKey = Buffer.from(key);
                this.port.status({ state: 'authenticating', hop: hopInfo });
                verify(true);
                return;
              }
              this.fail(
                reply.kind === 'host-key'
                  ? reply.reason
                  : {
                      kind: 'cancelled',
                      retryable: false,
                      hop: index,
                      message: 'Connecting was cancelled.',
                    },
              );
              verify(false);
            },
            () => {
              verify(false);
            },
          );
        },
        authHandler: whileUsable(
          authHandlerFor(hop, this.authAsk(index, ask)),
          () => !this.finished && !closed,
          (error) => {
            this.finish(reasonFromError(error, label));
          },
        ),
      });
    });
  }

  private authAsk(hop: number, ask: (question: WorkerQuestion) => Promise<WorkerReply>): AuthAsk {
    const target = this.request.hops[hop];
    const secret = async (question: WorkerQuestion): Promise<string | null> => {
      const reply = await ask(question);
      return reply.kind === 'secret' ? reply.value : null;
    };
    return {
      password: (retry) =>
        secret({
          kind: 'password',
          hop,
          user: target?.username ?? '',
          host: target?.host ?? '',
          retry,
        }),
      passphrase: (retry) =>
        secret({
          kind: 'passphrase',
          hop,
          keyLabel: target?.auth.mode === 'key' ? target.auth.keyLabel : '',
          retry,
        }),
      keyboard: async (name, instructions, prompts, retry) => {
        if (prompts.length === 0) return [];
        const reply = await ask({
          kind: 'keyboard-interactive',
          hop,
          name,
          instructions,
          prompts,
          retry,
        });
        if (reply.kind !== 'answers') return null;
        prompts.forEach((prompt, i) => this.log?.loginPrompt(prompt, reply.answers[i] ?? ''));
        return reply.answers;
      },
      abort: (kind, message) => {
        this.fail({ kind, message, retryable: false, hop });
      },
    };
  }

  private openChannel(client: Client): Promise<void> {
    const { cols, rows } = this.size;
    const pty = { cols, rows, term: this.request.terminal.term, height: 0, width: 0 };
    return new Promise((resolve, reject) => {
      const opened = (error: Error | undefined, channel: ClientChannel): void => {
        if (error !== undefined) {
          reject(error);
          return;
        }
        this.channel = channel;
        // Resized while the PTY request was on its way.
        if (this.size.cols !== cols || this.size.rows !== rows) {
          channel.setWindow(this.size.rows, this.size.cols, 0, 0);
        }
        limitReadAhead(channel);
        channel.on('data', (chunk: Buffer) => this.deliver(chunk));
        channel.stderr.on('data', (chunk: Buffer) => this.deliver(chunk));
        channel.on('exit', (code: number | null, signal?: string) => {
          this.exitStatus = { code, signal: signal ?? null };
        });
        channel.on('close', () => {
          this.finish(exited(this.exitStatus?.code ?? null, this.exitStatus?.signal ?? null));
        });
        resolve();
      };
      if (this.request.command === null) client.shell(pty, opened);
      else client.exec(this.request.command, { pty }, opened);
    });
  }

  private deliver(chunk: Buffer): void {
    if (chunk.byteLength === 0) return;
    // Copied now: ssh2 may reuse the memory behind `chunk` once this handler returns.
    this.pending.push(Buffer.from(chunk));
    this.pendingBytes += chunk.byteLength;
    this.unacked += chunk.byteLength;
    if (this.pendingBytes >= maxOutputFrame) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      const send = (): void => {
        this.flushQueued = false;
        this.flush();
      };
      const wait = this.lastFlush + floodFramePace - performance.now();
      if (wait > 0) setTimeout(send, wait);
      else setImmediate(send);
    }
    if (!this.paused && this.unacked >= this.request.flow.highWatermark) {
      this.paused = true;
      this.channel?.pause();
    }
  }

  /** A line from Rackside itself in the terminal, dimmed, between the session's own output. */
  notice(message: string): void {
    if (this.finished) return;
    this.deliver(Buffer.from(`\r\n\x1b[2m[${message}]\x1b[0m\r\n`, 'utf8'));
  }

  /** Hands on pending output as one frame, copied out of ssh2's buffers so it can be transferred. */
  private flush(): void {
    if (this.pendingBytes === 0) return;
    this.lastFlush = performance.now();
    const frame = new Uint8Array(this.pendingBytes);
    let offset = 0;
    for (const chunk of this.pending) {
      frame.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.log?.output(frame);
    this.port.data(frame);
  }

  /** A method, so the compiler does not assume the flag stays as it was before an await. */
  private isFinished(): boolean {
    return this.finished;
  }

  private fail(reason: DisconnectReason): void {
    this.failure ??= reason;
  }

  private finish(reason: DisconnectReason): void {
    if (this.finished) return;
    this.finished = true;
    // Output that arrived before the end is delivered before the closed status.
    this.flush();
    const final = this.failure ?? reason;
    this.channel?.close();
    for (const client of [...this.clients].reverse()) client.end();
    this.log?.note(`disconnected: ${final.message}`);
    // The log is finished in the background: on a hung disk its last write never completes,
    // and the tab must still show the session closed. A write that fails during the session
    // was already reported in the terminal; the closed session has nowhere left to show one.
    const logClosed = this.log?.close() ?? Promise.resolve();
    this.port.status({ state: 'closed', reason: final });
    this.onFinished(logClosed);
  }
}

/**
 * ssh2 buffers up to 2 MiB in a paused channel before it stops granting the server window, so a
 * pause at the high watermark would still let megabytes pile up behind it — all of which a
 * Ctrl-C has to wait for. With a small readable buffer the pause reaches the server at once
 * (only the window already granted can still arrive). `_readableState` is Node's stream state;
 * the setter is guarded so a changed internal only loses this bound, never output.
 */
const channelReadAhead = 64 * 1024;
/**
 * ssh2 tops the server's window up to 2 MiB whenever it falls to 1 MiB, so up to 2 MiB of
 * output is always on its way — all painted before a Ctrl-C shows its prompt. Counting this
 * much extra in ssh2's own record of the window makes every later top-up that much smaller:
 * the server's real window then moves between 0.125 and 1.125 MiB (never 0: the top-up still
 * comes while 128 KiB remain). Applied once, when the channel opens.
 */
const windowReserve = 896 * 1024;
function limitReadAhead(channel: ClientChannel): void {
  const state = (channel as unknown as { _readableState?: { highWaterMark?: unknown } })
    ._readableState;
  if (state !== undefined && typeof state.highWaterMark === 'number') {
    state.highWaterMark = channelReadAhead;
  }
  const incoming = (channel as unknown as { incoming?: { window?: unknown } }).incoming;
  if (incoming !== undefined && typeof incoming.window === 'number') {
    incoming.window += windowReserve;
  }
}

/** The host key algorithms that present a key of each type (an RSA key signs with three). */
const algorithmsOfKeyType: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * ssh2's host key algorithms with those of the types already known for the hop first, as ssh
 * orders them: the server then shows a key that can be checked instead of one never seen.
 */
function hostKeyAlgorithms(knownKeyTypes: readonly string[]): Pick<ConnectConfig, 'algorithms'> {
  const known = knownKeyTypes.flatMap((type) => algorithmsOfKeyType[type] ?? []);
  if (known.length === 0) return {};
  // Removed from ssh2's defaults, then put in front: ssh2 prepends only what is not listed.
  return { algorithms: { serverHostKey: { remove: known, prepend: known, append: [] } } };
}

function forwardOut(client: Client, host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
      if (error === undefined) {
        resolve(stream);
        return;
      }
      // ssh2 puts the server's reason code on the error, and its text after this prefix.
      const { reason } = error as Error & { reason?: unknown };
      reject(
        new TunnelRefused(reason, error.message.replace(/^\(SSH\) Channel open failure: /, '')),
      );
    });
  });
}

function rekeyChanged(label: HopLabel, before: Buffer, now: Buffer): DisconnectReason {
  const presented = identify(now);
  const old = identify(before);
  return {
    kind: 'host-key-changed',
    retryable: false,
    hop: label.index,
    message:
      `${label.host}:${label.port} presented a different host key during the session ` +
      `(${old.keyType} ${old.fingerprint} → ${presented.keyType} ${presented.fingerprint}); ` +
      'Rackside disconnected.',
    hostKey: {
      host: label.host,
      port: label.port,
      presented,
      known: [{ ...old, source: 'this session' }],
    },
  };
}
