import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerQuestion, WorkerReply } from './worker-protocol';
import { WorkerSession } from './worker-session';

/**
 * Entry of the SSH worker thread: every ssh2 client lives here, so decryption and a flooding
 * terminal never occupy the main thread. The session manager owns the lifecycle.
 */

const port = parentPort;
if (port === null) throw new Error('ssh-worker must run as a worker thread');

const sessions = new Map<string, WorkerSession>();
/** Session logs still writing their last output after their session ended. */
const logsClosing = new Set<Promise<void>>();
const pending = new Map<number, (reply: WorkerReply) => void>();
let nextRequest = 1;

const send = (message: FromWorker, transfer: ArrayBuffer[] = []): void => {
  port.postMessage(message, transfer);
};

function ask(sessionId: string, question: WorkerQuestion): Promise<WorkerReply> {
  const requestId = nextRequest++;
  return new Promise((resolve) => {
    pending.set(requestId, resolve);
    send({ type: 'ask', sessionId, requestId, question });
  });
}

/**
 * Ends every session and waits for their logs' last writes, so quitting the app does not cut a
 * session log short; at most `limitMs`, since a log on a hung disk never finishes.
 */
async function shutDown(limitMs: number): Promise<void> {
  for (const session of [...sessions.values()]) session.close();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limitMs);
  });
  await Promise.race([Promise.all(logsClosing), limit]);
  clearTimeout(timer);
  send({ type: 'shut-down' });
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'open': {
      const { sessionId } = message.request;
      sessions.get(sessionId)?.close();
      const session = new WorkerSession(
        message.request,
        {
          status: (status) => {
            send({ type: 'status', sessionId, status });
          },
          data: (data) => {
            send({ type: 'data', sessionId, data }, [data.buffer as ArrayBuffer]);
          },
          ask: (question) => ask(sessionId, question),
          logStopped: (why) => {
            send({ type: 'log-stopped', sessionId, why });
          },
        },
        (logClosed) => {
          if (sessions.get(sessionId) === session) sessions.delete(sessionId);
          logsClosing.add(logClosed);
          void logClosed.finally(() => logsClosing.delete(logClosed));
        },
      );
      sessions.set(sessionId, session);
      void session.run();
      break;
    }
    case 'write':
      sessions.get(message.sessionId)?.write(message.data);
      break;
    case 'resize':
      sessions.get(message.sessionId)?.resize(message.cols, message.rows);
      break;
    case 'ack':
      sessions.get(message.sessionId)?.ack(message.bytes);
      break;
    case 'close':
      sessions.get(message.sessionId)?.close();
      break;
    case 'notice':
      sessions.get(message.sessionId)?.notice(message.message);
      break;
    case 'shutdown':
      void shutDown(message.limitMs);
      break;
    case 'reply': {
      const resolve = pending.get(message.requestId);
      pending.delete(message.requestId);
      resolve?.(message.reply);
      break;
    }
  }
});
