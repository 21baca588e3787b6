import os from 'node:os';
import path from 'node:path';
import type { AppInfo, CommandName, HostKind } from '../../shared/contract';
import { createRouter, type Handler, type Handlers, type Router } from '../contract/router';
import { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { readOnlyNotice } from '../db/open-database';
import type { Sqlite } from '../db/sqlite';
import { SettingsStore } from '../settings/settings-store';
import { ensureDataDir, openStore, type Store } from '../store/open-store';
import type { SecretBox } from '../vault/secret-box';
import { TerminalStreams } from '../hosts/terminal-streams';
import { HostKeyStore, HostKeyTrust, SshSessionManager, sourceSshWorker } from '../ssh';
import type { SshWorkerFactory } from '../ssh';
import type { StoredHostKey } from '../ssh/host-key-store';
import type { ProfileSource } from '../ssh/session-targets';
import type { ProfileService } from '../profiles/profile-service';
import {
  sourceCorrelationWorker,
  workerCorrelator,
  type CorrelationWorkerFactory,
  type Correlator,
} from '../inventory/correlator';
import {
  sourceSyncWriterWorker,
  workerSyncWriter,
  type SyncWriter,
  type SyncWriterWorkerFactory,
} from '../sync/sync-writer';
import type { OtpBroker } from '../sync/otp-broker';
import { defaultConnectors } from '../sync/connectors';
import type { ConnectorSet } from '../sync/sync-engine';
import { inventoryHandlers } from './inventory-handlers';
import { MovedDatabaseGuard, type WriteGuard } from './moved-database';
import { NoticeBoard } from './notices';
import { showRecoveries } from './recovery-notices';
import { otpHandlers } from './otp-handlers';
import { sshHandlers } from './ssh-handlers';
import { storeHandlers } from './store-handlers';

export interface CoreOptions {
  dataDir: string;
  host: HostKind;
  version: string;
  logger: Logger;
  /** The OS keychain (Electron safeStorage); absent in the browser host. */
  secretBox?: SecretBox;
  /** better-sqlite3 built for Electron's ABI, when running inside Electron. */
  nativeBinding?: string;
  /**
   * Unlock (or, on first run, set up) the vault at start with this passphrase — what
   * `RACKSIDE_PASSPHRASE` does for scripted starts such as the demo.
   */
  unlockWith?: string;
  /** How long a one-time code request waits for an answer (default two minutes). */
  otpTimeoutMs?: number;
  /** Where syncs fetch from (default: the real systems); tests pass simulated sources. */
  connectors?: ConnectorSet;
}

export interface Core {
  router: Router;
  events: EventHub;
  store: Store;
  dataDir: string;
  /** Interactive SSH sessions; hosts attach terminal streams through `terminals`. */
  ssh: SshSessionManager;
  terminals: TerminalStreams;
  /** Asks the person for one-time codes when a source logs in with TOTP. */
  otp: OtpBroker;
  close(): Promise<void>;
}

/**
 * The SSH worker for how this code runs: from an electron-vite bundle (the Electron app and
 * out/main/browser.js) the bundled worker chunk; from TypeScript source (tsx, Vitest) the source
 * worker, since `?nodeWorker` means nothing there.
 */
async function sshWorkerFactory(): Promise<SshWorkerFactory> {
  if (import.meta.url.endsWith('.ts')) return sourceSshWorker;
  const { bundledSshWorker } = await import('../ssh/worker-launch-bundled');
  return bundledSshWorker;
}

/** The correlation worker for how this code runs, as `sshWorkerFactory`. */
async function correlationWorkerFactory(): Promise<CorrelationWorkerFactory> {
  if (import.meta.url.endsWith('.ts')) return sourceCorrelationWorker;
  const { bundledCorrelationWorker } = await import('../inventory/correlation-worker-bundled');
  return bundledCorrelationWorker;
}

/** The sync writer thread for how this code runs, as `sshWorkerFactory`. */
async function syncWriterWorkerFactory(): Promise<SyncWriterWorkerFactory> {
  if (import.meta.url.endsWith('.ts')) return sourceSyncWriterWorker;
  const { bundledSyncWriterWorker } = await import('../sync/sync-writer-bundled');
  return bundledSyncWriterWorker;
}

/** Builds the core services once and binds them to the contract; both hosts call this. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const { dataDir, logger } = options;
  ensureDataDir(dataDir);
  const events = new EventHub();
  const notices = new NoticeBoard(events);
  const settings = await SettingsStore.open(dataDir, logger.child('settings'));
  if (settings.notice !== null) {
    notices.post({ id: 'settings', message: settings.notice, dismissible: true });
  }
  const store = openStore({
    dataDir,
    logger,
    ...(options.secretBox ? { secretBox: options.secretBox } : {}),
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  if (store.recovered) logger.warn('database recovered', { message: store.recovered.message });
  const lookAtRecoveries = showRecoveries(notices, store);
  const guard = new MovedDatabaseGuard(dataDir, logger);
  guard.onMoved(() => {
    // From now on SQLite itself refuses every write on this connection: nothing more reaches
    // the moved file, whichever service tries.
    store.db.pragma('query_only = ON');
  });
  // What another process (the CLI) does to the data folder while this one runs: it moves the
  // database aside, or records or dismisses recovery reports. One look at both, every so often.
  const dataFolderTimer = setInterval(() => {
    guard.moved();
    lookAtRecoveries();
  }, dataFolderWatchMs);
  dataFolderTimer.unref();
  if (store.readOnly !== null) {
    notices.post({ id: 'read-only', message: readOnlyNotice(store.readOnly), dismissible: false });
  }
  if (options.unlockWith !== undefined) {
    if (store.vault.state() === 'uninitialized') await store.vault.setup(options.unlockWith);
    else await store.vault.unlock(options.unlockWith);
  }
  const applyLockTimeout = (minutes: number): void => {
    store.vault.setIdleTimeout(minutes * 60_000);
  };
  applyLockTimeout(settings.get().lockTimeoutMinutes);

  const appInfo = (): AppInfo => ({
    name: 'Rackside',
    version: options.version,
    platform: os.platform(),
    arch: os.arch(),
    host: options.host,
    dataDir,
    vault: store.vault.state(),
    ...osUserName(),
  });

  const otp = otpHandlers(
    events,
    options.otpTimeoutMs === undefined ? {} : { timeoutMs: options.otpTimeoutMs },
  );
  // The writer and correlation threads have connections of their own, which `query_only` on the
  // core's does not reach: they are asked first.
  const writer = guardedWriter(
    workerSyncWriter({
      db: store.db,
      createWorker: await syncWriterWorkerFactory(),
      nativeBinding: options.nativeBinding,
      logger: logger.child('sync'),
    }),
    guard,
  );
  const inventory = inventoryHandlers(
    store,
    events,
    logger,
    options.connectors ?? defaultConnectors({ otp: otp.broker.provider }),
    {
      correlate: guardedCorrelator(
        workerCorrelator({
          db: store.db,
          createWorker: await correlationWorkerFactory(),
          nativeBinding: options.nativeBinding,
          logger: logger.child('correlation'),
        }),
        guard,
      ),
      writer,
      guard,
    },
  );
  // Syncs under way stop, saying why, rather than fail one by one at their next write.
  guard.onMoved(() => {
    inventory.engine.cancel(guard.refusal());
  });
  const ssh = new SshSessionManager({
    hostKeys: new HostKeyTrust(new GuardedHostKeyStore(store.db, guard), {
      knownHostsFile: path.join(os.homedir(), '.ssh', 'known_hosts'),
      systemKnownHostsFile:
        process.platform === 'win32'
          ? path.join(process.env.ProgramData ?? 'C:\\ProgramData', 'ssh', 'ssh_known_hosts')
          : '/etc/ssh/ssh_known_hosts',
      logger: logger.child('ssh'),
    }),
    profiles: guardedProfileSource(store.profiles, guard),
    createWorker: await sshWorkerFactory(),
    logger: logger.child('ssh'),
  });
  const terminals = new TerminalStreams(ssh, logger.child('terminals'));
  const sshCommands = sshHandlers(ssh, terminals, events, dataDir);
  const handlers: Handlers = {
    'app:info': () => appInfo(),
    'notices:list': () => notices.list(),
    'notices:dismiss': ({ id }) => notices.dismiss(id),
    'settings:get': () => settings.get(),
    'settings:set': async (patch) => {
      const next = await settings.update(patch);
      applyLockTimeout(next.lockTimeoutMinutes);
      events.emit('settings:changed', next);
      return next;
    },
    ...storeHandlers(store, events, options.secretBox),
    ...inventory.handlers,
    // Cancelling syncs also ends their open code requests: a login waiting for a code sees no
    // abort signal of its own.
    'sync:cancel': (request, context) => {
      otp.broker.cancelAll();
      return inventory.handlers['sync:cancel'](request, context);
    },
    ...otp.handlers,
    ...sshCommands.handlers,
  };
  const router = createRouter(guardedHandlers(handlers, guard), logger.child('router'));

  return {
    router: {
      // Only the person at the window postpones the idle lock (`vault:active`, sent on their
      // keys, clicks and scrolling): the page's own calls, refreshing what a push event or a
      // timer changed, go on while nobody is there.
      dispatch: (channel, payload, context) => router.dispatch(channel, payload, context),
    },
    events,
    store,
    dataDir,
    ssh,
    terminals,
    otp: otp.broker,
    close: async () => {
      clearInterval(dataFolderTimer);
      otp.close();
      sshCommands.close();
      terminals.dispose();
      await ssh.dispose();
      inventory.close();
      await writer.close();
      store.close();
    },
  };
}

/** How often the data folder is looked at for what another process did there. */
const dataFolderWatchMs = 2_000;

/**
 * Every command first looks whether the database was moved away (so the first write after a
 * recovery elsewhere is refused, not only those after the next look), and a write SQLite refused
 * because of that is answered with the reason in words.
 */
function guardedHandlers(handlers: Handlers, guard: MovedDatabaseGuard): Handlers {
  const wrap =
    (handler: Handler<CommandName>): Handler<CommandName> =>
    async (request, context) => {
      guard.moved();
      try {
        return await handler(request, context);
      } catch (error) {
        throw guard.explain(error);
      }
    };
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      wrap(handler as Handler<CommandName>),
    ]),
  ) as Handlers;
}

