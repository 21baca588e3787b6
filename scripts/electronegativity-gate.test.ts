import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../src/main/test-support/temp-dir';
import { runGate } from './electronegativity-gate';

const tempDir = useTempDirs();

async function buildWith(mainSource: string): Promise<string> {
  const dir = await tempDir();
  await fs.mkdir(path.join(dir, 'main'));
  await fs.writeFile(path.join(dir, 'main', 'index.js'), mainSource);
  return dir;
}

describe('the electronegativity gate', () => {
  it('fails a build whose window turns Node integration on and isolation off', async () => {
    const dir = await buildWith(`
      const { BrowserWindow } = require('electron');
      class Holder { #w; open() { this.#w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } }); } }
      new Holder().open();
    `);
    const report = await runGate(dir, []);
    expect(report.ok).toBe(false);
    expect(report.unparsed).toEqual([]);
    expect(report.unexpected.map((i) => i.id)).toEqual(
      expect.arrayContaining(['NODE_INTEGRATION_JS_CHECK', 'CONTEXT_ISOLATION_JS_CHECK']),
    );
  }, 60_000);

  it('fails when a reviewed exception no longer matches anything', async () => {
    const dir = await buildWith(`
      const { BrowserWindow } = require('electron');
      new BrowserWindow({ webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, disableBlinkFeatures: 'Auxclick' } });
    `);
    const stale = {
      check: 'OPEN_EXTERNAL_JS_CHECK',
      file: 'main/index.js',
      reason: 'kept from an old build that opened links',
    };
    const report = await runGate(dir, [stale]);
    expect(report.unusedAllowances).toEqual([stale]);
    expect(report.ok).toBe(false);
  }, 60_000);
});
