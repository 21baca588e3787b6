import type { z } from 'zod';
import {
  commands,
  requestLimit,
  type CommandName,
  type HostKind,
  type ParsedRequest,
  type Response,
} from '../../shared/contract';
import { isCommandName } from '../../shared/channels';
import { AppError, isAppError } from '../../shared/errors';
import type { Result } from '../../shared/result';
import type { Logger } from '../core/logger';
import { noteIfCorruption, storageProblem } from '../db/open-database';

export interface CallContext {
  host: HostKind;
}

export type Handler<K extends CommandName> = (
  request: ParsedRequest<K>,
  context: CallContext,
) => Response<K> | Promise<Response<K>>;

export type Handlers = { [K in CommandName]: Handler<K> };

export interface Router {
  /** Validates and runs one command. Never throws: every outcome is a Result. */
  dispatch(channel: unknown, payload: unknown, context: CallContext): Promise<Result<unknown>>;
}

/**
 * The one gate between a host transport and the core: the channel must be a listed command,
 * the payload must be small and match its strict schema, and only then does a handler run.
 * Hosts check who is calling (sender frame, token) before they reach this.
 */
export function createRouter(handlers: Handlers, logger: Logger): Router {
  return {
    async dispatch(channel, payload, context) {
      if (!isCommandName(channel)) {
        return failure(new AppError('unknown-channel', `Unknown command: ${describe(channel)}`));
      }
      const size = measure(payload);
      if (size === undefined) {
        return failure(new AppError('bad-request', `${channel}: the request is not plain data`));
      }
      const limit = requestLimit(channel);
      if (size > limit) {
        return failure(
          new AppError(
            'payload-too-large',
            `${channel}: the request is ${size} bytes; the limit is ${limit}`,
          ),
        );
      }
      const schema: z.ZodType = commands[channel].request;
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        return failure(new AppError('bad-request', `${channel}: ${formatIssues(parsed.error)}`));
      }
      try {
        const handler = handlers[channel] as Handler<CommandName>;
        const data = await handler(parsed.data as ParsedRequest<CommandName>, context);
        return { ok: true, data };
      } catch (error) {
        if (isAppError(error)) return failure(error);
        logger.error('command failed', { channel, error });
        if (noteIfCorruption(error)) {
          return failure(
            new AppError(
              'internal',
              `${channel} failed: the database is damaged (${(error as Error).message}). Restart Rackside: it checks the file and, if damaged, moves it aside and starts a new one.`,
            ),
          );
        }
        // A full disk, or a data folder Rackside cannot write: the user can act on that.
        const storage = storageProblem(error);
        if (storage !== null) return failure(new AppError('unavailable', storage));
        return failure(new AppError('internal', `${channel} failed unexpectedly; see the log`));
      }
    },
  };
}

function failure(error: AppError): Result<never> {
  return { ok: false, error: error.toShape() };
}

/** Serialized size in bytes, or undefined for values that are not plain JSON data. */
function measure(payload: unknown): number | undefined {
  if (payload === undefined) return 0;
  try {
    const text = JSON.stringify(payload);
    return Buffer.byteLength(text, 'utf8');
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 80));
  return typeof value;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'request';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