/**
 * The sync writer, refusing once the database was moved away (its thread's connection would not).
 * A move between this look and the thread's commit the thread refuses itself, as SQLite's
 * read-only error: that too is answered with the reason in words.
 */
function guardedWriter(writer: SyncWriter, guard: MovedDatabaseGuard): SyncWriter {
  const write = async <T>(run: () => Promise<T>): Promise<T> => {
    guard.assertWritable();
    try {
      return await run();
    } catch (error) {
      guard.moved();
      throw guard.explain(error);
    }
  };
  return {
    begin: (...args) => write(() => writer.begin(...args)),
    end: (end) => write(() => writer.end(end)),
    save: (save) => write(() => writer.save(save)),
    close: () => writer.close(),
  };
}

/** The correlator, as `guardedWriter`: its thread opens the file at the data folder's path. */
function guardedCorrelator(correlate: Correlator, guard: WriteGuard): Correlator {
  return async (now) => {
    guard.assertWritable();
    return await correlate(now);
  };
}

/**
 * Host keys, refusing to remember one once the database was moved away: the session is refused
 * with the reason, not left to fail on SQLite's read-only error.
 */
class GuardedHostKeyStore extends HostKeyStore {
  constructor(
    db: Sqlite,
    private readonly guard: WriteGuard,
  ) {
    super(db);
  }

  override remember(...args: Parameters<HostKeyStore['remember']>): StoredHostKey {
    this.guard.assertWritable();
    return super.remember(...args);
  }
}

/**
 * Profiles for SSH sessions, refusing to keep a typed password or passphrase once the database
 * was moved away: it would go to the moved file, which nobody reads.
 */
function guardedProfileSource(profiles: ProfileService, guard: WriteGuard): ProfileSource {
  return {
    get: (id) => profiles.get(id),
    getSecrets: (id) => profiles.getSecrets(id),
    saveSecret: (id, field, value) => {
      guard.assertWritable();
      profiles.saveSecret(id, field, value);
    },
  };
}

/** The account the app runs as: the last fallback for whom to log in as over SSH. */
function osUserName(): { userName?: string } {
  try {
    const name = os.userInfo().username;
    return name.length > 0 && name.length <= 256 ? { userName: name } : {};
  } catch {
    // No passwd entry for this uid (some containers): there is simply no name to offer.
    return {};
  }
}
