import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { closeBeforeQuit } from './close-before-quit';

/** Electron's quit sequence in small: `quit()` emits `will-quit`, and quits unless prevented. */
class FakeApp extends EventEmitter {
  exited = false;
  quit(): void {
    const event = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    this.emit('will-quit', event);
    if (!event.prevented) this.exited = true;
  }
}

describe('closing before the app quits', () => {
  it('holds the quit until everything is closed, then quits once', async () => {
    const app = new FakeApp();
    let finish: () => void = () => undefined;
    let closes = 0;
    closeBeforeQuit(
      app,
      () => {
        closes += 1;
        return new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
      { limitMs: 5000, logger: silentLogger },
    );
    app.quit();
    app.quit(); // a second Cmd+Q while closing
    expect(app.exited).toBe(false);
    expect(closes).toBe(1);
    finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(app.exited).toBe(true);
    expect(closes).toBe(1);
  });

  it('quits anyway when closing hangs or fails', async () => {
    const hanging = new FakeApp();
    closeBeforeQuit(hanging, () => new Promise<void>(() => undefined), {
      limitMs: 20,
      logger: silentLogger,
    });
    hanging.quit();
    expect(hanging.exited).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(hanging.exited).toBe(true);

    const failing = new FakeApp();
    closeBeforeQuit(failing, () => Promise.reject(new Error('disk gone')), {
      limitMs: 5000,
      logger: silentLogger,
    });
    failing.quit();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failing.exited).toBe(true);
  });
});
