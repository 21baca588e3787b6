import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';

import {
  asciiToString,
  encodeSentence,
  legacyLoginResponse,
  parseCommand,
  replyWords,
  SentenceDecoder,
  splitApiWord,
  type ParsedCommand,
  type ReplyWordsInput,
  type Sentence,
  type WordInput,
} from '../../src/main/sources/routeros/codec';
import type { FaultInjector, FaultKind } from '../common/faults';
import type { RouterOsDevice } from './device';
import { RosTrap, text, type RosRecord } from './model';
import { runMenuCommand } from './native-menu';
import { SentenceWriter, type ChunkingMode } from './native-writer';

/**
 * Injected native API faults (§5 item 17), fired on the first command after login:
 * `control-byte` writes 0xF8 where a word should start; `close-mid-sentence` writes half a reply
 * and closes; `stall` never answers; `unknown-reply` sends `!xxx` first; `unregistered-tag` sends
 * a `!re` for a tag nobody used first; `fatal` sends `!fatal` and closes.
 */
export type NativeFault =
  'control-byte' | 'close-mid-sentence' | 'stall' | 'unknown-reply' | 'unregistered-tag' | 'fatal';

export interface NativeSessionOptions {
  chunking?: ChunkingMode;
  /** Reply to an unknown command (including node-routeros's `#` keepalive): trap or bare done. */
  unknownCommand?: 'trap' | 'done';
  /** Commands refused before login until the session is closed with `!fatal not logged in`. */
  maxCommandsBeforeLogin?: number;
  /** Send every `!trap` twice before its `!done` (§5 item 6). */
  doubleTrap?: boolean;
  fault?: NativeFault;
  /**
   * The lab's seeded fault plan, decided per command as method `API` and path = command word.
   * HTTP-shaped outcomes map onto the native wire: hang → `stall`, 5xx → `fatal`, 429 → a trap,
   * truncated JSON → `close-mid-sentence`, invalid JSON → `unknown-reply`, wrong content type →
   * `unregistered-tag`; expired or revoked credentials make `/login` fail.
   */
  faults?: FaultInjector | null;
}

interface Running {
  tag: string | undefined;
  controller: AbortController;
}

/** One native API connection: login, tagged concurrent commands, `/cancel`, `/quit`. */
export class NativeSession {
  private readonly decoder = new SentenceDecoder({ maxWordBytes: 64 * 1024 });
  private readonly writer: SentenceWriter;
  private readonly running = new Set<Running>();
  private loggedIn = false;
  private challenge: Uint8Array | undefined;
  private refused = 0;
  private faultPending: boolean;

  constructor(
    private readonly socket: Socket,
    private readonly device: RouterOsDevice,
    private readonly options: NativeSessionOptions = {},
  ) {
    this.writer = new SentenceWriter(socket, options.chunking);
    this.faultPending = options.fault !== undefined;
    socket.on('data', (chunk: Buffer) => {
      this.receive(chunk);
    });
    socket.on('close', () => {
      this.abortAll();
    });
    socket.on('error', () => {
      this.abortAll();
    });
  }

  private receive(chunk: Buffer): void {
    let sentences: Sentence[];
    try {
      sentences = this.decoder.push(chunk);
    } catch {
      // A framing error leaves no way to find the next sentence; RouterOS drops the connection.
      this.socket.destroy();
      return;
    }
    for (const sentence of sentences) {
      if (!this.writer.open) return;
      this.handle(sentence);
    }
  }

  private handle(sentence: Sentence): void {
    let command: ParsedCommand;
    try {
      command = parseCommand(sentence);
    } catch {
      this.unknown(tagOf(sentence), 'no such command prefix');
      return;
    }
    const decision = this.options.faults?.decide('API', command.command);
    if (decision && decision.delayMs > 0) {
      setTimeout(() => {
        this.dispatch(command, decision.kind, decision.credentials !== null);
      }, decision.delayMs);
      return;
    }
    this.dispatch(command, decision?.kind ?? 'none', (decision?.credentials ?? null) !== null);
  }

  private dispatch(command: ParsedCommand, planned: FaultKind, badCredentials: boolean): void {
    if (!this.writer.open) return;
    const { tag } = command;
    if (command.command === '/login') {
      if (badCredentials) this.trap(tag, 'invalid user name or password (6)');
      else this.login(command);
      return;
    }
    if (command.command === '/quit') {
      this.fatal('session terminated on request');
      return;
    }
    if (!this.loggedIn) {
      this.refused += 1;
      if (this.refused >= (this.options.maxCommandsBeforeLogin ?? 3)) this.fatal('not logged in');
      else this.trap(tag, 'not logged in', 5);
      return;
    }
    if (this.faultPending) {
      this.faultPending = false;
      if (this.options.fault !== undefined && this.injectFault(this.options.fault, tag)) return;
    }
    const mapped = plannedFaults[planned];
    if (mapped === 'trap') {
      this.trap(tag, 'too many concurrent requests', 4);
      return;
    }
    if (mapped !== undefined && this.injectFault(mapped, tag)) return;
    if (command.command === '/cancel') {
      this.cancel(text(command.attributes.get('tag')), tag);
      return;
    }
    this.start(command);
  }

