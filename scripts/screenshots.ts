/**
 * Screenshots for the README: the inventory, an asset's detail, the sync center and the fleet
 * overview, taken in Chromium at 1280×800 against `npm run demo -- --browser` after a sync.
 *
 *   npx tsx scripts/screenshots.ts [--url http://127.0.0.1:PORT/?token=…]
 *
 * Without --url it starts the demo (lab and browser host) on a fresh data folder and stops it
 * afterwards. Writes docs/screenshots/{inventory,asset-detail,sync-center,fleet-overview}.png.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium, expect, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../e2e/support/electron';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'docs', 'screenshots');
const { values } = parseArgs({ options: { url: { type: 'string' } } });

async function startDemo(): Promise<{ url: string; stop: () => void }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rackside-shots-'));
  const child = spawn(
    process.execPath,
    ['scripts/launch.mjs', 'demo', '--browser', '--port', '0', '--data-dir', dataDir],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    const errors = readline.createInterface({ input: child.stderr });
    const look = (line: string): void => {
      const match = /serving at (http:\/\/\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    };
    lines.on('line', look);
    errors.on('line', look);
    child.once('exit', (code) => {
      reject(new Error(`the demo exited with ${String(code)}`));
    });
  });
  return {
    url,
    stop: () => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function syncAll(page: Page): Promise<void> {
  await page.getByTestId('inventory-tab-sync').click();
  await page.getByTestId('sync-all').click();
  const rows = page.getByTestId('sync-row');
  await expect(rows.first()).toBeVisible();
  for (const progress of await page.getByTestId('sync-progress').all()) {
    await expect(progress).toHaveAttribute('data-state', /ok|failed/, { timeout: 180_000 });
  }
  await expect(page.getByTestId('sync-running')).toHaveText('Idle');
}

const demo = values.url === undefined ? await startDemo() : undefined;
const url = values.url ?? demo?.url ?? '';
const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  });
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.getByTestId('inventory-page')).toBeVisible({ timeout: 60_000 });
  await syncAll(page);
  await page.screenshot({ path: path.join(out, 'sync-center.png') });

  await page.getByTestId('inventory-tab-overview').click();
  await expect(page.getByTestId('chart-kind')).toBeVisible();
  await page.screenshot({ path: path.join(out, 'fleet-overview.png') });

  await page.getByTestId('inventory-tab-assets').click();
  await page.getByTestId('inventory-search').fill('status:running updates>0');
  await expect(page.getByTestId('inventory-row').first()).toHaveAttribute('data-name', /.+/);
  await page.getByTestId('inventory-search').fill('');
  await expect(page.getByTestId('inventory-row').first()).toHaveAttribute('data-name', /.+/);
  await page.getByTestId('inventory-grid').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.screenshot({ path: path.join(out, 'inventory.png') });

  await page.getByTestId('inventory-search').fill('source:proxmox source:patchmon source:foreman');
  await expect(page.getByTestId('inventory-row').first()).toHaveAttribute('data-name', /.+/);
  await page.getByTestId('inventory-row').first().click();
  await expect(page.getByTestId('asset-detail')).toHaveAttribute('data-name', /.+/);
  await page.getByTestId('detail-tab-links').click();
  await page.screenshot({ path: path.join(out, 'asset-detail.png') });
  console.log(`Screenshots written to ${path.relative(process.cwd(), out)}`);
} finally {
  await browser.close();
  demo?.stop();
}
