import { isCommandName } from '../../../shared/channels';
import { maxRequestBytes, requestLimit } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { maxCallFrameBytes, rpcPath, tokenParam, type ServerFrame } from '../../../shared/wire';
import type { Transport } from './transport';

const callTimeoutMs = 60_000;
const maxBackoffMs = 5_000;
const tokenKey = 'rackside.token';

interface Pending {
  resolve: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The contract over the browser host's WebSocket: calls wait for the socket, reconnect with
 * backoff after a drop, and time out with a clear error instead of hanging.
 */
export function webSocketTransport(location: Location, storage: Storage): Transport {
  const token = new URLSearchParams(location.search).get(tokenParam) ?? storage.getItem(tokenKey);
  if (token) storage.setItem(tokenKey, token);
  const url = `ws://${location.host}${rpcPath}?${tokenParam}=${encodeURIComponent(token ?? '')}`;

  let socket: WebSocket | undefined;
  let connected = false;
  let nextId = 1;
  let backoff = 250;
  const pending = new Map<number, Pending>();
  const outbox: string[] = [];
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(connected: boolean) => void>();

  const setConnected = (value: boolean): void => {
    if (connected === value) return;
    connected = value;
    for (const listener of connectionListeners) listener(value);
  };

  const connect = (): void => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      backoff = 250;
      setConnected(true);
      for (const frame of outbox.splice(0)) ws.send(frame);
    };
    ws.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      const frame = JSON.parse(message.data) as ServerFrame;
      if (frame.type === 'result') {
        const call = pending.get(frame.id);
        if (!call) return;
        pending.delete(frame.id);
        clearTimeout(call.timer);
        call.resolve(frame.result);
      } else {
        for (const listener of eventListeners.get(frame.name) ?? []) listener(frame.payload);
      }
    };
    ws.onclose = () => {
      socket = undefined;
      setConnected(false);
      // Calls in flight on a dropped socket have no answer coming; fail them now.
      for (const [id, call] of pending) {
        clearTimeout(call.timer);
        pending.delete(id);
        call.resolve(unavailable('The connection to Rackside was lost; try again.'));
      }
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, maxBackoffMs);
    };
  };
  connect();

  return {
    invoke(channel, payload) {
      const id = nextId++;
      const frame = JSON.stringify({ type: 'call', id, channel, payload });
      // The host ends the socket on a frame this big, unread, and with it every call in flight:
      // refuse it here, as the router refuses a request over its command's limit.
      const bytes = frameBytes(frame);
      if (bytes > maxCallFrameBytes) {
        const limit = isCommandName(channel) ? requestLimit(channel) : maxRequestBytes;
        return Promise.resolve({
          ok: false,
          error: {
            code: 'payload-too-large',
            message: `${channel}: the request is ${bytes} bytes; the limit is ${limit}`,
          },
        });
      }
      return new Promise<Result<unknown>>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({
            ok: false,
            error: { code: 'timeout', message: `${channel} got no answer in time.` },
          });
        }, callTimeoutMs);
        pending.set(id, { resolve, timer });
        if (socket && connected) socket.send(frame);
        else outbox.push(frame);
      });
    },
    on(name, listener) {
      const set = eventListeners.get(name) ?? new Set();
      set.add(listener);
      eventListeners.set(name, set);
      return () => set.delete(listener);
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}

/** UTF-8 size of a frame, counted exactly only where it could pass the limit (a UTF-16 unit is ≤ 3 bytes). */
function frameBytes(frame: string): number {
  if (frame.length * 3 <= maxCallFrameBytes) return frame.length;
  return new TextEncoder().encode(frame).byteLength;
}

function unavailable(message: string): Result<unknown> {
  return { ok: false, error: { code: 'unavailable', message } };
}
