/**
 * A browser page driven over a bare DevTools connection, for benchmarks that measure what a page
 * does under load.
 *
 * Playwright enables the Network domain on every page and worker it attaches to, and Chromium
 * then reports each WebSocket frame, base64-encoded, to the test process: under a terminal flood
 * that is a second copy of every byte, costing the renderer, the browser process and the test
 * process CPU the app never spends outside a test. A page in a browser context Playwright did not
 * create is left alone by it (it detaches), so a page made here runs as it would for a user. This
 * connection enables only what it uses (Page, and Performance or Profiler when asked).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';

interface Reply {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** One DevTools WebSocket to the browser, with flat sessions to its pages. */
class Connection {
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void; method: string }
  >();
  private readonly listeners = new Set<(message: Reply) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as Reply;
      if (message.id !== undefined) {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined) {
          waiting?.reject(new Error(`${waiting.method}: ${message.error.message}`));
        } else waiting?.resolve(message.result ?? {});
      } else for (const listener of this.listeners) listener(message);
    });
    socket.on('close', () => {
      for (const waiting of this.pending.values()) {
        waiting.reject(new Error(`${waiting.method}: the DevTools connection closed`));
      }
      this.pending.clear();
    });
  }

  static async open(port: number): Promise<Connection> {
    const response = await fetch(`http://127.0.0.1:${String(port)}/json/version`);
    const { webSocketDebuggerUrl } = (await response.json()) as { webSocketDebuggerUrl: string };
    const socket = new WebSocket(webSocketDebuggerUrl, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new Connection(socket);
  }

  send<T = Record<string, unknown>>(
    method: string,
    params: object = {},
    sessionId?: string,
  ): Promise<T> {
    const id = this.next;
    this.next += 1;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (r) => resolve(r as T), reject, method });
      this.socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  /** Resolves with the params of the next `method` event of `sessionId`. */
  once(method: string, sessionId: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const listener = (message: Reply): void => {
        if (message.method !== method || message.sessionId !== sessionId) return;
        this.listeners.delete(listener);
        resolve(message.params ?? {});
      };
      this.listeners.add(listener);
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** Modifier bits of `Input.dispatchKeyEvent`. */
const modifierBits: Record<string, number> = { Alt: 1, Control: 2, Meta: 4, Shift: 8 };

/** What a key sends, as a US keyboard sends it (enough for the benchmarks' keys). */
function keyEvent(key: string): { key: string; code: string; keyCode: number; text: string } {
  if (key === 'Enter') return { key, code: 'Enter', keyCode: 13, text: '\r' };
  if (/^[a-z]$/i.test(key)) {
    const upper = key.toUpperCase();
    return { key, code: `Key${upper}`, keyCode: upper.charCodeAt(0), text: key };
  }
  if (/^[0-9]$/.test(key))
    return { key, code: `Digit${key}`, keyCode: key.charCodeAt(0), text: key };
  if (key.length === 1) return { key, code: '', keyCode: 0, text: key };
  throw new Error(`no key event for "${key}"`);
}

export interface PageOptions {
  width: number;
  height: number;
  /** Script sources run before each document's own scripts. */
  initScripts?: string[];
}

export class CdpPage {
  private constructor(
    private readonly connection: Connection,
    private readonly sessionId: string,
    private readonly contextId: string,
  ) {}

  /** A new page in a browser context of its own, in the browser listening on `port`. */
  static async open(port: number, options: PageOptions): Promise<CdpPage> {
    const connection = await Connection.open(port);
    const { browserContextId } = await connection.send<{ browserContextId: string }>(
      'Target.createBrowserContext',
    );
    const { targetId } = await connection.send<{ targetId: string }>('Target.createTarget', {
      url: 'about:blank',
      browserContextId,
    });
    const { sessionId } = await connection.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    const page = new CdpPage(connection, sessionId, browserContextId);
    await page.send('Page.enable');
    await page.send('Emulation.setDeviceMetricsOverride', {
      width: options.width,
      height: options.height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    for (const source of options.initScripts ?? []) {
      await page.send('Page.addScriptToEvaluateOnNewDocument', { source });
    }
    return page;
  }

  send<T = Record<string, unknown>>(method: string, params: object = {}): Promise<T> {
    return this.connection.send<T>(method, params, this.sessionId);
  }

  async goto(url: string): Promise<void> {
    const loaded = this.connection.once('Page.loadEventFired', this.sessionId);
    const { errorText } = await this.send<{ errorText?: string }>('Page.navigate', { url });
    if (errorText !== undefined) throw new Error(`could not load ${url}: ${errorText}`);
    await loaded;
  }

  /** Runs `fn(arg)` in the page (awaiting a promise it returns) and returns its JSON value. */
  async evaluate<R, A = undefined>(fn: ((arg: A) => R | Promise<R>) | string, arg?: A): Promise<R> {
    const expression =
      typeof fn === 'string'
        ? fn
        : `(${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)})`;
    const { result, exceptionDetails } = await this.send<{
      result: { value?: R };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (exceptionDetails !== undefined) {
      throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    }
    return result.value as R;
  }

  /** Waits until `fn(arg)` is true in the page, checking every animation frame. */
  async waitForFunction<A>(fn: (arg: A) => unknown, arg: A, timeoutMs = 30_000): Promise<void> {
    // Built as source: the app's content security policy refuses `new Function` in the page.
    const met = await this.evaluate<boolean>(
      `new Promise((resolve) => {
        const check = ${fn.toString()};
        const started = performance.now();
        const poll = () => {
          if (check(${JSON.stringify(arg)}) === true) resolve(true);
          else if (performance.now() - started > ${String(timeoutMs)}) resolve(false);
          else requestAnimationFrame(poll);
        };
        poll();
      })`,
    );
    if (!met) throw new Error(`not met within ${String(timeoutMs)} ms: ${fn.toString()}`);
  }

  /** Waits for the element matching `selector` and clicks its middle with the mouse. */
  async click(selector: string): Promise<void> {
    await this.waitForFunction((s) => document.querySelector(s) !== null, selector);
    const box = await this.evaluate((s) => {
      const element = document.querySelector(s);
      element?.scrollIntoView({ block: 'center' });
      const rect = element?.getBoundingClientRect();
      return rect === undefined
        ? null
        : { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
    }, selector);
    if (box === null) throw new Error(`nothing to click at ${selector}`);
    const at = { x: box.x, y: box.y, button: 'left', clickCount: 1 };
    await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: box.x, y: box.y });
    await this.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...at });
    await this.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...at });
  }

  /** Presses a key or a chord such as `Control+C`, as a user would. */
  async press(chord: string): Promise<void> {
    const parts = chord.length > 1 ? chord.split('+') : [chord];
    const key = parts.pop() ?? '';
    let modifiers = 0;
    for (const name of parts) {
      const bit = modifierBits[name];
      if (bit === undefined) throw new Error(`unknown modifier "${name}" in "${chord}"`);
      modifiers |= bit;
      await this.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: name, modifiers });
    }
    await this.key(key, modifiers);
    for (const name of parts.reverse()) {
      modifiers &= ~(modifierBits[name] ?? 0);
      await this.send('Input.dispatchKeyEvent', { type: 'keyUp', key: name, modifiers });
    }
  }

  /** Types `text` key by key. */
  async type(text: string): Promise<void> {
    for (const char of text) await this.key(char, 0);
  }

  private async key(key: string, modifiers: number): Promise<void> {
    const { code, keyCode, text } = keyEvent(key);
    // A chord with Control, Alt or Meta types no text, as on a real keyboard.
    const typed = (modifiers & ~(modifierBits.Shift ?? 0)) === 0 ? text : '';
    const common = { key, code, windowsVirtualKeyCode: keyCode, modifiers };
    await this.send('Input.dispatchKeyEvent', {
      type: typed === '' ? 'rawKeyDown' : 'keyDown',
      text: typed,
      unmodifiedText: typed,
      ...common,
    });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...common });
  }

  waitForTimeout(ms: number): Promise<void> {
    return sleep(ms).then(() => undefined);
  }

  async close(): Promise<void> {
    await this.connection.send('Target.disposeBrowserContext', {
      browserContextId: this.contextId,
    });
    this.connection.close();
  }
}
