import type { Notice } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { EventHub } from '../core/events';

interface Posted {
  notice: Notice;
  onDismiss: (() => void) | undefined;
}

/**
 * The notices every window shows over its screens, in the order posted. Dismissing one in any
 * window takes it away in all of them (`notices:changed`).
 */
export class NoticeBoard {
  readonly #posted = new Map<string, Posted>();

  constructor(private readonly events: EventHub) {}

  /** Shows a notice (replacing one of its id); `onDismiss` runs when the user dismisses it. */
  post(notice: Notice, onDismiss?: () => void): void {
    this.#posted.set(notice.id, { notice, onDismiss });
    this.events.emit('notices:changed', this.list());
  }

  /** Takes a notice away whose cause is gone (dealt with elsewhere); none of that id is fine. */
  withdraw(id: string): void {
    if (this.#posted.delete(id)) this.events.emit('notices:changed', this.list());
  }

  list(): Notice[] {
    return [...this.#posted.values()].map((posted) => posted.notice);
  }

  /** Takes a notice away; one already gone (dismissed in another window) is not an error. */
  dismiss(id: string): Notice[] {
    const posted = this.#posted.get(id);
    if (posted === undefined) return this.list();
    if (!posted.notice.dismissible) {
      throw new AppError('bad-request', 'This notice goes away by itself once its cause does.');
    }
    posted.onDismiss?.();
    this.#posted.delete(id);
    this.events.emit('notices:changed', this.list());
    return this.list();
  }
}
