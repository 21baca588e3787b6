import type {
  CommandName,
  EventName,
  EventPayload,
  Request,
  Response,
} from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { preloadTransport, type Transport } from './transport';
import { webSocketTransport } from './ws-transport';

/**
 * The renderer's only way to the core. Under Electron it uses the preload's `window.rackside`;
 * in a plain browser it talks to the browser host over a WebSocket. Components cannot tell which.
 */
export interface Bridge {
  call<K extends CommandName>(channel: K, request: Request<K>): Promise<Result<Response<K>>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
  onConnectionChange(listener: (connected: boolean) => void): () => void;
}

export function createBridge(transport: Transport): Bridge {
  return {
    call: async <K extends CommandName>(channel: K, request: Request<K>) =>
      (await transport.invoke(channel, request)) as Result<Response<K>>,
    on: <K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void) =>
      transport.on(name, (payload) => {
        listener(payload as EventPayload<K>);
      }),
    onConnectionChange: (listener) => transport.onConnectionChange?.(listener) ?? (() => undefined),
  };
}

let instance: Bridge | undefined;

/** Whether Rackside runs in a plain browser (the browser host), not in its own window. */
export function runsInBrowser(): boolean {
  return window.rackside === undefined;
}

export function bridge(): Bridge {
  instance ??= createBridge(
    window.rackside
      ? preloadTransport(window.rackside)
      : webSocketTransport(window.location, window.sessionStorage),
  );
  return instance;
}

/** For tests: use a fake transport instead of a host. */
export function setBridge(next: Bridge | undefined): void {
  instance = next;
}
