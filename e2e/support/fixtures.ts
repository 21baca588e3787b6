import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  _electron as electron,
  chromium,
  test as base,
  type Browser,
  type ElectronApplication,
  type Page,
} from '@playwright/test';
import { ShellPage } from '../pages/shell-page';
import { VaultPage } from '../pages/vault-page';
import { startHostProcess, repoRoot, type HostProcess } from './browser-host-process';
import { chromiumArgs, chromiumPath, electronBinary } from './electron';

/** One running Rackside — the Electron app or the browser host in Chromium — on its own data dir. */
export interface RacksideApp {
  kind: 'electron' | 'browser';
  page: Page;
  shell: ShellPage;
  vault: VaultPage;
  /** The vault passphrase the fixture set up (see the `vaultSetup` option). */
  passphrase: string;
  dataDir: string;
  /** The browser host process, in browser mode. */
  host: HostProcess | undefined;
  /** The Electron application, in Electron mode. */
  electronApp: ElectronApplication | undefined;
  /**
   * Quits and starts Rackside again on the same data dir, as a user relaunching it would, and
   * unlocks the vault unless told not to. `whileStopped` runs between the two: what another
   * program (the CLI, the user) does to the data folder while Rackside is not running.
   */
  restart(options?: RestartOptions): Promise<void>;
}

export interface RestartOptions {
  unlock?: boolean;
  whileStopped?: () => Promise<void>;
}

export const testPassphrase = 'correct horse battery staple';

interface Fixtures {
  /** Set up the vault on first start so tests begin in the unlocked app (default true). */
  vaultSetup: boolean;
  app: RacksideApp;
}

interface WorkerFixtures {
  chromiumBrowser: Browser | undefined;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  chromiumBrowser: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their deps
    async ({}, use) => {
      if (electronBinary()) {
        await use(undefined);
        return;
      }
      const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],

  vaultSetup: [true, { option: true }],

  app: async ({ chromiumBrowser, vaultSetup }, use) => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rackside-e2e-'));
    const binary = electronBinary();
    const app = binary
      ? await launchElectron(binary, dataDir)
      : await launchBrowser(chromiumBrowser!, dataDir);
    if (vaultSetup) {
      await app.vault.setup(testPassphrase);
      await app.shell.waitReady();
    }
    await use(app);
    await app.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';

async function launchElectron(binary: string, dataDir: string) {
  let electronApp = await electron.launch({
    executablePath: binary,
    args: [path.join(repoRoot, 'out/main/index.js'), `--data-dir=${dataDir}`],
    cwd: repoRoot,
  });
  let page = await electronApp.firstWindow();
  const app: RacksideApp & { close(): Promise<void> } = {
    kind: 'electron',
    page,
    shell: new ShellPage(page),
    vault: new VaultPage(page),
    passphrase: testPassphrase,
    dataDir,
    host: undefined,
    electronApp,
    restart: async (options) => {
      await electronApp.close();
      await options?.whileStopped?.();
      electronApp = await electron.launch({
        executablePath: binary,
        args: [path.join(repoRoot, 'out/main/index.js'), `--data-dir=${dataDir}`],
        cwd: repoRoot,
      });
      page = await electronApp.firstWindow();
      Object.assign(app, {
        page,
        shell: new ShellPage(page),
        vault: new VaultPage(page),
        electronApp,
      });
      await afterRestart(app, options);
    },
    close: () => electronApp.close(),
  };
  return app;
}

async function launchBrowser(browser: Browser, dataDir: string) {
  let host = await startHostProcess(dataDir);
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  const page = await context.newPage();
  await page.goto(host.url);
  const app: RacksideApp & { close(): Promise<void> } = {
    kind: 'browser',
    page,
    shell: new ShellPage(page),
    vault: new VaultPage(page),
    passphrase: testPassphrase,
    dataDir,
    host,
    electronApp: undefined,
    restart: async (options) => {
      await host.stop();
      await options?.whileStopped?.();
      host = await startHostProcess(dataDir);
      app.host = host;
      await page.goto(host.url);
      await afterRestart(app, options);
    },
    close: async () => {
      await context.close();
      await host.stop();
    },
  };
  return app;
}

async function afterRestart(app: RacksideApp, options: RestartOptions = {}): Promise<void> {
  if (options.unlock === false) return;
  await app.vault.unlock(app.passphrase);
  await app.shell.waitReady();
}
