import type { Worker } from 'node:worker_threads';
import { sourceWorker } from '../core/source-worker';

/** Starts the SSH worker thread; the host picks the factory that fits how it runs. */
export type SshWorkerFactory = () => Worker;

/**
 * The worker from TypeScript source (see `sourceWorker`), for code run by tsx or Vitest. Bundled
 * builds use `bundledSshWorker` (worker-launch-bundled.ts) instead.
 */
export const sourceSshWorker: SshWorkerFactory = () =>
  sourceWorker(new URL('./ssh-worker.ts', import.meta.url), { name: 'rackside-ssh' });
