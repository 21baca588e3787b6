import { MessageChannelMain, type BrowserWindow, type MessagePortMain } from 'electron';
import { ipcChannels, type PortPurpose } from '../../shared/channels';
import type { Core } from '../app/create-core';
import type { Logger } from '../core/logger';

/**
 * Electron's terminal streams: for every session the core opens, a MessageChannelMain whose one
 * port stays here (attached to the session's stream) and whose other port goes to our window's
 * top frame — only while that frame shows our own origin, the same check ipc.ts makes for calls.
 * Terminal bytes then never touch the request/response contract.
 */
export function bindTerminalPorts(
  core: Core,
  options: {
    window: () => BrowserWindow | undefined;
    allowedOrigins: readonly string[];
    logger: Logger;
  },
): () => void {
  const ports = new Map<string, MessagePortMain>();

  const ourFrame = (window: BrowserWindow): boolean => {
    try {
      const url = new URL(window.webContents.mainFrame.url);
      return options.allowedOrigins.includes(`${url.protocol}//${url.host}`);
    } catch {
      return false;
    }
  };

  const offOpened = core.terminals.onOpened((sessionId) => {
    const window = options.window();
    if (window === undefined || window.isDestroyed() || !ourFrame(window)) {
      options.logger.warn('no trusted window for a terminal stream');
      return;
    }
    const { port1, port2 } = new MessageChannelMain();
    const attachment = core.terminals.attach(
      sessionId,
      {
        send: (bytes) => {
          // A view's whole backing buffer would be cloned; send exactly its bytes.
          const exact =
            bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
              ? bytes
              : bytes.slice();
          port1.postMessage(exact);
        },
        close: () => {
          port1.close();
        },
      },
      // A port is pushed for a new session (nothing to replay) or to a reloaded window.
      { replay: true },
    );
    if (attachment === null) return;
    ports.get(sessionId)?.close();
    ports.set(sessionId, port1);
    port1.on('message', (event) => {
      const data: unknown = event.data;
      if (!(data instanceof Uint8Array) || !attachment.receive(data)) {
        options.logger.warn('malformed terminal frame from the renderer');
        port1.close();
      }
    });
    port1.on('close', () => {
      attachment.detach();
      if (ports.get(sessionId) === port1) ports.delete(sessionId);
    });
    port1.start();
    const purpose: PortPurpose = 'terminal';
    window.webContents.postMessage(ipcChannels.port, { purpose, id: sessionId }, [port2]);
  });

  return () => {
    offOpened();
    for (const port of ports.values()) port.close();
    ports.clear();
  };
}
