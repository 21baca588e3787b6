/**
 * Interactive SSH for the hosts. Composition (Electron or browser host, built by electron-vite):
 *
 *   const trust = new HostKeyTrust(new HostKeyStore(store.db), {
 *     knownHostsFile: path.join(os.homedir(), '.ssh', 'known_hosts'), logger });
 *   const ssh = new SshSessionManager({ hostKeys: trust, profiles: store.profiles,
 *     createWorker: bundledSshWorker, logger });   // from './ssh/worker-launch-bundled'
 *
 * Code run by tsx (CLI, tests) passes `sourceSshWorker` instead. Consumers must `ack` the bytes
 * of every `data` event once rendered, or the session pauses at the high watermark.
 */
export { HostKeyStore, type StoredHostKey } from './host-key-store';
export { HostKeyTrust, type HostKeyVerdict, type TrustCheck } from './host-key-trust';
export { sha256Fingerprint } from './fingerprint';
export {
  SshSessionManager,
  type OpenOptions,
  type SessionEvents,
  type SessionInfo,
  type SessionManagerOptions,
} from './session-manager';
export type { DirectTarget } from './session-targets';
export type * from './session-types';
export { sourceSshWorker, type SshWorkerFactory } from './worker-launch';
