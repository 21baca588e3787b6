import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ipcChannels, isCommandName, isEventName, isPortPurpose } from '../shared/channels';

/**
 * The whole surface the renderer gets: invoke a listed command, listen to a listed event.
 * ipcRenderer itself never crosses the bridge.
 */
const api = {
  invoke(channel: string, payload: unknown): Promise<unknown> {
    if (!isCommandName(channel)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'unknown-channel', message: `Unknown command: ${channel}` },
      });
    }
    return ipcRenderer.invoke(ipcChannels.invoke, channel, payload);
  },
  on(name: string, listener: (payload: unknown) => void): () => void {
    if (!isEventName(name)) throw new Error(`Unknown event: ${name}`);
    const wrapped = (_event: IpcRendererEvent, eventName: unknown, payload: unknown): void => {
      if (eventName === name) listener(payload);
    };
    ipcRenderer.on(ipcChannels.event, wrapped);
    return () => {
      ipcRenderer.removeListener(ipcChannels.event, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('rackside', api);

/**
 * Terminal streams: MessagePorts from main for listed purposes only. Ports cannot cross the
 * context bridge, so they are handed to the page with window.postMessage, as Electron documents;
 * the page accepts only messages whose source is its own window.
 */
interface PageWindow {
  location: { origin: string };
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
}

ipcRenderer.on(ipcChannels.port, (event, info: unknown) => {
  const ports = (event as unknown as { ports: readonly unknown[] }).ports;
  if (ports.length !== 1 || typeof info !== 'object' || info === null) return;
  const { purpose, id } = info as { purpose?: unknown; id?: unknown };
  if (!isPortPurpose(purpose) || typeof id !== 'string' || id.length > 100) return;
  const page = (globalThis as unknown as { window: PageWindow }).window;
  const origin = page.location.origin;
  page.postMessage({ rackside: 'port', purpose, id }, origin === 'null' ? '*' : origin, [...ports]);
});
