import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ipcChannels, isCommandName, isEventName } from '../shared/channels';

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
