/**
 * Inventory UI benchmark: the browser host in headless Chromium over a store of `size` assets
 * (100 000 by default), seeded without a network through the lab-fleet connector and the real
 * sync engine and inventory storage. Measured in the page:
 *   - keystroke → filtered rows painted (keydown to the frame after the table shows that query);
 *   - scrolling frame rate with the number of row elements;
 *   - inventory page ready after navigating to it from another section.
 * Run with `npm run bench -- inventory [--size N]` after `npx electron-vite build`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { generateFleet } from '../lab/fleet';
import { silentLogger } from '../src/main/core/logger';
import { openStore } from '../src/main/store/open-store';
import { startHostProcess } from '../e2e/support/browser-host-process';
import { chromiumArgs, chromiumPath } from '../e2e/support/electron';
import { figure, percentile, report } from './common';
import { seedInventory, seedLine } from './seeded-inventory';

const passphrase = 'bench passphrase 1';

/** The number of assets in the store at `dir`. */
function countAssets(dir: string): number {
  const store = openStore({ dataDir: dir, logger: silentLogger });
  try {
    return (store.db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n;
  } finally {
    store.close();
  }
}

/**
 * Arms, in the page, a measurement of the next keydown: it resolves with the ms from that
 * keydown event to the frame painted after the table shows the rows of `expected` (the text the
 * box holds once the key is in). Waiting on the expected text, not on whatever the box holds when
 * the key goes down, keeps an answer to the previous text from counting as this one's.
 */
async function armKeystroke(page: Page, expected: string): Promise<void> {
  await page.evaluate((text) => {
    const w = window as unknown as {
      keystroke: Promise<{ ms: number; uiMs: number }>;
      painted: (text: string) => Promise<Painted>;
    };
    w.keystroke = new Promise((resolve) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="inventory-search"]')!;
      input.addEventListener(
        'keydown',
        (event) => {
          void w.painted(text).then(({ at, answerAt }) => {
            resolve({ ms: at - event.timeStamp, uiMs: at - answerAt });
          });
        },
        { once: true },
      );
    });
  }, expected);
}

interface Painted {
  /** When the frame showing the rows was painted. */
  at: number;
  /** When the last message from the core before that arrived: the answer the rows came from. */
  answerAt: number;
}

/**
 * Installed before the page loads: `painted(text)` resolves with the time of the frame painted
 * after the grid shows the rows of the query `text` (its `data-query`), once they are in the DOM,
 * and the arrival time of the core's answer behind them (the last WebSocket message before).
 */
function installPaintProbe(): void {
  const w = window as unknown as {
    painted: (text: string) => Promise<Painted>;
    lastMessageAt: number;
  };
  w.lastMessageAt = 0;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', () => {
        w.lastMessageAt = performance.now();
      });
    }
  };
  w.painted = (text) =>
    new Promise<Painted>((resolve) => {
      const afterPaint = (): void => {
        const answerAt = w.lastMessageAt;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            resolve({ at: performance.now(), answerAt });
          };
          channel.port2.postMessage(null);
        });
      };
      const shown = (): boolean =>
        document.querySelector<HTMLElement>('[data-testid="inventory-grid"]')?.dataset.query ===
        text;
      if (shown()) {
        afterPaint();
        return;
      }
      const observer = new MutationObserver(() => {
        if (!shown()) return;
        observer.disconnect();
        afterPaint();
      });
      observer.observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-query'],
      });
    });
}

/** A brisk typist: about 9 keys a second. */
const typingGapMs = 110;

const words = ['debian', 'web', 'db-0', '10.16.3', 'ubuntu', 'prod', 'cache', 'alma'];

async function clearSearch(page: Page): Promise<void> {
  const search = page.getByTestId('inventory-search');
  await search.fill('');
  await page.waitForFunction(
    () =>
      document.querySelector<HTMLElement>('[data-testid="inventory-grid"]')?.dataset.query === '',
  );
  await search.focus();
}

