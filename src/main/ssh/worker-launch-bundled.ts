import createWorker from './ssh-worker?nodeWorker';
import type { SshWorkerFactory } from './worker-launch';

/**
 * The worker as electron-vite bundles it: the `?nodeWorker` suffix makes the main build emit
 * ssh-worker.ts as its own chunk and return a factory that starts it. Only the hosts built by
 * electron-vite (src/main/index.ts, src/main/browser.ts) import this file; tsx and Vitest use
 * `sourceSshWorker` because the suffix means nothing to them.
 */
export const bundledSshWorker: SshWorkerFactory = () => createWorker({ name: 'rackside-ssh' });
