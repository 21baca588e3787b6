import type { Worker } from 'node:worker_threads';
import type { Logger } from '../core/logger';
import { sourceWorker } from '../core/source-worker';
import { assertUnmoved, databaseMovedCode, fileIdentity } from '../db/file-identity';
import type { Sqlite } from '../db/sqlite';
import { correlateIfDirty, type CorrelationSummary } from './asset-store';

/**
 * Re-correlates the inventory if its records changed (see `correlateIfDirty`). The sync engine
 * calls it when the last running sync ends.
 */
export type Correlator = (now: Date) => Promise<CorrelationSummary | null>;

/** What the correlation worker is told: the database, and how to open it. */
export interface CorrelationRequest {
  file: string;
  /** The file's identity (`fileIdentity`) when the core opened it: the worker writes only to it. */
  identity: string | null;
  nativeBinding: string | undefined;
  /** The correlation's time, in milliseconds since the epoch. */
  now: number;
}

export type CorrelationReply =
  | { ok: true; summary: CorrelationSummary | null }
  | { ok: false; message: string; code: string | null };

/** Starts one correlation worker thread; the host picks the factory that fits how it runs. */
export type CorrelationWorkerFactory = (request: CorrelationRequest) => Worker;

/**
 * The worker from TypeScript source (see `sourceWorker`), for code run by tsx or Vitest. Bundled
 * builds use `bundledCorrelationWorker` (correlation-worker-bundled.ts).
 */
export const sourceCorrelationWorker: CorrelationWorkerFactory = (request) =>
  sourceWorker(new URL('./correlation-worker.ts', import.meta.url), {
    name: 'rackside-correlation',
    workerData: request,
  });

/** Correlates on the caller's thread and connection: the CLI, and databases held in memory. */
export function inThreadCorrelator(db: Sqlite): Correlator {
  return (now) => Promise.resolve(correlateIfDirty(db, now));
}

function runWorker(
  createWorker: CorrelationWorkerFactory,
  request: CorrelationRequest,
): Promise<CorrelationSummary | null> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = createWorker(request);
    worker.once('message', (reply: CorrelationReply) => {
      settled = true;
      if (reply.ok) resolve(reply.summary);
      else reject(Object.assign(new Error(reply.message), { code: reply.code }));
    });
    worker.once('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`the correlation worker stopped (exit code ${String(code)})`));
    });
  });
}

/**
 * Correlates in a worker thread with its own connection to the database file, so the core keeps
 * answering the window while a large inventory is grouped (seconds at 100 000 assets). Runs one
 * at a time. Should the worker fail (it cannot start, or its connection cannot write), the
 * correlation runs here instead: the inventory is never left out of date because of the thread.
 */
export function workerCorrelator(options: {
  db: Sqlite;
  createWorker: CorrelationWorkerFactory;
  nativeBinding?: string | undefined;
  logger: Logger;
}): Correlator {
  const { db, createWorker, logger } = options;
  // A database in memory has no file a second connection could open.
  if (db.memory) return inThreadCorrelator(db);
  // As the core opened it: another process (the CLI's recovery) may move it aside meanwhile.
  const identity = fileIdentity(db.name);
  let queue: Promise<unknown> = Promise.resolve();
  return (now) => {
    const run = queue.then(async () => {
      try {
        return await runWorker(createWorker, {
          file: db.name,
          identity,
          nativeBinding: options.nativeBinding,
          now: now.getTime(),
        });
      } catch (error) {
        // The core's own connection has the moved file open too: nothing is correlated there.
        if ((error as { code?: unknown }).code === databaseMovedCode) throw error;
        logger.warn('correlation worker failed; correlating in this thread', {
          error: error instanceof Error ? error.message : String(error),
        });
        const unmoved = (): void => {
          assertUnmoved(db.name, identity);
        };
        unmoved();
        return correlateIfDirty(db, now, unmoved);
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