/** One key at a time, each waiting for its own rows: every prefix of every word is measured. */
async function keystrokes(page: Page): Promise<{ query: string; ms: number; uiMs: number }[]> {
  const times: { query: string; ms: number; uiMs: number }[] = [];
  for (const word of words) {
    await clearSearch(page);
    for (let i = 0; i < word.length; i++) {
      const query = word.slice(0, i + 1);
      await armKeystroke(page, query);
      await page.keyboard.press(word.charAt(i));
      const measured = await page.evaluate(
        () => (window as unknown as { keystroke: Promise<{ ms: number; uiMs: number }> }).keystroke,
      );
      times.push({ query, ...measured });
    }
  }
  await clearSearch(page);
  return times;
}

/**
 * Each word typed at a brisk typist's pace (one key every `gapMs`, not waiting for rows): from
 * the last keydown to the frame showing the whole word's rows. Answers to the earlier prefixes
 * may still be on their way when the last key goes down; this is what superseding them is for.
 */
async function typing(page: Page, gapMs: number): Promise<{ query: string; ms: number }[]> {
  const times: { query: string; ms: number }[] = [];
  for (const word of words) {
    await clearSearch(page);
    // Watch for the word's rows before the first key goes down: they may be painted before
    // `type` returns (it waits `gapMs` after the last key too).
    await page.evaluate((text) => {
      const w = window as unknown as {
        lastKeydown: number;
        typed: Promise<Painted>;
        painted: (text: string) => Promise<Painted>;
      };
      const input = document.querySelector<HTMLInputElement>('[data-testid="inventory-search"]')!;
      input.addEventListener('keydown', (event) => {
        w.lastKeydown = event.timeStamp;
      });
      w.typed = w.painted(text);
    }, word);
    await page.keyboard.type(word, { delay: gapMs });
    const ms = await page.evaluate(async () => {
      const w = window as unknown as { lastKeydown: number; typed: Promise<Painted> };
      return (await w.typed).at - w.lastKeydown;
    });
    times.push({ query: word, ms });
  }
  await clearSearch(page);
  return times;
}

async function scrolling(page: Page, seconds: number) {
  return page.evaluate(async (duration) => {
    const scroller = document.querySelector<HTMLElement>('[data-testid="inventory-scroll"]')!;
    // Start away from the top, where the overscan above the first row is still empty.
    scroller.scrollTop = 28 * 200;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rowCounts = new Set<number>();
    const frames: number[] = [];
    let last = performance.now();
    const start = last;
    await new Promise<void>((resolve) => {
      const step = (now: number): void => {
        frames.push(now - last);
        last = now;
        scroller.scrollTop += 84; // three rows a frame: a brisk scroll through the fleet
        rowCounts.add(document.querySelectorAll('[data-testid="inventory-row"]').length);
        if (now - start < duration * 1000) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    const elapsed = performance.now() - start;
    return {
      fps: (frames.length / elapsed) * 1000,
      frameTimes: frames.slice(1),
      rowCounts: [...rowCounts],
      scrolledRows: Math.round(scroller.scrollTop / 28) - 200,
    };
  }, seconds);
}

async function pageReady(page: Page, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-page').waitFor();
    times.push(
      await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const t0 = performance.now();
            const done = (): boolean => {
              if (!document.querySelector('[data-testid="inventory-row"][data-name]')) return false;
              requestAnimationFrame(() => {
                const channel = new MessageChannel();
                channel.port1.onmessage = () => {
                  resolve(performance.now() - t0);
                };
                channel.port2.postMessage(null);
              });
              return true;
            };
            const observer = new MutationObserver(() => {
              if (done()) observer.disconnect();
            });
            observer.observe(document.body, { childList: true, subtree: true, attributes: true });
            document.querySelector<HTMLElement>('[data-testid="nav-inventory"]')!.click();
          }),
      ),
    );
  }
  return times;
}

