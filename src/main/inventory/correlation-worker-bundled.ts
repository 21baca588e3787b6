import createWorker from './correlation-worker?nodeWorker';
import type { CorrelationWorkerFactory } from './correlator';

/**
 * The correlation worker as electron-vite bundles it (see `bundledSshWorker`): only the hosts
 * built by electron-vite import this file; tsx and Vitest use `sourceCorrelationWorker`.
 */
export const bundledCorrelationWorker: CorrelationWorkerFactory = (request) =>
  createWorker({ name: 'rackside-correlation', workerData: request });
