import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { AppError, isAppError } from '../../shared/errors';
import type { Logger } from '../core/logger';
import type { HostKeyTrust, KnownHostsReading } from './host-key-trust';
import { lxcConsoleCommand } from './lxc-console';
import { PromptBroker } from './prompt-broker';
import { resolveHops, type DirectTarget, type ProfileSource } from './session-targets';
import {
  asksForPassword,
  type FlowControl,
  type Hop,
  type Keepalive,
  type PromptAnswer,
  type SessionPrompt,
  type SessionStatus,
  type TerminalOptions,
} from './session-types';
import type { SshWorkerFactory } from './worker-launch';
import type {
  ExpectedContainer,
  FromWorker,
  ToWorker,
  WorkerQuestion,
  WorkerReply,
} from './worker-protocol';

export interface SessionManagerOptions {
  hostKeys: HostKeyTrust;
  /** Profile metadata and vault secrets; null when only direct targets are used. */
  profiles: ProfileSource | null;
  createWorker: SshWorkerFactory;
  logger: Logger;
  /** ssh-agent socket; defaults to `SSH_AUTH_SOCK`. */
  agentSocket?: string;
  flow?: FlowControl;
  keepalive?: Keepalive;
  readyTimeoutMs?: number;
  readFile?: (file: string) => Promise<string>;
}

export interface OpenOptions extends TerminalOptions {
  /** Run this command in the PTY instead of a login shell. */
  command?: string;
  /** The container `command` enters, checked on the node first (`lxcConsoleCommand`). */
  container?: ExpectedContainer;
  /** Opt-in session log: terminal output appended to this file. */
  logFile?: string;
  /** A line for the terminal before the session's own output (why it has no log, say). */
  notice?: string;
}

export interface SessionEvents {
  /** Terminal output, in order. Acknowledge each chunk with `ack(id, bytes.byteLength)`. */
  data: (id: string, bytes: Uint8Array) => void;
  status: (id: string, status: SessionStatus) => void;
  /** A question for the user; answer with `answer(prompt.promptId, …)`. */
  prompt: (prompt: SessionPrompt) => void;
  /** A prompt ended (answered, cancelled, or its session closed): close its dialog. */
  'prompt-closed': (promptId: string) => void;
  /** The session's log cannot be written any more (`why`, briefly); the session goes on. */
  'log-stopped': (id: string, why: string) => void;
}

export interface SessionInfo {
  id: string;
  /** `user@host:port` of the target (last hop). */
  title: string;
  profileId: string | null;
  status: SessionStatus;
  hops: { host: string; port: number; username: string }[];
  /** Why the session log stopped being written (briefly); null while it is, or without one. */
  logStopped: string | null;
}

interface Session {
  id: string;
  target: string | DirectTarget;
  options: OpenOptions;
  status: SessionStatus;
  hops: Hop[];
  /** The known_hosts files as read for the current connection (see `resolve`). */
  knownHosts: KnownHostsReading;
  /** `reconnect` is reading profiles and secrets; the worker has not been asked yet. */
  resolving: boolean;
  /** Answers to keep in the vault ("save"), written once the login succeeds. */
  toSave: SecretToSave[];
  /** Why its log stopped being written, since the session (re)connected; see `SessionInfo`. */
  logStopped: string | null;
}

interface SecretToSave {
  profileId: string;
  field: 'password' | 'keyPassphrase';
  value: string;
}

/**
 * The latest answer to a prompt decides what is kept: a password typed again after a wrong one
 * replaces it, and one typed again without "save" keeps neither.
 */
function keep(
  session: Session,
  profileId: string,
  field: SecretToSave['field'],
  value: string,
  save: boolean,
): void {
  session.toSave = session.toSave.filter((s) => s.profileId !== profileId || s.field !== field);
  if (save) session.toSave.push({ profileId, field, value });
}

