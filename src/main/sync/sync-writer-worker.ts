import { parentPort, workerData } from 'node:worker_threads';
import { assertUnmoved } from '../db/file-identity';
import { openThreadConnection } from '../db/sqlite';
import {
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

/** The request's answer; `rows` and `abort` have none. */
function handle(request: SyncWriterRequest): { value: unknown } | null {
  switch (request.op) {
    case 'begin':
      // Never into a database file another process moved aside since the core opened it.
      assertUnmoved(data.file, data.identity);
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
      assertUnmoved(data.file, data.identity);
      writes.end(request.end);
      return { value: undefined };
    case 'rows':
      writes.rows(request.id, request.rows);
      return null;
    case 'save':
      try {
        assertUnmoved(data.file, data.identity);
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
