/**
 * What the terminal benchmark measures inside the page it drives: the stream's messages, the
 * time from a key to its paint, and bare xterm.js in the same page as the ceiling of any
 * terminal there.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { CdpPage } from './cdp-page';

const require = createRequire(import.meta.url);
/**
 * The bare xterm.js the page-side functions below use (a type only: those functions run in the
 * page, where nothing of this module exists).
 */
interface BareTerm {
  open(element: HTMLElement): void;
  resize(cols: number, rows: number): void;
  write(data: Uint8Array | string, callback?: () => void): void;
  reset(): void;
  dispose(): void;
}

export const visibleRows = '[data-testid="term-view"][data-visible="true"] .xterm-rows';

export interface ProbeReading {
  messages: number;
  bytes: number;
  largest: number;
  first: number;
  last: number;
  sent: number;
}

/** Counts what the terminal socket carries, from inside the page (installed before load). */
export function installStreamProbe(): void {
  interface Probe extends ProbeReading {
    reset(): void;
    /** A message of `size` bytes of output reached the page. */
    arrived(size: number): void;
  }
  const probe: Probe = {
    messages: 0,
    bytes: 0,
    largest: 0,
    first: 0,
    last: 0,
    sent: 0,
    reset() {
      this.messages = 0;
      this.bytes = 0;
      this.largest = 0;
      this.first = 0;
      this.last = 0;
      this.sent = 0;
    },
    arrived(size) {
      const now = performance.now();
      if (this.messages === 0) this.first = now;
      this.last = now;
      this.messages += 1;
      this.bytes += size;
      this.largest = Math.max(this.largest, size);
    },
  };
  (window as unknown as { __streamProbe: Probe }).__streamProbe = probe;
  const Native = window.WebSocket;
  const send = Object.getOwnPropertyDescriptor(Native.prototype, 'send')?.value as (
    this: WebSocket,
    data: string | ArrayBufferLike | Blob | ArrayBufferView,
  ) => void;
  Native.prototype.send = function (this: WebSocket, data) {
    if (this.url.includes('/term?')) probe.sent += 1;
    send.call(this, data);
  };
  // Output read by the page's reader worker reaches the page as its `data` messages.
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.addEventListener('message', (event: MessageEvent<unknown>) => {
        const data = event.data as { op?: unknown; bytes?: unknown } | null;
        if (data?.op !== 'data' || !(data.bytes instanceof Uint8Array)) return;
        probe.arrived(data.bytes.byteLength);
      });
    }
    override postMessage(
      message: unknown,
      transfer?: Transferable[] | StructuredSerializeOptions,
    ): void {
      if ((message as { op?: unknown } | null)?.op === 'send') probe.sent += 1;
      super.postMessage(message, transfer as Transferable[]);
    }
  };
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      if (!String(url).includes('/term?')) return;
      this.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        probe.arrived(event.data.byteLength);
      });
    }
  };
}

export const readProbe = (page: CdpPage): Promise<ProbeReading> =>
  page.evaluate(() => {
    const { messages, bytes, largest, first, last, sent } = (
      window as unknown as { __streamProbe: ProbeReading }
    ).__streamProbe;
    return { messages, bytes, largest, first, last, sent };
  });

export const resetProbe = (page: CdpPage): Promise<void> =>
  page.evaluate(() => {
    (window as unknown as { __streamProbe: { reset(): void } }).__streamProbe.reset();
  });

/** Waits (in the page, per animation frame) until the visible terminal shows `text`. */
export async function paintedText(page: CdpPage, text: string, timeout = 600_000): Promise<number> {
  return page.evaluate(
    ({ selector, wanted, limit }) =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        const check = (): void => {
          if (document.querySelector(selector)?.textContent.includes(wanted) === true) {
            resolve(performance.now());
          } else if (performance.now() - started > limit) reject(new Error(`no "${wanted}"`));
          else requestAnimationFrame(check);
        };
        check();
      }),
    { selector: visibleRows, wanted: text, limit: timeout },
  );
}

/**
 * Measured in the page: from the keydown of `key` to the first animation frame whose visible
 * terminal satisfies `done`, and how many stream bytes arrived in between.
 */