/**
 * Output a session may have unacknowledged by the terminal. All of it is on its way when the user
 * presses Ctrl-C, and is painted before the prompt, so the window trades flood speed against how
 * fast an interrupt shows. The low watermark sits close below the high one so output resumes as
 * soon as the terminal has painted one batch, instead of leaving the page idle between batches.
 *
 * Measured by `bench/ssh-e2e.ts` on two cores (16 MB of output; OpenSSH's `ssh` writing it to
 * /dev/null takes 0.46–0.58 s), five runs of three for each window, alternating: 3 MiB painted
 * it at 0.70–0.83× OpenSSH's speed with a `yes` flood stopping within 214–236 ms p95; 2 MiB at
 * 0.68–0.86× within 147–175 ms; 1.5 MiB at 0.66–0.76× within 122–175 ms. 2 MiB keeps both goals
 * (≥ 0.6×, ≤ 250 ms) with room to spare.
 */
export const defaultFlow: FlowControl = {
  highWatermark: 2 * 1024 * 1024,
  lowWatermark: 1792 * 1024,
};
const defaultKeepalive: Keepalive = { intervalMs: 15_000, countMax: 3 };

/**
 * Interactive SSH sessions for the UI. ssh2 runs in one worker thread; this side resolves
 * profiles and secrets, applies host-key trust (the database lives here) and relays prompts.
 * Terminal bytes flow as `data` events with acknowledgement-based flow control.
 */
