import { z } from 'zod';
import type { EventName } from './channels';
import { largestRequestBytes } from './contract';
import type { Result } from './result';

/**
 * Frames on the browser host's WebSocket. A call carries an id that its result echoes; events are
 * pushed. The channel and payload inside a call are checked by the router like any IPC request.
 */
export const CallFrame = z
  .object({
    type: z.literal('call'),
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    channel: z.string().max(100),
    payload: z.unknown(),
  })
  .strict();
export type CallFrame = z.infer<typeof CallFrame>;

/**
 * The largest call frame the browser host reads: the largest request any command accepts, plus
 * the frame around it (type, id, channel). Anything bigger ends the socket (WebSocket close 1009)
 * unread, so the page refuses such a call itself, as the router would, and never sends it.
 */
export const maxCallFrameBytes = largestRequestBytes + 1024;

export interface ResultFrame {
  type: 'result';
  id: number;
  result: Result<unknown>;
}

export interface EventFrame {
  type: 'event';
  name: EventName;
  payload: unknown;
}

export type ServerFrame = ResultFrame | EventFrame;

/** Path of the contract WebSocket on the browser host. */
export const rpcPath = '/rpc';
/** Query parameter carrying the one-time token. */
export const tokenParam = 'token';
