import createWorker from './sync-writer-worker?nodeWorker';
import type { SyncWriterWorkerFactory } from './sync-writer';

/**
 * The sync writer thread as electron-vite bundles it (see `bundledSshWorker`): only the hosts
 * built by electron-vite import this file; tsx and Vitest use `sourceSyncWriterWorker`.
 */
export const bundledSyncWriterWorker: SyncWriterWorkerFactory = (data) =>
  createWorker({ name: 'rackside-sync-writer', workerData: data });
