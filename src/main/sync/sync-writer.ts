import type { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../shared/errors';
import type { SyncRunStatus } from '../../shared/inventory';
import type { Logger } from '../core/logger';
import { sourceWorker } from '../core/source-worker';
import { assertUnmoved, fileIdentity } from '../db/file-identity';
import type { Sqlite } from '../db/sqlite';
import { markDirty } from '../inventory/asset-store';
import { RecordStore, type RecordBatch, type WriteCounts } from '../inventory/record-store';
import type { SourceSystem } from '../sources/types';
import { runOwner, SyncHistory } from './sync-history';

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
  /**
   * Records that a profile's sync started, with the part of the system it syncs (`syncedPart`);
   * resolves with the run's id.
   */
  begin(
    profileId: string,
    system: SourceSystem,
    at: string,
    hostFilter: string | null,
  ): Promise<number>;
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

/** The part of a save other than its rows, as it reaches the writer thread after them. */
export type SaveEnd = Omit<SyncSave, 'batch'> & { batch: Omit<RecordBatch, 'rows'> };

/** The writes themselves, on one connection; both writers run these. */
export class SyncWrites {
  readonly #records: RecordStore;
  /** Rows of saves still arriving in slices (on the writer thread), by save. */
  readonly #arriving = new Map<number, RecordBatch['rows'][]>();

  constructor(private readonly db: Sqlite) {
    this.#records = new RecordStore(db);
  }

  begin(
    profileId: string,
    system: SourceSystem,
    at: string,
    hostFilter: string | null,
    owner = runOwner,
  ): number {
    return new SyncHistory(this.db, () => new Date(at)).begin(profileId, system, owner, hostFilter);
  }

  end(end: RunEnd): void {
    new SyncHistory(this.db, () => new Date(end.at)).finish(end.runId, end.status, {
      warnings: end.warnings,
      errorCode: end.errorCode,
      error: end.error,
      durationMs: end.durationMs,
    });
  }

  /** The records, the inventory's dirty mark and the run's end, in one transaction. */
  save(save: SyncSave): WriteCounts {
    return this.db
      .transaction(() => {
        const counts = this.#records.writeBatch(save.profileId, save.batch);
        if (counts.added + counts.changed + counts.removed > 0) markDirty(this.db);
        new SyncHistory(this.db, () => new Date(save.at)).finish(save.runId, 'ok', {
          counts,
          warnings: save.warnings,
          durationMs: epochNow() - save.startedAt,
        });
        return counts;
        // Holding the write lock from the start: a transaction that read first and then found
        // another process's write committed meanwhile would fail with "database is locked".
      })
      .immediate();
  }

  /** What run `runId` stored, once its save has been committed (by any connection). */
  storedCounts(runId: number): WriteCounts | undefined {
    return new SyncHistory(this.db, () => new Date()).storedCounts(runId);
  }

  /** A slice of save `id`'s rows (the writer thread's), kept until the save itself comes. */
  rows(id: number, rows: RecordBatch['rows']): void {
    const slices = this.#arriving.get(id);
    if (slices === undefined) this.#arriving.set(id, [rows]);
    else slices.push(rows);
  }

  /** Save `id` with the rows its slices brought. */
  commit(id: number, save: SaveEnd): WriteCounts {
    const slices = this.#arriving.get(id) ?? [];
    this.#arriving.delete(id);
    return this.save({ ...save, batch: { ...save.batch, rows: slices.flat() } });
  }

  /** Drops save `id`'s slices (the core could not hand all of them over). */
  abort(id: number): void {
    this.#arriving.delete(id);
  }
}

/** The sync engine's writes on the caller's thread and connection: the CLI, tests, memory databases. */
export function inThreadSyncWriter(db: Sqlite): SyncWriter {
  const writes = new SyncWrites(db);
  return {
    begin: (profileId, system, at, hostFilter) =>
      Promise.resolve(writes.begin(profileId, system, at, hostFilter)),
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
  /**
   * The database file's identity (`fileIdentity`) when the core opened it: the thread writes
   * only while that file is still the one at `file`.
   */
  identity: string | null;
}

/** A request to the writer thread. A save's rows come first, in `rows` messages. */
export type SyncWriterRequest =
  | {
      id: number;
      op: 'begin';
      profileId: string;
      system: SourceSystem;
      at: string;
      hostFilter: string | null;
      /** The core's `runOwner`: the thread's own module has another process mark. */
      owner: string;
    }
  | { id: number; op: 'end'; end: RunEnd }
  | { id: number; op: 'rows'; rows: RecordBatch['rows'] }
  | { id: number; op: 'save'; save: SaveEnd }
  | { id: number; op: 'abort' };

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

/**
 * A thread that has just stored this many rows is replaced once it is idle: the memory they took
 * goes back to the system at once, not at a collection an idle thread may not run for a long while
 * (at 100 000 assets, hundreds of megabytes while the correlation needs its own).
 */
const retireAfterRows = 20_000;

interface Pending {
  /** Rows the request hands over (a save's). */
  rows: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Runs the request on the caller's thread instead, should the writer thread be lost. */
  fallback(): unknown;
}

/**
 * The sync engine's writes on a thread of their own with its own connection to the database
 * file: the core's thread compares hashes and hands the changed rows over in slices, letting go
 * of each (so a large source is not held twice), and the thread writes them in one transaction
 * once the last has come. The core's event loop runs on meanwhile. The thread takes requests in
 * the order they were sent, each to its end; rows of two saves may arrive interleaved.
 *
 * Should the thread fail (it cannot start, or it stops), the requests it had not begun and every
 * later one run on the caller's connection instead, as `inThreadSyncWriter`. A save it stops in
 * the middle of fails (its transaction is gone with it, the previous records stay): its rows were
 * let go as they were handed over, and the sync is simply run again. One it stops after
 * committing, before answering, is reported stored, with the counts its run recorded.
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
  // As the core opened it: another process (the CLI's recovery) may move it aside meanwhile.
  const identity = fileIdentity(db.name);
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
    let created: Worker;
    try {
      created = createWorker({ file: db.name, nativeBinding: options.nativeBinding, identity });
    } catch (error) {
      lose(error instanceof Error ? error.message : String(error));
      return null;
    }
    worker = created;
    created.on('message', (reply: SyncWriterReply) => {
      const request = pending.get(reply.id);
      if (request === undefined) return;
      pending.delete(reply.id);
      if (reply.ok) request.resolve(reply.value);
      else request.reject(new WriterError(reply.message, reply.code));
      if (pending.size > 0) return;
      if (request.rows >= retireAfterRows) retire(created);
      // An idle thread does not keep the process alive.
      else created.unref();
    });
    // A thread retired on purpose is not a failure.
    created.on('error', (error) => {
      if (created === worker) lose(error.message);
    });
    created.on('exit', (code) => {
      if (created === worker && !closing) {
        lose(`the sync writer thread stopped (exit code ${String(code)})`);
      }
    });
    return created;
  };
  const retire = (old: Worker): void => {
    if (old !== worker) return;
    worker = null;
    void old.terminate();
    thread()?.unref();
  };
  // Started now rather than at the first sync, which then does not wait for it; idle meanwhile.
  thread()?.unref();

  const inflight = new Set<Promise<unknown>>();
  const ask = <T>(
    write: () => T,
    send: (
      post: (request: SyncWriterRequest) => void,
      id: number,
      pending: Pending,
    ) => Promise<void>,
  ): Promise<T> => {
    // On the core's connection when the thread is lost: not into a file moved aside meanwhile
    // either (the thread cannot open one gone from its path, and fails).
    const fallback = (): T => {
      assertUnmoved(db.name, identity);
      return write();
    };
    const run = async (): Promise<T> => {
      const target = thread();
      if (target === null) return fallback();
      const id = nextId++;
      let request!: Pending;
      const result = new Promise<T>((resolve, reject) => {
        request = { rows: 0, resolve, reject, fallback };
      });
      // The thread may be lost (and this answer fail) while the rows are still being handed
      // over, turns before `result` is returned to the caller: it is not left unhandled meanwhile.
      result.catch(() => undefined);
      pending.set(id, request);
      target.ref();
      // Once the thread is lost, `lose` has answered the request: nothing more is posted.
      try {
        await send(
          (message) => {
            if (!failed) target.postMessage(message);
          },
          id,
          request,
        );
      } catch (error) {
        // Handing it over failed (the thread drops what it got): no answer is awaited.
        pending.delete(id);
        if (pending.size === 0) target.unref();
        throw error;
      }
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
    begin: (profileId, system, at, hostFilter) =>
      ask<number>(
        () => local.begin(profileId, system, at, hostFilter),
        (post, id) => {
          post({ id, op: 'begin', profileId, system, at, hostFilter, owner: runOwner });
          return Promise.resolve();
        },
      ),
    end: (end) =>
      ask<undefined>(
        () => {
          local.end(end);
          return undefined;
        },
        (post, id) => {
          post({ id, op: 'end', end });
          return Promise.resolve();
        },
      ),
    save: (save) => {
      const { rows, ...batch } = save.batch;
      return ask<WriteCounts>(
        () => local.save(save),
        async (post, id, request) => {
          request.rows = rows.length;
          if (rows.length > 0) {
            // From the first slice on, the rows handed over are let go here. A thread that
            // stopped after its commit, before its answer, has stored them all the same.
            request.fallback = () => {
              const stored = local.storedCounts(save.runId);
              if (stored !== undefined) return stored;
              throw new AppError(
                'internal',
                'The sync writer thread stopped while storing this source; its previous records were kept. Sync it again.',
              );
            };
          }
          try {
            while (rows.length > 0) {
              post({ id, op: 'rows', rows: rows.splice(0, rowsPerMessage) });
              // Lets the window's requests and the terminals' bytes through between slices.
              if (rows.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
            }
          } catch (error) {
            post({ id, op: 'abort' });
            throw error;
          }
          post({ id, op: 'save', save: { ...save, batch } });
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