  private start(command: ParsedCommand): void {
    const { tag } = command;
    const running: Running = { tag, controller: new AbortController() };
    this.running.add(running);
    const live = (): boolean => this.running.has(running) && this.writer.open;
    const finish = (): void => {
      this.running.delete(running);
    };
    runMenuCommand(this.device, {
      command,
      signal: running.controller.signal,
      record: (item) => {
        if (live()) this.reply('re', { tag, attributes: item });
      },
      empty: () => {
        if (live() && this.device.profile.emptyReply) this.reply('empty', { tag });
      },
      done: (attributes = []) => {
        if (!live()) return;
        finish();
        this.reply('done', { tag, attributes });
      },
    }).then(finish, (error: unknown) => {
      if (!live()) return;
      finish();
      if (error instanceof RosTrap) {
        if (error.message.startsWith('no such command') && this.options.unknownCommand === 'done') {
          this.reply('done', { tag });
        } else {
          this.trap(tag, error.message, error.category);
        }
        return;
      }
      this.trap(tag, error instanceof Error ? error.message : 'failure', 4);
    });
  }

  /**
   * `/cancel [=tag=X]`: each cancelled command gets `!trap =category=2 =message=interrupted`,
   * then the cancel's own `!done`, then each cancelled command's `!done` (§1.7 capture).
   */
  private cancel(target: string | undefined, tag: string | undefined): void {
    const victims = [...this.running].filter(
      (entry) => target === undefined || entry.tag === target,
    );
    for (const victim of victims) {
      this.running.delete(victim);
      victim.controller.abort(new Error('interrupted'));
      this.trapOnce(victim.tag, 'interrupted', 2);
    }
    this.reply('done', { tag });
    for (const victim of victims) this.reply('done', { tag: victim.tag });
  }

  private login(command: ParsedCommand): void {
    const { tag, attributes } = command;
    const mode = this.device.profile.loginMode;
    const name = text(attributes.get('name'));
    const password = attributes.get('password');
    const response = text(attributes.get('response'));
    const accept = (): void => {
      this.loggedIn = true;
      this.refused = 0;
      this.reply('done', { tag });
    };
    if (response !== undefined) {
      const expected =
        this.challenge && mode !== 'modern'
          ? legacyLoginResponse(this.device.password, Buffer.from(this.challenge).toString('hex'))
          : undefined;
      this.challenge = undefined;
      if (expected !== undefined && name === this.device.username && response === expected)
        accept();
      else if (mode === 'modern') this.trap(tag, 'invalid user name or password (6)');
      else this.trap(tag, 'cannot log in');
      return;
    }
    if (mode === 'legacy' || (mode === 'transitional' && password === undefined)) {
      this.challenge = randomBytes(16);
      this.reply('done', {
        tag,
        attributes: [['ret', Buffer.from(this.challenge).toString('hex')]],
      });
      return;
    }
    if (
      name === this.device.username &&
      password !== undefined &&
      Buffer.from(password).equals(Buffer.from(this.device.password))
    ) {
      accept();
    } else {
      this.trap(tag, 'invalid user name or password (6)');
    }
  }

  private injectFault(fault: NativeFault, tag: string | undefined): boolean {
    switch (fault) {
      case 'control-byte':
        this.writer.sendRaw(Uint8Array.of(0xf8));
        this.writer.sendRaw(
          encodeSentence(['!done', ...(tag === undefined ? [] : [`.tag=${tag}`])]),
        );
        return true;
      case 'close-mid-sentence': {
        const bytes = encodeSentence(
          replyWords('re', { tag, attributes: [['name', 'cut-short']] }),
        );
        this.writer.sendRaw(bytes.subarray(0, Math.ceil(bytes.length / 2)));
        this.socket.end();
        return true;
      }
      case 'stall':
        return true;
      case 'fatal':
        this.fatal('injected failure');
        return true;
      case 'unknown-reply':
        this.writer.send(['!xxx', ...(tag === undefined ? [] : [`.tag=${tag}`])]);
        return false;
      case 'unregistered-tag':
        this.writer.send(replyWords('re', { tag: 'never-sent', attributes: [['name', 'stray']] }));
        return false;
    }
  }

  private unknown(tag: string | undefined, message: string): void {
    if (this.options.unknownCommand === 'done') this.reply('done', { tag });
    else this.trap(tag, message, 0);
  }

  private trap(tag: string | undefined, message: string, category?: number): void {
    this.trapOnce(tag, message, category);
    if (this.options.doubleTrap === true) this.trapOnce(tag, message, category);
    this.reply('done', { tag });
  }

  private trapOnce(tag: string | undefined, message: string, category?: number): void {
    const attributes: [string, string][] = [];
    if (category !== undefined) attributes.push(['category', String(category)]);
    attributes.push(['message', message]);
    this.reply('trap', { tag, attributes });
  }

  /** `!fatal` carries its reason as a bare word; the router then closes the connection. */
  private fatal(reason: string): void {
    this.reply('fatal', { bare: [reason] });
    this.writer.flush();
    this.abortAll();
    this.socket.end();
  }

  private reply(
    type: Parameters<typeof replyWords>[0],
    input: Omit<ReplyWordsInput, 'attributes'> & {
      attributes?: RosRecord | readonly (readonly [string, WordInput])[];
    },
  ): void {
    this.writer.send(replyWords(type, input));
  }

  private abortAll(): void {
    for (const entry of this.running) entry.controller.abort(new Error('connection closed'));
    this.running.clear();
  }
}

const plannedFaults: Record<FaultKind, NativeFault | 'trap' | undefined> = {
  none: undefined,
  hang: 'stall',
  'error-5xx': 'fatal',
  'too-many-requests': 'trap',
  'truncated-json': 'close-mid-sentence',
  'invalid-json': 'unknown-reply',
  'wrong-content-type': 'unregistered-tag',
};

/** The `.tag` of a sentence that failed to parse as a command, so its trap can carry it. */
function tagOf(sentence: Sentence): string | undefined {
  for (const word of sentence) {
    const api = splitApiWord(word);
    if (api?.name === '.tag') return asciiToString(api.value);
  }
  return undefined;
}
