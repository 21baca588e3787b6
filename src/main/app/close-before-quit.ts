import type { Logger } from '../core/logger';

/** The part of Electron's `app` that quitting goes through. */
export interface QuittingApp {
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Holds the app's first quit until `close` has finished — terminal sessions ended, the vault
 * locked, the database closed and its clean close recorded, so the next start can skip the full
 * integrity check — then quits. `close` gets `limitMs`; a close that hangs (a session that
 * never answers) is logged and the app quits anyway.
 */
export function closeBeforeQuit(
  app: QuittingApp,
  close: () => Promise<void>,
  options: { limitMs: number; logger: Logger },
): void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  app.on('will-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, options.limitMs);
    });
    Promise.race([close().then(() => 'closed' as const), limit])
      .then((outcome) => {
        if (outcome === 'timeout') {
          options.logger.warn('closing took too long; quitting anyway', {
            limitMs: options.limitMs,
          });
        }
      })
      .catch((error: unknown) => {
        options.logger.error('closing failed; quitting anyway', { error });
      })
      .finally(() => {
        clearTimeout(timer);
        state = 'closed';
        app.quit();
      });
  });
}
