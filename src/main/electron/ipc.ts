import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { ipcChannels } from '../../shared/channels';
import { AppError } from '../../shared/errors';
import type { Result } from '../../shared/result';
import type { Core } from '../app/create-core';
import type { Logger } from '../core/logger';

/**
 * Binds the contract to IPC. Before the router sees a payload, the sender must be our window's
 * top frame at our own origin — a frame from anywhere else gets `forbidden`.
 */
export function bindContract(
  core: Core,
  options: {
    window: () => BrowserWindow | undefined;
    allowedOrigins: readonly string[];
    logger: Logger;
  },
): () => void {
  const isTrusted = (event: IpcMainInvokeEvent): boolean => {
    const window = options.window();
    const frame = event.senderFrame;
    if (!window || frame === null || event.sender !== window.webContents) return false;
    if (frame !== event.sender.mainFrame) return false;
    try {
      // URL.origin is "null" for custom schemes such as app://, so compare scheme and host.
      const url = new URL(frame.url);
      return options.allowedOrigins.includes(`${url.protocol}//${url.host}`);
    } catch {
      return false;
    }
  };

  ipcMain.handle(ipcChannels.invoke, async (event, channel: unknown, payload: unknown) => {
    if (!isTrusted(event)) {
      options.logger.warn('refused IPC from an untrusted sender');
      const refused: Result<never> = {
        ok: false,
        error: new AppError('forbidden', 'This sender may not call Rackside').toShape(),
      };
      return refused;
    }
    return core.router.dispatch(channel, payload, { host: 'electron' });
  });

  const unsubscribe = core.events.subscribe((name, payload) => {
    options.window()?.webContents.send(ipcChannels.event, name, payload);
  });

  return () => {
    ipcMain.removeHandler(ipcChannels.invoke);
    unsubscribe();
  };
}
