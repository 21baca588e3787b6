import { MessageChannelMain, type BrowserWindow, type MessagePortMain } from 'electron';
import { ipcChannels, type PortPurpose } from '../../shared/channels';
import { refusedFrameReason, terminalFrame, type TerminalPortClose } from '../../shared/ssh';
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

  /**
   * Pushes a port for `sessionId` to the window. `replay`: a new session or a reloaded window, shown
   * the session's latest output first; without, the same page taking the stream up again.
   */
  const push = (sessionId: string, replay: boolean): void => {
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
      { replay },
    );
    if (attachment === null) return;
    ports.get(sessionId)?.close();
    ports.set(sessionId, port1);
    let inputTaken = 0;
    let refused = false;
    /**
     * Nothing after a refused frame is taken (what was typed would run with a piece missing). The
     * page is told why the port closes and how much input it took, as a socket's close says, and
     * gets a new port for what it types next.
     */
    const refuse = (close: number, what: string): void => {
      refused = true;
      options.logger.warn('malformed terminal frame from the renderer');
      const notice: TerminalPortClose = { close, reason: refusedFrameReason(what, inputTaken) };
      port1.postMessage(notice);
      port1.close();
      attachment.detach();
      push(sessionId, false);
    };
    port1.on('message', (event) => {
      if (refused) return;
      const data: unknown = event.data;
      if (!(data instanceof Uint8Array)) {
        refuse(1003, 'binary frames only');
        return;
      }
      if (!attachment.receive(data)) {
        refuse(1007, 'malformed frame');
        return;
      }
      if (data[0] === terminalFrame.input) inputTaken += data.byteLength - 1;
    });
    port1.on('close', () => {
      attachment.detach();
      if (ports.get(sessionId) === port1) ports.delete(sessionId);
    });
    port1.start();
    const purpose: PortPurpose = 'terminal';
    window.webContents.postMessage(ipcChannels.port, { purpose, id: sessionId }, [port2]);
  };

  // A port is pushed for a new session (nothing to replay) or to a reloaded window.
  const offOpened = core.terminals.onOpened((sessionId) => {
    push(sessionId, true);
  });

  return () => {
    offOpened();
    for (const port of ports.values()) port.close();
    ports.clear();
  };
}
