import type { Notice } from '../../shared/contract';
import type { EventHub } from '../core/events';

/** The notices the core pushes next that `ready` accepts (by their ids). */
export function noticesOnceThey(
  events: EventHub,
  ready: (ids: string[]) => boolean,
): Promise<Notice[]> {
  return new Promise((resolve) => {
    const off = events.subscribe((name, payload) => {
      if (name !== 'notices:changed') return;
      const notices = payload as Notice[];
      if (!ready(notices.map((n) => n.id))) return;
      off();
      resolve(notices);
    });
  });
}
