import type { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../../shared/errors';
import type { Logger } from '../core/logger';
import { sourceWorker } from '../core/source-worker';
import type { Sqlite } from '../db/sqlite';
import { markDirty } from '../inventory/asset-store';
import { RecordStore, type RecordBatch, type WriteCounts } from '../inventory/record-store';
import type { SourceSystem } from '../sources/types';
import { runOwner, SyncHistory } from './sync-history';
import type { SyncRunStatus } from '../../shared/inventory';

/** How a run that stored nothing ended, for `SyncWriter.end`. */
export interface RunEnd {
  runId: number;
  status: Exclude<SyncRunStatus, 'running' | 'ok'>;
  warnings: string[];
  errorCode: ErrorCode;
  error: string;
  durationMs: number;
  /** ISO time the run ended. */
  at: string;
}

/** A profile's successful sync, stored by `SyncWriter.save` in one transaction. */
export interface SyncSave {
  profileId: string;
  runId: number;
  batch: RecordBatch;
  warnings: string[];
  /** When the profile's sync started, in milliseconds since the epoch (for its duration). */
  startedAt: number;
  /** ISO time the run ended. */
  at: string;
}

/**
 * The sync engine's writes: a run's start and end in `sync_runs`, and a profile's records, the
 * inventory's dirty mark and the run's end in one transaction. `inThreadSyncWriter` writes on the
 * caller's connection; `workerSyncWriter` on a thread of its own, so storing tens of thousands of
 * records does not stop the core's event loop (and the terminals it carries) for seconds.
 */
export interface SyncWriter {
  /** Records that a profile's sync started; resolves with the run's id. */
  begin(profileId: string, system: SourceSystem, at: string): Promise<number>;
  /** Ends a run that stored nothing (it failed or was cancelled). */
  end(end: RunEnd): Promise<undefined>;
  save(save: SyncSave): Promise<WriteCounts>;
  /** Lets pending writes finish, then stops the thread (if any). */
  close(): Promise<void>;
}

/** Epoch milliseconds now, comparable across threads (unlike `performance.now()`). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The writes themselves, on one connection; both writers run these. */
export class SyncWrites {
  readonly #records: RecordStore;

  constructor(private readonly db: Sqlite) {
    this.#records = new RecordStore(db);
  }

  begin(profileId: string, system: SourceSystem, at: string, owner = runOwner): number {
    return new SyncHistory(this.db, () => new Date(at)).begin(profileId, system, owner);
  }

  end(end: RunEnd): void {
    new SyncHistory(this.db, () => new Date(end.at)).finish(end.runId, end.status, {
      warnings: end.warnings,
      errorCode: end.errorCode,
      error: end.error,
      durationMs: end.durationMs,
    });
  }

  save(save: SyncSave): WriteCounts {
    return this.db.transaction(() => {
      const counts = this.#records.writeBatch(save.profileId, save.batch);
      if (counts.added + counts.changed + counts.removed > 0) markDirty(this.db);
      new SyncHistory(this.db, () => new Date(save.at)).finish(save.runId, 'ok', {
        counts,
        warnings: save.warnings,
        durationMs: epochNow() - save.startedAt,
      });
      return counts;
    })();
  }
}

/** The sync engine's writes on the caller's thread and connection: the CLI, tests, memory databases. */
export function inThreadSyncWriter(db: Sqlite): SyncWriter {
  const writes = new SyncWrites(db);
  return {
    begin: (profileId, system, at) => Promise.resolve(writes.begin(profileId, system, at)),
    end: (end) => {
      writes.end(end);
      return Promise.resolve(undefined);
    },
    save: (save) => Promise.resolve(writes.save(save)),
    close: () => Promise.resolve(),
  };
}

/** What the writer thread is started with: the database, and how to open it. */
export interface SyncWriterData {
  file: string;
  nativeBinding: string | undefined;
}

/** A request to the writer thread. A `save`'s rows come before it in `rows` messages. */
export type SyncWriterRequest =
  | {
      id: number;
      op: 'begin';
      profileId: string;
      system: SourceSystem;
      at: string;
      /** The core's `runOwner`: the thread's own module has another process mark. */
      owner: string;
    }
  | { id: number; op: 'end'; end: RunEnd }
  | { id: number; op: 'rows'; rows: RecordBatch['rows'] }
  | {
      id: number;
      op: 'save';
      save: Omit<SyncSave, 'batch'> & { batch: Omit<RecordBatch, 'rows'> };
    };

export type SyncWriterReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; code: string | null };

/** Starts the writer thread; the host picks the factory that fits how it runs. */
export type SyncWriterWorkerFactory = (data: SyncWriterData) => Worker;

/** The writer thread from TypeScript source (tsx, Vitest); bundled builds use sync-writer-bundled.ts. */
export const sourceSyncWriterWorker: SyncWriterWorkerFactory = (data) =>
  sourceWorker(new URL('./sync-writer-worker.ts', import.meta.url), {
    name: 'rackside-sync-writer',
    workerData: data,
  });

