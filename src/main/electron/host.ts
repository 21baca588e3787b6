import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog } from 'electron';
import { closeBeforeQuit } from '../app/close-before-quit';
import type { Core } from '../app/create-core';
import { resolveDataDir } from '../core/data-dir';
import { storageProblem } from '../db/open-database';
import { electronNativeBinding } from '../db/sqlite';
import type { Logger } from '../core/logger';
import { bindContract } from './ipc';
import { bindTerminalPorts } from './terminal-ports';
import { appOrigin, registerAppScheme, serveRenderer } from './protocol';
import { hardenApp } from './security';
import { createMainWindow } from './window';

export interface ElectronHostOptions {
  logger: Logger;
  createCore: (context: { dataDir: string; nativeBinding: string | undefined }) => Promise<Core>;
}

/**
 * The Electron app: one instance, one hardened window, the contract over IPC. A renderer crash
 * is logged and the window reloaded; a second launch focuses the first window.
 */
export function startElectronHost(options: ElectronHostOptions): void {
  const { logger } = options;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const dataDirFlag = readFlag(process.argv, '--data-dir');
  if (dataDirFlag !== undefined || process.env.RACKSIDE_DATA_DIR) {
    app.setPath('userData', resolveDataDir({ flag: dataDirFlag }));
  }
  hardenApp(logger);
  registerAppScheme();

  let window: BrowserWindow | undefined;
  let core: Core | undefined;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const allowedOrigins = devServerUrl ? [appOrigin, new URL(devServerUrl).origin] : [appOrigin];

  const openWindow = (): void => {
    window = createMainWindow({
      preload: path.join(here, '../preload/index.cjs'),
      ...(devServerUrl ? { devServerUrl } : {}),
    });
    const opened = window;
    opened.webContents.on('render-process-gone', (_event, details) => {
      logger.error('renderer process gone', { reason: details.reason, exitCode: details.exitCode });
      if (details.reason !== 'clean-exit' && !opened.isDestroyed()) opened.webContents.reload();
    });
    opened.on('unresponsive', () => {
      logger.warn('window unresponsive');
    });
    opened.on('closed', () => {
      if (window === opened) window = undefined;
    });
  };

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('child-process-gone', (_event, details) => {
    logger.error('child process gone', { type: details.type, reason: details.reason });
  });
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception', { error });
  });
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { reason });
  });

  app
    .whenReady()
    .then(async () => {
      core = await options.createCore({
        dataDir: app.getPath('userData'),
        // Development checkouts carry a better-sqlite3 build for Electron's ABI beside the Node
        // one; packaged builds rebuild node_modules for Electron and need no override.
        nativeBinding: app.isPackaged ? undefined : electronNativeBinding(app.getAppPath()),
      });
      serveRenderer(path.join(here, '../renderer'));
      bindContract(core, { window: () => window, allowedOrigins, logger: logger.child('ipc') });
      bindTerminalPorts(core, {
        window: () => window,
        allowedOrigins,
        logger: logger.child('terminal-ports'),
      });
      openWindow();
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openWindow();
      });
    })
    .catch((error: unknown) => {
      logger.error('startup failed', { error });
      dialog.showErrorBox(
        'Rackside could not start',
        storageProblem(error) ?? (error instanceof Error ? error.message : String(error)),
      );
      app.exit(1);
    });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  closeBeforeQuit(app, () => core?.close() ?? Promise.resolve(), {
    limitMs: 5000,
    logger,
  });
}

function readFlag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === name) return argv[i + 1];
    if (arg?.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}
