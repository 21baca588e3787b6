import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import type { HostKeyQuestion, PromptAnswer, SessionPrompt } from './session-types';

type PromptBody = SessionPrompt extends infer P
  ? P extends SessionPrompt
    ? Omit<P, 'promptId' | 'sessionId'>
    : never
  : never;

interface Question {
  sessionId: string;
  body: PromptBody;
  resolve: (answer: PromptAnswer) => void;
}

interface Pending extends Question {
  /** For a host-key prompt, the key it asks about (see `sameKey`). */
  about: string | null;
}

/** The host-key prompt on screen for one key, and the questions about that key waiting for it. */
interface HostKeyAsking {
  /** Null between a cancelled prompt and the next waiting question taking its place. */
  promptId: string | null;
  waiting: Question[];
}

/**
 * Questions about the same key: same host, port, key type and fingerprint. A changed key or one
 * of another type is a question of its own, never answered by this one's answer.
 */
const sameKey = (question: HostKeyQuestion): string =>
  JSON.stringify([
    question.host.toLowerCase(),
    question.port,
    question.keyType,
    question.fingerprint,
  ]);

/**
 * Questions sessions put to the user, each with an id the UI answers by. Every question ends
 * exactly once: answered, cancelled by the user, or cancelled because its session closed.
 *
 * One dialog per unknown host key: a session that meets a key another session is already asking
 * about waits for that dialog instead of showing its own (two tabs opened to a new host at once).
 * - "remember": the waiting sessions get it too; trust re-checks the key for each and stores it
 *   once.
 * - "accept once": the waiting sessions connect too, once. The user accepted this exact key for
 *   this moment, and the other tabs were waiting on that very decision; a session that meets the
 *   key after the answer asks again, as "accept once" promises.
 * - cancelled, or its session closed: the next waiting session asks for itself. Cancelling one
 *   dialog may mean "not this tab" as well as "not this key", and asking again never trusts
 *   anything by default — whereas ending the other tabs would leave the user reconnecting each
 *   one only to be asked anyway.
 */
export class PromptBroker {
  private readonly pending = new Map<string, Pending>();
  private readonly hostKeys = new Map<string, HostKeyAsking>();

  constructor(
    private readonly emit: (prompt: SessionPrompt) => boolean,
    private readonly closed: (promptId: string) => void,
    /** A session starts (true) or stops (false) waiting on another session's host-key dialog. */
    private readonly waiting: (sessionId: string, waiting: boolean) => void = () => undefined,
  ) {}

  ask(sessionId: string, body: PromptBody): Promise<PromptAnswer> {
    return new Promise((resolve) => {
      const question: Question = { sessionId, body, resolve };
      if (body.kind !== 'host-key') {
        this.show(question, null);
        return;
      }
      const about = sameKey(body.question);
      const asking = this.hostKeys.get(about);
      if (asking !== undefined) {
        asking.waiting.push(question);
        this.waiting(sessionId, true);
        return;
      }
      this.hostKeys.set(about, { promptId: null, waiting: [] });
      this.show(question, about);
    });
  }

  /** The prompts on screen for `sessionId`, as they were shown (to show them again). */
  shownFor(sessionId: string): SessionPrompt[] {
    return [...this.pending].flatMap(([promptId, pending]) =>
      pending.sessionId === sessionId ? [{ ...pending.body, promptId, sessionId }] : [],
    );
  }

  answer(promptId: string, answer: PromptAnswer): void {
    const pending = this.pending.get(promptId);
    if (pending === undefined) {
      throw new AppError('not-found', 'This prompt was already answered or its session closed.');
    }
    if (answer.kind !== 'cancel' && answer.kind !== pending.body.kind) {
      throw new AppError(
        'bad-request',
        `Prompt ${promptId} asks for ${pending.body.kind}, not ${answer.kind}.`,
      );
    }
    this.settle(promptId, answer);
  }

  cancelSession(sessionId: string): void {
    for (const [promptId, pending] of this.pending) {
      if (pending.sessionId === sessionId) this.settle(promptId, { kind: 'cancel' });
    }
    // Questions that wait have no dialog to close.
    for (const asking of this.hostKeys.values()) {
      const ending = asking.waiting.filter((question) => question.sessionId === sessionId);
      if (ending.length === 0) continue;
      asking.waiting = asking.waiting.filter((question) => question.sessionId !== sessionId);
      for (const question of ending) question.resolve({ kind: 'cancel' });
    }
  }

  private show(question: Question, about: string | null): void {
    const promptId = randomUUID();
    this.pending.set(promptId, { ...question, about });
    if (about !== null) {
      const asking = this.hostKeys.get(about);
      if (asking !== undefined) asking.promptId = promptId;
    }
    const prompt = { ...question.body, promptId, sessionId: question.sessionId } as SessionPrompt;
    // Nobody to ask (no UI attached): the question is cancelled, never answered by default.
    if (!this.emit(prompt)) this.settle(promptId, { kind: 'cancel' });
  }

  private settle(promptId: string, answer: PromptAnswer): void {
    const pending = this.pending.get(promptId);
    if (pending === undefined) return;
    this.pending.delete(promptId);
    pending.resolve(answer);
    this.closed(promptId);
    if (pending.about !== null) this.hostKeyAnswered(pending.about, answer);
  }

  private hostKeyAnswered(about: string, answer: PromptAnswer): void {
    const asking = this.hostKeys.get(about);
    if (asking === undefined) return;
    asking.promptId = null;
    if (answer.kind === 'host-key' && answer.answer !== 'cancel') {
      this.hostKeys.delete(about);
      for (const question of asking.waiting) {
        this.waiting(question.sessionId, false);
        question.resolve(answer);
      }
      return;
    }
    // Taken over on a later microtask: when several sessions close together (the worker
    // stopped, the app quits) the others drop out first, instead of flashing a dialog.
    queueMicrotask(() => {
      this.takeOver(about);
    });
  }

  /** The first question still waiting on a cancelled host-key prompt is shown in its place. */
  private takeOver(about: string): void {
    const asking = this.hostKeys.get(about);
    // Gone, or another question took over already.
    if (asking?.promptId !== null) return;
    const next = asking.waiting.shift();
    if (next === undefined) {
      this.hostKeys.delete(about);
      return;
    }
    this.waiting(next.sessionId, false);
    this.show(next, about);
  }
}