export async function benchInventory(size: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rackside-bench-ui-'));
  const seeded = await seedInventory({
    name: 'inventory',
    size,
    seed: 1,
    fleet: generateFleet({ size, seed: 1 }),
    dir,
    passphrase,
  });
  console.log(seedLine(seeded));
  const seedMs = seeded.buildMs;
  const assets = countAssets(dir);
  process.env.RACKSIDE_PASSPHRASE = passphrase;
  const host = await startHostProcess(dir);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // tsx names the functions inside the callbacks evaluated in the page with a `__name` helper.
    await page.addInitScript('window.__name = (fn) => fn');
    await page.addInitScript(installPaintProbe);
    let bytes = 0;
    page.on('websocket', (ws) => {
      ws.on('framereceived', (frame) => {
        bytes +=
          typeof frame.payload === 'string' ? frame.payload.length : frame.payload.byteLength;
      });
    });
    const coldStart = performance.now();
    await page.goto(host.url);
    await page
      .locator('[data-testid="inventory-row"][data-name]')
      .first()
      .waitFor({ timeout: 60_000 });
    const coldMs = performance.now() - coldStart;

    // The app reads its search index once the inventory settles; measure the searches it
    // answers from then on (until then the database answers, as `search` measures).
    const indexLine = await host.logged(/search index ready/, 120_000);
    const indexReady = JSON.parse(indexLine) as { fields?: { ms?: number; mib?: number } };
    const ready = await pageReady(page, 15);
    const perKey = await keystrokes(page);
    const keys = perKey.map((k) => k.ms);
    const uiShare = perKey.map((k) => k.uiMs);
    const typed = await typing(page, typingGapMs);
    const typedMs = typed.map((k) => k.ms);
    await page.getByTestId('inventory-grid').focus();
    const bytesBefore = bytes;
    const scroll = await scrolling(page, 5);
    const scrollBytes = bytes - bytesBefore;

    const frameP95 = percentile(scroll.frameTimes, 95);
    report(
      'inventory',
      [
        figure('keystroke → rows painted p95', percentile(keys, 95), 'ms', undefined, '≤ 50 ms'),
        figure('keystroke → rows painted p50', percentile(keys, 50), 'ms'),
        figure('keystroke → rows painted max', Math.max(...keys), 'ms'),
        figure('answer landed → rows painted p95', percentile(uiShare, 95), 'ms'),
        figure(
          `typing (${String(typingGapMs)} ms/key): last key → rows p95`,
          percentile(typedMs, 95),
          'ms',
          undefined,
          '≤ 50 ms',
        ),
        figure('scrolling frame rate', scroll.fps, 'fps', undefined, '≥ 54 fps'),
        figure('scrolling frame time p95', frameP95, 'ms'),
        figure('row elements while scrolling (max)', Math.max(...scroll.rowCounts), 'rows'),
        figure('row elements while scrolling (min)', Math.min(...scroll.rowCounts), 'rows'),
        figure('rows scrolled through', scroll.scrolledRows, 'rows'),
        figure('bytes received while scrolling', scrollBytes, 'bytes'),
        figure(
          'page ready after navigation p95',
          percentile(ready, 95),
          'ms',
          undefined,
          '≤ 300 ms',
        ),
        figure('page ready after navigation p50', percentile(ready, 50), 'ms'),
        figure('first load after the vault opens', coldMs, 'ms'),
        figure('search index read in the background', (indexReady.fields?.ms ?? 0) / 1000, 's'),
        figure('search index memory', indexReady.fields?.mib ?? 0, 'MiB'),
      ],
      {
        assets,
        seedSeconds: seedMs === null ? 'copied from the cache' : Math.round(seedMs / 100) / 10,
        seededWith: 'lab-fleet connector through SyncEngine into the real store (no network)',
        browser: 'headless Chromium against the browser host, 1280×800',
        keystrokes: perKey.map((k) => ({
          query: k.query,
          ms: Math.round(k.ms * 10) / 10,
          afterAnswerMs: Math.round(k.uiMs * 10) / 10,
        })),
        typing: typed.map((k) => ({ query: k.query, ms: Math.round(k.ms * 10) / 10 })),
        navigations: ready.length,
      },
    );
  } finally {
    await browser.close();
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
