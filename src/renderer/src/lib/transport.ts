import type { Result } from '../../../shared/result';

/** What the bridge needs from a host: Electron's preload or the browser host's WebSocket. */
export interface Transport {
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>;
  on(name: string, listener: (payload: unknown) => void): () => void;
  onConnectionChange?(listener: (connected: boolean) => void): () => void;
}

/** The object the Electron preload exposes as `window.rackside`. */
export interface PreloadApi {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(name: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    rackside?: PreloadApi;
  }
}

export function preloadTransport(api: PreloadApi): Transport {
  return {
    invoke: async (channel, payload) => (await api.invoke(channel, payload)) as Result<unknown>,
    on: (name, listener) => api.on(name, listener),
  };
}
