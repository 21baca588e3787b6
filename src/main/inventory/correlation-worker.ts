import { parentPort, workerData } from 'node:worker_threads';
import { assertUnmoved } from '../db/file-identity';
import { openThreadConnection } from '../db/sqlite';
import { correlateInTransaction } from './asset-store';
import type { CorrelationReply, CorrelationRequest } from './correlator';

/**
 * Entry of the correlation worker thread: re-correlates the inventory on a connection of its own,
 * so the core's event loop (which answers the window) keeps running meanwhile. One run per
 * thread; the answer is the summary, or the error that stopped it.
 */

const port = parentPort;
if (port === null) throw new Error('correlation-worker must run as a worker thread');
const request = workerData as CorrelationRequest;

function run(): CorrelationReply {
  // Not into a database file another process moved aside since the core opened it: checked
  // before the connection is opened and again right before the correlation commits.
  const unmoved = (): void => {
    assertUnmoved(request.file, request.identity);
  };
  unmoved();
  const db = openThreadConnection(request.file, request.nativeBinding);
  try {
    return { ok: true, summary: correlateInTransaction(db, new Date(request.now), unmoved) };
  } finally {
    db.close();
  }
}

let reply: CorrelationReply;
try {
  reply = run();
} catch (error) {
  const code = (error as { code?: unknown }).code;
  reply = {
    ok: false,
    message: error instanceof Error ? error.message : String(error),
    code: typeof code === 'string' ? code : null,
  };
}
port.postMessage(reply);