export class SshSessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners: { [K in keyof SessionEvents]: Set<SessionEvents[K]> } = {
    data: new Set(),
    status: new Set(),
    prompt: new Set(),
    'prompt-closed': new Set(),
    'log-stopped': new Set(),
  };
  private readonly prompts: PromptBroker;
  private worker: Worker | null = null;
  private readonly logger: Logger;

  constructor(private readonly options: SessionManagerOptions) {
    this.logger = options.logger;
    this.prompts = new PromptBroker(
      (prompt) => {
        for (const listener of this.listeners.prompt) listener(prompt);
        return this.listeners.prompt.size > 0;
      },
      (promptId) => {
        for (const listener of this.listeners['prompt-closed']) listener(promptId);
      },
      (id, waiting) => {
        const session = this.sessions.get(id);
        if (session === undefined || session.status.state === 'closed') return;
        const { waitingFor: _, ...status } = session.status;
        this.setStatus(
          session,
          waiting ? { ...status, waitingFor: 'host-key-in-another-tab' } : status,
        );
      },
    );
  }

  on<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void {
    const set = this.listeners[event] as Set<SessionEvents[K]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Starts a session to a profile (by id) or a direct target. Resolves with the session id once
   * the request is handed to the worker; progress arrives as `status` events. Throws AppError
   * for what can be known up front (no such profile, vault locked, key file unreadable).
   */
  async open(target: string | DirectTarget, options: OpenOptions): Promise<string> {
    const id = randomUUID();
    const session: Session = {
      id,
      target,
      options,
      status: { state: 'connecting' },
      ...(await this.resolve(target)),
      resolving: false,
      toSave: [],
      logStopped: null,
    };
    this.sessions.set(id, session);
    this.start(session);
    return id;
  }

  /**
   * A Proxmox LXC console: `pct enter <vmid>` on the node, over the node's SSH profile, once the
   * node's container of that id has `hostname` (`lxcConsoleCommand`).
   */
  openLxcConsole(
    nodeProfileId: string,
    container: { vmid: number; hostname: string | null },
    options: Omit<OpenOptions, 'command' | 'container'>,
  ): Promise<string> {
    return this.open(nodeProfileId, { ...options, ...lxcConsoleCommand(container) });
  }

  /** Opens a closed session again with the same id, re-reading profiles and secrets. */
  async reconnect(id: string): Promise<void> {
    const session = this.get(id);
    if (session.status.state !== 'closed') {
      throw new AppError('conflict', 'The session is still connected.');
    }
    // Connecting from here on: a second reconnect is refused, and closing the tab while the
    // key or vault is read must keep the connection from being started at all.
    const before = session.status;
    session.status = { state: 'connecting' };
    session.resolving = true;
    let resolved: Pick<Session, 'hops' | 'knownHosts'>;
    try {
      resolved = await this.resolve(session.target);
    } catch (error) {
      if (this.isResolving(session)) {
        session.resolving = false;
        session.status = before;
      }
      throw error;
    }
    // Closed (or its tab closed) meanwhile.
    if (!this.isResolving(session)) return;
    session.resolving = false;
    session.hops = resolved.hops;
    session.knownHosts = resolved.knownHosts;
    this.start(session);
  }

  write(id: string, data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'utf8')) : data;
    if (this.live(id)) this.post({ type: 'write', sessionId: id, data: bytes });
  }

  resize(id: string, cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) {
      throw new AppError('bad-request', 'Terminal size must be positive whole numbers.');
    }
    const session = this.get(id);
    session.options = { ...session.options, cols, rows };
    if (this.live(id)) this.post({ type: 'resize', sessionId: id, cols, rows });
  }

  /** The consumer has rendered `bytes` bytes of output (flow control). */
  ack(id: string, bytes: number): void {
    if (bytes > 0 && this.live(id)) this.post({ type: 'ack', sessionId: id, bytes });
  }

  close(id: string): void {
    this.prompts.cancelSession(id);
    const session = this.get(id);
    if (session.resolving) {
      session.resolving = false;
      this.setStatus(session, {
        state: 'closed',
        reason: { kind: 'closed-by-user', retryable: false, message: 'The session was closed.' },
      });
      return;
    }
    if (this.live(id)) this.post({ type: 'close', sessionId: id });
  }

  /** Removes a closed session from the list (a tab was closed). */
  discard(id: string): void {
    this.close(id);
    this.sessions.delete(id);
  }

  /** The questions session `id` has on screen now: a window shown after a reload asks them again. */
  openPrompts(id: string): SessionPrompt[] {
    this.get(id);
    return this.prompts.shownFor(id);
  }

  answer(promptId: string, answer: PromptAnswer): void {
    this.prompts.answer(promptId, answer);
  }

  info(id: string): SessionInfo {
    const session = this.get(id);
    const target = session.hops.at(-1);
    return {
      id,
      title:
        target === undefined
          ? ''
          : `${target.username}@${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`,
      profileId: typeof session.target === 'string' ? session.target : null,
      status: session.status,
      hops: session.hops.map(({ host, port, username }) => ({ host, port, username })),
      logStopped: session.logStopped,
    };
  }

  list(): SessionInfo[] {
    return [...this.sessions.keys()].map((id) => this.info(id));
  }

  /** The explicit "forget this host key" action; returns how many keys were removed. */
  forgetHostKey(host: string, port: number, keyType?: string): number {
    return this.options.hostKeys.forget(host, port, keyType);
  }

  /**
   * Closes every session and stops the worker, after the sessions' logs have written their last
   * output (at most `logLimitMs`: a log on a hung disk does not hold up quitting).
   */
  async dispose(logLimitMs = 2000): Promise<void> {
    for (const id of this.sessions.keys()) this.prompts.cancelSession(id);
    const worker = this.worker;
    this.worker = null;
    if (worker === null) return;
    await new Promise<void>((resolve) => {
      // The worker answers within its limit; this one covers a worker that no longer answers.
      const timer = setTimeout(resolve, logLimitMs + 500);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'shut-down') done();
      });
      worker.once('exit', done);
      worker.postMessage({ type: 'shutdown', limitMs: logLimitMs } satisfies ToWorker);
    });
    await worker.terminate();
  }

  /**
   * The hops of a connection, and known_hosts as read for it: once, so that the key types each
   * hop asks for first and its trust decision later go by the same reading.
   */
  private async resolve(
    target: string | DirectTarget,
  ): Promise<Pick<Session, 'hops' | 'knownHosts'>> {
    const hops = await resolveHops(target, {
      profiles: this.options.profiles,
      agentSocket: this.options.agentSocket ?? process.env.SSH_AUTH_SOCK,
      ...(this.options.readFile === undefined ? {} : { readFile: this.options.readFile }),
    });
    const { hostKeys } = this.options;
    const knownHosts = await hostKeys.readKnownHosts();
    return {
      hops: await Promise.all(
        hops.map(async (hop) => ({
          ...hop,
          knownKeyTypes: await hostKeys.knownKeyTypes(hop.host, hop.port, knownHosts),
        })),
      ),
      knownHosts,
    };
  }

  private start(session: Session): void {
    const { cols, rows, term, command, container, logFile } = session.options;
    // The worker opens the log again: it may be written this time (its folder is back).
    session.logStopped = null;
    this.post({
      type: 'open',
      request: {
        sessionId: session.id,
        hops: session.hops,
        terminal: { cols, rows, term: term ?? 'xterm-256color' },
        command: command ?? null,
        container: container ?? null,
        flow: this.options.flow ?? defaultFlow,
        keepalive: this.options.keepalive ?? defaultKeepalive,
        readyTimeoutMs: this.options.readyTimeoutMs ?? 20_000,
        logFile: logFile ?? null,
      },
    });
    const { notice } = session.options;
    if (notice !== undefined) this.post({ type: 'notice', sessionId: session.id, message: notice });
  }

  /** A method, so the compiler does not assume the flag stays as it was before an await. */
  private isResolving(session: Session): boolean {
    return session.resolving;
  }

  private get(id: string): Session {
    const session = this.sessions.get(id);
    if (session === undefined) throw new AppError('not-found', `No SSH session ${id}.`);
    return session;
  }

  private live(id: string): boolean {
    return this.get(id).status.state !== 'closed';
  }

  private post(message: ToWorker): void {
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = this.options.createWorker();
    worker.on('message', (message: FromWorker) => {
      this.onMessage(worker, message);
    });
    const lost = (why: string): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.logger.error('ssh worker stopped', { why });
      for (const session of this.sessions.values()) {
        if (session.status.state === 'closed') continue;
        this.setStatus(session, {
          state: 'closed',
          reason: { kind: 'protocol', retryable: true, message: `The SSH worker stopped: ${why}` },
        });
      }
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private setStatus(session: Session, status: SessionStatus): void {
    session.status = status;
    if (status.state === 'open') this.saveAnswers(session);
    if (status.state === 'closed') {
      this.prompts.cancelSession(session.id);
      // A login that failed keeps nothing it was told.
      session.toSave = [];
    }
    for (const listener of this.listeners.status) listener(session.id, status);
  }

  private onMessage(worker: Worker, message: FromWorker): void {
    if (message.type === 'shut-down') return;
    const session = this.sessions.get(message.sessionId);
    switch (message.type) {
      case 'data':
        if (session === undefined) return;
        for (const listener of this.listeners.data) listener(session.id, message.data);
        return;
      case 'status':
        if (session === undefined) return;
        if (message.status.state === 'closed') {
          this.logger.info('ssh session closed', { kind: message.status.reason?.kind });
        }
        this.setStatus(session, message.status);
        return;
      case 'log-stopped':
        if (session === undefined) return;
        this.logger.warn('ssh session log stopped', { why: message.why });
        session.logStopped = message.why;
        for (const listener of this.listeners['log-stopped']) listener(session.id, message.why);
        return;
      case 'ask': {
        const reply = (answer: WorkerReply): void => {
          worker.postMessage({
            type: 'reply',
            requestId: message.requestId,
            reply: answer,
          } satisfies ToWorker);
        };
        if (session === undefined) {
          reply({ kind: 'cancel' });
          return;
        }
        this.handleQuestion(session, message.question).then(reply, (error: unknown) => {
          this.logger.error('ssh question failed', { error: String(error) });
          reply({ kind: 'cancel' });
        });
        return;
      }
    }
  }

  /** Keeps the answers the user asked to save, now that every hop has logged in with them. */
  private saveAnswers(session: Session): void {
    const saves = session.toSave.splice(0);
    const save = this.options.profiles?.saveSecret?.bind(this.options.profiles);
    if (save === undefined) return;
    for (const { profileId, field, value } of saves) {
      try {
        save(profileId, field, value);
      } catch (error) {
        this.logger.warn('could not save a login answer', { field, error: String(error) });
        // The user asked for it to be kept: the terminal says it was not, and why.
        const what = field === 'password' ? 'password' : 'key passphrase';
        const why = isAppError(error) ? error.message : 'It could not be stored.';
        this.post({
          type: 'notice',
          sessionId: session.id,
          message: `The ${what} was not kept in the vault. ${why}`,
        });
      }
    }
  }

  /** The name of the saved profile a hop's password or passphrase may be kept in, or null. */
  private saveTarget(session: Session, hop: number): { id: string; name: string } | null {
    const profileId = session.hops[hop]?.profileId;
    const profiles = this.options.profiles;
    if (profileId === undefined || profiles?.saveSecret === undefined) return null;
    try {
      return { id: profileId, name: profiles.get(profileId).name };
    } catch {
      return null;
    }
  }

  private async handleQuestion(session: Session, question: WorkerQuestion): Promise<WorkerReply> {
    const { id } = session;
    switch (question.kind) {
      case 'host-key': {
        const hop = session.hops[question.hop];
        if (hop === undefined) return { kind: 'cancel' };
        const verdict = await this.options.hostKeys.verify(
          {
            host: hop.host,
            port: hop.port,
            policy: hop.policy,
            hop: question.hop,
            knownHosts: session.knownHosts,
          },
          Buffer.from(question.key),
          async (hostKey) => {
            const answer = await this.prompts.ask(id, { kind: 'host-key', question: hostKey });
            return answer.kind === 'host-key' ? answer.answer : 'cancel';
          },
          (message) => {
            this.post({ type: 'notice', sessionId: id, message });
          },
        );
        return verdict.accepted
          ? { kind: 'host-key', accepted: true }
          : { kind: 'host-key', accepted: false, reason: verdict.reason };
      }
      case 'keyboard-interactive': {
        const { hop, name, instructions, prompts, retry } = question;
        // Only a round asking for the password alone: a one-time code is not worth keeping.
        const target = asksForPassword(prompts) ? this.saveTarget(session, hop) : null;
        const answer = await this.prompts.ask(id, {
          kind: 'keyboard-interactive',
          hop,
          name,
          instructions,
          prompts,
          retry,
          saveTo: target?.name ?? null,
        });
        if (answer.kind !== 'keyboard-interactive') return { kind: 'cancel' };
        const [password] = answer.answers;
        if (target !== null && password !== undefined && password !== '') {
          keep(session, target.id, 'password', password, answer.save === true);
        }
        return { kind: 'answers', answers: answer.answers };
      }
      case 'passphrase': {
        const target = this.saveTarget(session, question.hop);
        const answer = await this.prompts.ask(id, { ...question, saveTo: target?.name ?? null });
        if (answer.kind !== 'passphrase') return { kind: 'cancel' };
        if (target !== null) {
          keep(session, target.id, 'keyPassphrase', answer.passphrase, answer.save === true);
        }
        return { kind: 'secret', value: answer.passphrase };
      }
      case 'password': {
        const target = this.saveTarget(session, question.hop);
        const answer = await this.prompts.ask(id, { ...question, saveTo: target?.name ?? null });
        if (answer.kind !== 'password') return { kind: 'cancel' };
        if (target !== null) {
          keep(session, target.id, 'password', answer.password, answer.save === true);
        }
        return { kind: 'secret', value: answer.password };
      }
    }
  }
}
