import { parentPort, workerData } from 'node:worker_threads';
import { fileIdentity } from '../db/file-identity';
import { openThreadConnection } from '../db/sqlite';
import {
  databaseMovedCode,
  SyncWrites,
  type SyncWriterData,
  type SyncWriterReply,
  type SyncWriterRequest,
} from './sync-writer';

/**
 * Entry of the sync writer thread (see `workerSyncWriter`): the sync engine's writes on a
 * connection of its own. A save's rows arrive in slices, then the save, which writes them in one
 * transaction.
 */

const port = parentPort;
if (port === null) throw new Error('sync-writer-worker must run as a worker thread');
const data = workerData as SyncWriterData;

const writes = new SyncWrites(openThreadConnection(data.file, data.nativeBinding));

/**
 * Refuses a write once the database file this thread has open is no longer the core's one at its
 * path (another process moved it aside): whatever it committed would go to a file nobody reads.
 * Looked at right before each write, as the core's own guard does before handing one over.
 */
function assertUnmoved(): void {
  if (data.identity === null || fileIdentity(data.file) === data.identity) return;
  throw Object.assign(
    new Error('The database file was moved or replaced since Rackside opened it.'),
    { code: databaseMovedCode },
  );
}

/** The request's answer; `rows` and `abort` have none. */
function handle(request: SyncWriterRequest): { value: unknown } | null {
  switch (request.op) {
    case 'begin':
      assertUnmoved();
      return {
        value: writes.begin(
          request.profileId,
          request.system,
          request.at,
          request.hostFilter,
          request.owner,
        ),
      };
    case 'end':
      assertUnmoved();
      writes.end(request.end);
      return { value: undefined };
    case 'rows':
      writes.rows(request.id, request.rows);
      return null;
    case 'save':
      try {
        assertUnmoved();
      } catch (error) {
        writes.abort(request.id);
        throw error;
      }
      return { value: writes.commit(request.id, request.save) };
    case 'abort':
      writes.abort(request.id);
      return null;
  }
}

port.on('message', (request: SyncWriterRequest) => {
  let reply: SyncWriterReply;
  try {
    const answer = handle(request);
    if (answer === null) return;
    reply = { id: request.id, ok: true, value: answer.value };
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