export async function keyToPaint(
  page: CdpPage,
  key: string,
  done: { prompt: true } | { longerThan: number },
): Promise<() => Promise<{ ms: number; bytesAfter: number }>> {
  // Armed before the key is pressed; the caller presses it, then awaits the returned function.
  await page.evaluate(
    ({ selector, wanted, until }) => {
      const waiting = new Promise<{ ms: number; bytesAfter: number }>((resolve, reject) => {
        const probe = (window as unknown as { __streamProbe: { bytes: number } }).__streamProbe;
        const test = (text: string): boolean =>
          'prompt' in until
            ? /[$#]\s*$/.test(text.trimEnd())
            : text.replace(/\s/g, '').length > until.longerThan;
        const onKey = (event: KeyboardEvent): void => {
          if (event.key.toLowerCase() !== wanted) return;
          document.removeEventListener('keydown', onKey, true);
          const t0 = event.timeStamp;
          const bytes0 = probe.bytes;
          const started = performance.now();
          const poll = (): void => {
            if (test(document.querySelector(selector)?.textContent ?? '')) {
              resolve({ ms: performance.now() - t0, bytesAfter: probe.bytes - bytes0 });
            } else if (performance.now() - started > 30_000) reject(new Error('never painted'));
            else requestAnimationFrame(poll);
          };
          poll();
        };
        document.addEventListener('keydown', onKey, true);
      });
      (window as unknown as { __keyWait: Promise<unknown> }).__keyWait = waiting;
    },
    { selector: visibleRows, wanted: key, until: done },
  );
  return () =>
    page.evaluate(
      () =>
        (window as unknown as { __keyWait: Promise<{ ms: number; bytesAfter: number }> }).__keyWait,
    );
}

/** A bare xterm.js (the library's own build) over the app, with the app's terminal options. */
export async function addBareTerminal(page: CdpPage): Promise<void> {
  // Evaluated rather than added as a script tag: the app's CSP allows only its own scripts.
  await page.evaluate(await fs.readFile(require.resolve('@xterm/xterm/lib/xterm.js'), 'utf8'));
  await page.evaluate(
    ({ rows }) => {
      const host = document.createElement('div');
      host.id = 'bare-xterm';
      const box = document.querySelector(rows)?.closest('[data-testid="term-host"]');
      const rect = box?.getBoundingClientRect();
      host.style.cssText =
        `position:fixed;left:${String(rect?.left ?? 0)}px;top:${String(rect?.top ?? 0)}px;` +
        `width:${String(rect?.width ?? 900)}px;height:${String(rect?.height ?? 500)}px;` +
        'z-index:10000;background:#000';
      document.body.appendChild(host);
      const Terminal = (window as unknown as { Terminal: new (options: object) => BareTerm })
        .Terminal;
      const appTerm = box?.querySelector('.xterm-screen')?.getBoundingClientRect();
      const term = new Terminal({
        allowProposedApi: true,
        scrollback: 10_000,
        cursorBlink: true,
        fontFamily: getComputedStyle(box?.querySelector('.xterm') ?? document.body).fontFamily,
      });
      term.open(host);
      const size = (
        document.querySelector(rows)?.closest('.xterm') as
          (HTMLElement & { dataset: DOMStringMap }) | null
      )?.querySelectorAll('.xterm-rows > div').length;
      const cols = Math.max(2, Math.floor((appTerm?.width ?? 900) / 9));
      term.resize(cols, Math.max(2, size ?? 24));
      (window as unknown as { __bare: BareTerm }).__bare = term;
    },
    { rows: visibleRows },
  );
}

/** Bare xterm.js: the same printable output written in 64 KiB chunks, until painted. */
export function bareThroughput(page: CdpPage, bytes: number): Promise<number> {
  return page.evaluate(async (total) => {
    const term = (window as unknown as { __bare: BareTerm }).__bare;
    term.reset();
    const line = `${'AAAA'.repeat(50)}\r\n`;
    const block = new TextEncoder().encode(line.repeat(Math.floor(65_536 / line.length)));
    const started = performance.now();
    let written = 0;
    await new Promise<void>((resolve) => {
      while (written < total) {
        const chunk = block.subarray(0, Math.min(block.byteLength, total - written));
        written += chunk.byteLength;
        term.write(chunk, written >= total ? resolve : undefined);
      }
    });
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return (performance.now() - started) / 1000;
  }, bytes);
}
/** Bare xterm.js: one character written → painted, p50 over `count` characters. */
export function bareEcho(page: CdpPage, count: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const term = (window as unknown as { __bare: BareTerm }).__bare;
    term.reset();
    const rows = (): string =>
      (document.querySelector('#bare-xterm .xterm-rows')?.textContent ?? '').replace(/\s/g, '');
    const times: number[] = [];
    for (let i = 0; i < n; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const before = rows().length;
      const t0 = performance.now();
      term.write(String(i % 10));
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (rows().length > before) resolve();
          else requestAnimationFrame(check);
        };
        check();
      });
      times.push(performance.now() - t0);
    }
    return times;
  }, count);
}
/** Renderer main-thread time by kind (seconds), from CDP's cumulative metrics. */
export async function rendererBusy(cdp: CdpPage): Promise<Record<string, number>> {
  const { metrics } = await cdp.send<{ metrics: { name: string; value: number }[] }>(
    'Performance.getMetrics',
  );
  const wanted = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'];
  return Object.fromEntries(
    metrics.filter((m) => wanted.includes(m.name)).map((m) => [m.name, m.value]),
  );
}

/** Renderer JS heap (MiB) and DOM nodes after forced garbage collection. */
export async function rendererMemory(cdp: CdpPage): Promise<{ heapMiB: number; nodes: number }> {
  for (let i = 0; i < 3; i += 1) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send<{ metrics: { name: string; value: number }[] }>(
    'Performance.getMetrics',
  );
  const metric = (name: string): number => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { heapMiB: metric('JSHeapUsedSize') / 2 ** 20, nodes: metric('Nodes') };
}