/** Rows per message: a few megabytes of raw JSON, copied without holding the loop for long. */
const rowsPerMessage = 1000;

/** An error from the writer thread, with SQLite's code (corruption is told apart by it). */
class WriterError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'SyncWriterError';
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Runs the request on the caller's thread instead, should the writer thread be lost. */
  fallback(): unknown;
}

/**
 * The sync engine's writes on a thread of their own with its own connection to the database
 * file: the core's thread only compares hashes and copies the changed rows across, in slices.
 * The thread takes requests in the order they were sent, each to its end. Should it fail (it
 * cannot start, or it stops), its pending writes and every later one run on the caller's
 * connection instead, as `inThreadSyncWriter`: a sync is never lost because of the thread. (A
 * save the thread had committed just before it stopped is written again; its rows then match
 * the stored ones and nothing changes.)
 */
export function workerSyncWriter(options: {
  db: Sqlite;
  createWorker: SyncWriterWorkerFactory;
  nativeBinding?: string | undefined;
  logger: Logger;
}): SyncWriter {
  const { db, createWorker, logger } = options;
  // A database in memory has no file a second connection could open.
  if (db.memory) return inThreadSyncWriter(db);
  const local = new SyncWrites(db);
  let worker: Worker | null = null;
  let failed = false;
  let closing = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const lose = (reason: string): void => {
    if (failed) return;
    failed = true;
    worker = null;
    logger.warn('sync writer thread failed; writing on the core thread', { error: reason });
    const waiting = [...pending.values()];
    pending.clear();
    for (const request of waiting) {
      try {
        request.resolve(request.fallback());
      } catch (error) {
        request.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  };

  const thread = (): Worker | null => {
    if (failed || closing) return null;
    if (worker !== null) return worker;
    try {
      worker = createWorker({ file: db.name, nativeBinding: options.nativeBinding });
    } catch (error) {
      lose(error instanceof Error ? error.message : String(error));
      return null;
    }
    worker.on('message', (reply: SyncWriterReply) => {
      const request = pending.get(reply.id);
      if (request === undefined) return;
      pending.delete(reply.id);
      if (reply.ok) request.resolve(reply.value);
      else request.reject(new WriterError(reply.message, reply.code));
      // An idle thread does not keep the process alive.
      if (pending.size === 0) worker?.unref();
    });
    worker.on('error', (error) => {
      lose(error.message);
    });
    worker.on('exit', (code) => {
      if (!closing) lose(`the sync writer thread stopped (exit code ${String(code)})`);
    });
    return worker;
  };

  // Started now rather than at the first sync, which then does not wait for it; idle meanwhile.
  thread()?.unref();

  const inflight = new Set<Promise<unknown>>();
  const ask = <T>(
    build: (id: number) => SyncWriterRequest,
    fallback: () => T,
    before?: (send: (request: SyncWriterRequest) => void, id: number) => Promise<void>,
  ): Promise<T> => {
    const run = async (): Promise<T> => {
      const target = thread();
      if (target === null) return fallback();
      const id = nextId++;
      const result = new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve, reject, fallback });
      });
      target.ref();
      // Once the thread is lost, `lose` has already run this request's fallback.
      const send = (request: SyncWriterRequest): void => {
        if (!failed) target.postMessage(request);
      };
      await before?.(send, id);
      send(build(id));
      return result;
    };
    const promise = run();
    inflight.add(promise);
    void promise.then(
      () => inflight.delete(promise),
      () => inflight.delete(promise),
    );
    return promise;
  };

  return {
    begin: (profileId, system, at) =>
      ask<number>(
        (id) => ({ id, op: 'begin', profileId, system, at, owner: runOwner }),
        () => local.begin(profileId, system, at),
      ),
    end: (end) =>
      ask<undefined>(
        (id) => ({ id, op: 'end', end }),
        () => {
          local.end(end);
          return undefined;
        },
      ),
    save: (save) => {
      const { rows, ...batch } = save.batch;
      return ask<WriteCounts>(
        (id) => ({ id, op: 'save', save: { ...save, batch } }),
        () => local.save(save),
        async (send, id) => {
          for (let start = 0; start < rows.length; start += rowsPerMessage) {
            send({ id, op: 'rows', rows: rows.slice(start, start + rowsPerMessage) });
            // Lets the window's requests and the terminals' bytes through between slices.
            if (start + rowsPerMessage < rows.length) {
              await new Promise<void>((resolve) => setImmediate(resolve));
            }
          }
        },
      );
    },
    close: async () => {
      await Promise.allSettled([...inflight]);
      closing = true;
      const stopping = worker;
      worker = null;
      await stopping?.terminate();
    },
  };
}
