import { Worker } from 'node:worker_threads';

/** Starts the SSH worker thread; the host picks the factory that fits how it runs. */
export type SshWorkerFactory = () => Worker;

/**
 * The worker from TypeScript source, for code run by tsx or Vitest (tests, CLI). Node cannot
 * load `.ts` in a worker by itself and `execArgv: ['--import', 'tsx']` is ignored by workers on
 * Node 20, so a two-line bootstrap registers tsx's loader inside the thread first. Bundled
 * builds use `bundledSshWorker` (worker-launch-bundled.ts) instead.
 */
export const sourceSshWorker: SshWorkerFactory = () => {
  const entry = new URL('./ssh-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, name: 'rackside-ssh' });
};
