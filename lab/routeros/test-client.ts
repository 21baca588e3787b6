import { connect as connectNet, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';

import {
  commandWords,
  encodeSentence,
  legacyLoginResponse,
  parseReply,
  SentenceDecoder,
  type CommandInput,
  type Reply,
  type WordInput,
} from '../../src/main/sources/routeros/codec';

/**
 * A deliberately small native API client for the lab's tests, built on Rackside's codec. It
 * records every reply and lets a test wait for a state instead of sleeping.
 */
export class ApiTestClient {
  readonly received: Reply[] = [];
  /** Rejects with the decoder's or socket's error; resolves when the peer closes cleanly. */
  readonly closed: Promise<void>;
  private readonly decoder = new SentenceDecoder();
  private waiters: { test: () => boolean; resolve: () => void }[] = [];
  private ended = false;
  private failure: Error | undefined;

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        try {
          for (const sentence of this.decoder.push(chunk)) this.received.push(parseReply(sentence));
        } catch (error) {
          this.failure = error instanceof Error ? error : new Error('reply stream failed');
          socket.destroy();
        }
        this.wake();
      });
      socket.on('close', () => {
        try {
          this.decoder.end();
        } catch (error) {
          this.failure ??= error instanceof Error ? error : new Error('reply stream failed');
        }
        this.ended = true;
        this.wake();
        if (this.failure === undefined) resolve();
        else reject(this.failure);
      });
      socket.on('error', (error) => {
        this.failure ??= error;
      });
    });
    // Tests that expect a failure await `closed` themselves.
    this.closed.catch(() => undefined);
  }

  static async connect(port: number, tls?: ConnectionOptions): Promise<ApiTestClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const options = { host: '127.0.0.1', port };
      const socket = tls
        ? connectTls({ ...options, ...tls }, () => {
            resolve(socket);
          })
        : connectNet(options, () => {
            resolve(socket);
          });
      socket.once('error', reject);
    });
    return new ApiTestClient(socket);
  }

  sendWords(words: readonly WordInput[]): void {
    this.socket.write(encodeSentence(words));
  }

  send(input: CommandInput): void {
    this.sendWords(commandWords(input));
  }

  /** Sends a command and resolves with its replies once its `!done` (or a `!fatal`) arrives. */
  async run(input: CommandInput): Promise<Reply[]> {
    const start = this.received.length;
    this.send(input);
    const mine = (): Reply[] =>
      this.received
        .slice(start)
        .filter((reply) => reply.tag === input.tag || reply.type === 'fatal');
    await this.until(() => mine().some((reply) => reply.type === 'done' || reply.type === 'fatal'));
    return mine();
  }

  /** Resolves when `test` holds for the replies so far; rejects if the connection ends first. */
  until(test: (received: Reply[]) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (test(this.received)) {
          resolve();
          return true;
        }
        if (this.ended) {
          reject(
            new Error(
              `connection ended while waiting; failure: ${this.failure?.message ?? 'none'}`,
            ),
          );
          return true;
        }
        return false;
      };
      if (!check()) this.waiters.push({ test: check, resolve: () => undefined });
    });
  }

  /** Plaintext login first; the MD5 challenge only if the router answers with `=ret=` (§1.8). */
  async login(name: string, password: string): Promise<Reply[]> {
    const first = await this.run({ command: '/login', attributes: { name, password } });
    const done = first.find((reply) => reply.type === 'done');
    if (done?.type !== 'done' || done.ret === undefined) return first;
    const response = legacyLoginResponse(password, done.ret);
    return this.run({ command: '/login', attributes: { name, response } });
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    this.waiters = this.waiters.filter((waiter) => !waiter.test());
  }
}
