import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../db/sqlite';
import type { RecordBatch } from '../inventory/record-store';
import {
  SyncWrites,
  type SyncWriterData,
  type SyncWriterReply,
  type SyncWriterRequest,
} from './sync-writer';

/**
 * Entry of the sync writer thread (see `workerSyncWriter`): the sync engine's writes on a
 * connection of its own. A save's rows arrive in slices before the save itself, which then
 * writes them in one transaction.
 */

const port = parentPort;
if (port === null) throw new Error('sync-writer-worker must run as a worker thread');
const data = workerData as SyncWriterData;

const db = openSqlite(data.file, { nativeBinding: data.nativeBinding });
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
db.pragma('synchronous = FULL');
const writes = new SyncWrites(db);
const rows = new Map<number, RecordBatch['rows']>();

function handle(request: SyncWriterRequest): unknown {
  switch (request.op) {
    case 'begin':
      return writes.begin(request.profileId, request.system, request.at, request.owner);
    case 'end':
      writes.end(request.end);
      return undefined;
    case 'save': {
      const batch = { ...request.save.batch, rows: rows.get(request.id) ?? [] };
      rows.delete(request.id);
      return writes.save({ ...request.save, batch });
    }
    case 'rows': {
      const held = rows.get(request.id);
      if (held === undefined) rows.set(request.id, request.rows);
      else for (const row of request.rows) held.push(row);
      return undefined;
    }
  }
}

port.on('message', (request: SyncWriterRequest) => {
  let reply: SyncWriterReply;
  try {
    const value = handle(request);
    if (request.op === 'rows') return;
    reply = { id: request.id, ok: true, value };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    reply = {
      id: request.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      code: typeof code === 'string' ? code : null,
    };
  }
  port.postMessage(reply);
});
