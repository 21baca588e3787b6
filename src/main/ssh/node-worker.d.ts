// electron-vite's `?nodeWorker` import (see node_modules/electron-vite/node.d.ts), declared here so
// the node tsconfig need not load all of electron-vite's ambient types.
declare module '*?nodeWorker' {
  import type { Worker, WorkerOptions } from 'node:worker_threads';
  export default function createWorker(options: WorkerOptions): Worker;
}
