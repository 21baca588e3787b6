import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript entry, for code run by tsx or Vitest (tests, CLI). Node
 * cannot load `.ts` in a worker by itself and `execArgv: ['--import', 'tsx']` is ignored by
 * workers on Node 20, so a two-line bootstrap registers tsx's loader inside the thread first.
 * Bundled builds start electron-vite's `?nodeWorker` chunks instead.
 */
export function sourceWorker(entry: URL, options: WorkerOptions = {}): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
