import path from 'node:path';
import { afterEach } from 'vitest';
import { silentLogger } from '../../core/logger';
import type { Store } from '../../store/open-store';
import { unlockedTestStore } from '../../store/test-helpers';
import { HostKeyStore } from '../host-key-store';
import { HostKeyTrust } from '../host-key-trust';
import { SshSessionManager, type SessionManagerOptions } from '../session-manager';
import type { PromptAnswer, SessionPrompt, SessionStatus } from '../session-types';
import type { DirectTarget } from '../session-targets';
import { sourceSshWorker } from '../worker-launch';

export interface Bed {
  store: Store;
  trust: HostKeyTrust;
  manager: SshSessionManager;
  knownHostsFile: string;
  /** Every prompt shown, in order. */
  prompts: SessionPrompt[];
  /** How prompts are answered; the default remembers host keys. */
  answer: (prompt: SessionPrompt) => PromptAnswer;
  /** How long the "user" takes to answer a prompt (default: the next turn). */
  answerDelayMs: number;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A session manager on a fresh unlocked store, its worker from source, cleaned up after the test. */
export async function sessionBed(
  dir: string,
  options: Partial<SessionManagerOptions> = {},
): Promise<Bed> {
  const store = await unlockedTestStore(dir);
  const knownHostsFile = path.join(dir, 'known_hosts');
  const trust = new HostKeyTrust(new HostKeyStore(store.db), {
    knownHostsFile,
    logger: silentLogger,
  });
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
    answer: (prompt) =>
      prompt.kind === 'host-key' ? { kind: 'host-key', answer: 'remember' } : { kind: 'cancel' },
    answerDelayMs: 0,
  };
  manager.on('prompt', (prompt) => {
    bed.prompts.push(prompt);
    // Answered on a later turn, as a UI would.
    setTimeout(() => {
      manager.answer(prompt.promptId, bed.answer(prompt));
    }, bed.answerDelayMs);
  });
  cleanups.push(async () => {
    await manager.dispose();
    store.close();
  });
  return bed;
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
