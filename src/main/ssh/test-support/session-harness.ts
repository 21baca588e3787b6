import { watch } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach } from 'vitest';
import { silentLogger } from '../../core/logger';
import type { Store } from '../../store/open-store';
import { unlockedTestStore } from '../../store/test-helpers';
import { HostKeyStore } from '../host-key-store';
import {
  HostKeyTrust,
  type HostKeyAsk,
  type HostKeyNotice,
  type HostKeyTarget,
  type HostKeyVerdict,
} from '../host-key-trust';
import { SshSessionManager, type SessionManagerOptions } from '../session-manager';
import type { HostKeyQuestion, PromptAnswer, SessionPrompt, SessionStatus } from '../session-types';
import type { DirectTarget } from '../session-targets';
import { sourceSshWorker } from '../worker-launch';

export interface Bed {
  store: Store;
  trust: HostKeyTrust;
  manager: SshSessionManager;
  knownHostsFile: string;
  /** Every prompt shown, in order. */
  prompts: SessionPrompt[];
  /** Every host-key question sessions put to the user: shown, or waiting for one shown. */
  hostKeyQuestions: HostKeyQuestion[];
  /** How prompts are answered; the default remembers host keys. Null: the test answers. */
  answer: (prompt: SessionPrompt) => PromptAnswer | null;
  /** How long the "user" takes to answer a prompt (default: the next turn). */
  answerDelayMs: number;
  /** Resolves when `check` holds after a prompt, a question, or a status of any session. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
}

/** Host-key trust that notes every question it puts to the user before putting it. */
class NotingTrust extends HostKeyTrust {
  constructor(
    store: HostKeyStore,
    options: ConstructorParameters<typeof HostKeyTrust>[1],
    private readonly noted: (question: HostKeyQuestion) => void,
  ) {
    super(store, options);
  }

  override verify(
    target: HostKeyTarget,
    key: Buffer,
    ask: HostKeyAsk,
    notice?: HostKeyNotice,
  ): Promise<HostKeyVerdict> {
    return super.verify(
      target,
      key,
      (question) => {
        this.noted(question);
        return ask(question);
      },
      notice,
    );
  }
}

/** Resolves when `check` holds, checked now and at every `wake`; fails after `timeoutMs`. */
function waiting(): {
  wake: () => void;
  until: (check: () => boolean, what: () => string, timeoutMs: number) => Promise<void>;
} {
  let waiters: (() => void)[] = [];
  return {
    wake: () => {
      for (const waiter of [...waiters]) waiter();
    },
    until: (check, what, timeoutMs) => {
      if (check()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`Timed out waiting for ${what()}`));
        }, timeoutMs);
        const waiter = (): void => {
          if (!check()) return;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== waiter);
          resolve();
        };
        waiters.push(waiter);
      });
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A session manager on a fresh unlocked store, its worker from source, cleaned up after the test. */
export async function sessionBed(
  dir: string,
  options: Partial<SessionManagerOptions> = {},
  trustOptions: Pick<ConstructorParameters<typeof HostKeyTrust>[1], 'readKnownHostsFile'> = {},
): Promise<Bed> {
  const store = await unlockedTestStore(dir);
  const knownHostsFile = path.join(dir, 'known_hosts');
  const events = waiting();
  const hostKeyQuestions: HostKeyQuestion[] = [];
  const trust = new NotingTrust(
    new HostKeyStore(store.db),
    { knownHostsFile, logger: silentLogger, ...trustOptions },
    (question) => {
      hostKeyQuestions.push(question);
      events.wake();
    },
  );
  const manager = new SshSessionManager({
    hostKeys: trust,
    profiles: store.profiles,
    createWorker: sourceSshWorker,
    logger: silentLogger,
    ...options,
  });
  const bed: Bed = {
    store,
    trust,
    manager,
    knownHostsFile,
    prompts: [],
    hostKeyQuestions,
    answer: (prompt) =>
      prompt.kind === 'host-key' ? { kind: 'host-key', answer: 'remember' } : { kind: 'cancel' },
    answerDelayMs: 0,
    until: (check, what, timeoutMs = 15_000) =>
      events.until(
        check,
        () => `${what}. Prompts: ${JSON.stringify(bed.prompts.map((p) => [p.kind, p.sessionId]))}`,
        timeoutMs,
      ),
  };
  manager.on('prompt', (prompt) => {
    bed.prompts.push(prompt);
    events.wake();
    const answer = bed.answer(prompt);
    if (answer === null) return;
    // Answered on a later turn, as a UI would.
    setTimeout(() => {
      manager.answer(prompt.promptId, answer);
    }, bed.answerDelayMs);
  });
  manager.on('prompt-closed', events.wake);
  manager.on('status', events.wake);
  cleanups.push(async () => {
    await manager.dispose();
    store.close();
  });
  return bed;
}

/**
 * Resolves with the text of `file` once it contains `text`. A session log is finished in the
 * background, after its tab already shows the session closed.
 */
export function fileContains(file: string, text: string, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    // Watched before the first read, so a write between the two is not missed.
    const watcher = watch(file);
    const done = (): void => {
      clearTimeout(timer);
      watcher.close();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`Timed out waiting for ${file} to contain ${JSON.stringify(text)}`));
    }, timeoutMs);
    const look = (): void => {
      fs.readFile(file, 'utf8').then(
        (content) => {
          if (!content.includes(text)) return;
          done();
          resolve(content);
        },
        (error: unknown) => {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    };
    watcher.on('change', look);
    look();
  });
}

/** Output and statuses of one session, acknowledged automatically unless told otherwise. */
export class Watch {
  readonly chunks: Buffer[] = [];
  readonly statuses: SessionStatus[] = [];
  private waiters: (() => void)[] = [];
  autoAck = true;

  constructor(
    readonly manager: SshSessionManager,
    readonly id: string,
  ) {
    manager.on('data', (sid, bytes) => {
      if (sid !== id) return;
      this.chunks.push(Buffer.from(bytes));
      if (this.autoAck) manager.ack(id, bytes.byteLength);
      this.wake();
    });
    manager.on('status', (sid, status) => {
      if (sid !== id) return;
      this.statuses.push(status);
      this.wake();
    });
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  last(): SessionStatus | undefined {
    return this.statuses.at(-1);
  }

  /** Resolves when `check` holds after some event; fails after `timeoutMs` with what was seen. */
  until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `Timed out waiting for ${what}. Statuses: ${JSON.stringify(this.statuses)}; output tail: ${JSON.stringify(this.text().slice(-300))}`,
          ),
        );
      }, timeoutMs);
      const waiter = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  state(state: SessionStatus['state']): Promise<void> {
    return this.until(() => this.last()?.state === state, `state ${state}`);
  }

  output(pattern: RegExp | string): Promise<void> {
    return this.until(
      () =>
        typeof pattern === 'string' ? this.text().includes(pattern) : pattern.test(this.text()),
      `output ${String(pattern)}`,
    );
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Opens a session and starts watching before any event can be missed. */
export async function openWatched(
  manager: SshSessionManager,
  ...args: Parameters<SshSessionManager['open']>
): Promise<Watch> {
  // Events arrive from the worker asynchronously, after `open` resolves.
  const id = await manager.open(...args);
  return new Watch(manager, id);
}

/** The target every OpenSSH test logs in to: root on the test sshd with the test client key. */
export function rootWithKey(server: { host: string; port: number }, keyFile: string): DirectTarget {
  return { host: server.host, port: server.port, username: 'root', auth: { mode: 'key', keyFile } };
}
