import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import type { PromptAnswer, SessionPrompt } from './session-types';

type PromptBody = SessionPrompt extends infer P
  ? P extends SessionPrompt
    ? Omit<P, 'promptId' | 'sessionId'>
    : never
  : never;

interface Pending {
  sessionId: string;
  kind: SessionPrompt['kind'];
  resolve: (answer: PromptAnswer) => void;
}

/**
 * Questions sessions put to the user, each with an id the UI answers by. Every question ends
 * exactly once: answered, cancelled by the user, or cancelled because its session closed.
 */
export class PromptBroker {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly emit: (prompt: SessionPrompt) => boolean,
    private readonly closed: (promptId: string) => void,
  ) {}

  ask(sessionId: string, body: PromptBody): Promise<PromptAnswer> {
    const promptId = randomUUID();
    return new Promise((resolve) => {
      this.pending.set(promptId, { sessionId, kind: body.kind, resolve });
      const prompt = { ...body, promptId, sessionId } as SessionPrompt;
      // Nobody to ask (no UI attached): the question is cancelled, never answered by default.
      if (!this.emit(prompt)) this.settle(promptId, { kind: 'cancel' });
    });
  }

  answer(promptId: string, answer: PromptAnswer): void {
    const pending = this.pending.get(promptId);
    if (pending === undefined) {
      throw new AppError('not-found', 'This prompt was already answered or its session closed.');
    }
    if (answer.kind !== 'cancel' && answer.kind !== pending.kind) {
      throw new AppError(
        'bad-request',
        `Prompt ${promptId} asks for ${pending.kind}, not ${answer.kind}.`,
      );
    }
    this.settle(promptId, answer);
  }

  cancelSession(sessionId: string): void {
    for (const [promptId, pending] of this.pending) {
      if (pending.sessionId === sessionId) this.settle(promptId, { kind: 'cancel' });
    }
  }

  private settle(promptId: string, answer: PromptAnswer): void {
    const pending = this.pending.get(promptId);
    if (pending === undefined) return;
    this.pending.delete(promptId);
    pending.resolve(answer);
    this.closed(promptId);
  }
}
