import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { Logger } from '../core/logger';
import { openDatabase, type CorruptionReport } from '../db/open-database';
import type { Sqlite } from '../db/sqlite';
import { ProfileService } from '../profiles/profile-service';
import type { SecretBox } from '../vault/secret-box';
import { StoredUnlockLimit } from '../vault/stored-unlock-limit';
import { Vault, type Timers } from '../vault/vault';
import {
  dismissRecoveries,
  readRecoveries,
  recordRecovery,
  recordUpgradeNotices,
  recoveryRecordStamp,
  type RecoveryReport,
} from './recovery-record';

export const databaseFileName = 'rackside.db';
export const vaultFileName = 'vault.json';

export interface OpenStoreOptions {
  dataDir: string;
  logger: Logger;
  clock?: () => Date;
  /** OS keychain adapter (Electron `safeStorage`); absent under plain Node. */
  secretBox?: SecretBox;
  /** better-sqlite3 native binding built for Electron's ABI. */
  nativeBinding?: string;
  timers?: Timers;
}

export interface Store {
  dataDir: string;
  db: Sqlite;
  vault: Vault;
  profiles: ProfileService;
  /** Set when a damaged database was moved aside at this open; show `message` to the user. */
  recovered: CorruptionReport | null;
  /**
   * Every damaged database moved aside, and every upgrade notice (source URLs that lost their
   * passwords), at this open or an earlier one (by any Rackside process), that the user has not
   * dismissed: each start says so until then.
   */
  recoveries(): readonly RecoveryReport[];
  /** The user has read these of `recoveries()` (all by default): later opens no longer report them. */
  dismissRecoveries(reports?: readonly RecoveryReport[]): void;
  /**
   * Reads the record again if another process changed it since (found damage, dismissed reports):
   * whether `recoveries()` changed. For a process that runs on, as the app does.
   */
  refreshRecoveries(): boolean;
  /**
   * Set when the disk let the database open for reading only (full, failing): what is stored
   * can be read, nothing can be saved. Says why, in words.
   */
  readOnly: string | null;
  /** Locks the vault and closes the database. */
  close(): void;
}

/**
 * The local store: the SQLite database (`<dataDir>/rackside.db`) and the vault
 * (`<dataDir>/vault.json`), composed into the services the hosts and the CLI use.
 *
 * vault — `state()`, `onStateChange(cb) → unsubscribe`, `setup(passphrase, {useKeychain?})`,
 *   `unlock(passphrase)`, `unlockWithKeychain() → boolean`, `lock()`,
 *   `changePassphrase(current, next)`, `setIdleTimeout(ms)`, `touch()`, `keychainStatus()`,
 *   `enableKeychain()`, `disableKeychain()`, `unlockWaitMs()`.
 * profiles — `list()`, `get(id)`, `resolve(idOrName)`, `findByName(name)`, `save(input)`,
 *   `remove(id)`, `getSecrets(id)`, `pinCertificate(id, sha256)`.
 * Probing, import and export are functions in src/main/profiles/ taking this store's services.
 */
export function openStore(options: OpenStoreOptions): Store {
  ensureDataDir(options.dataDir);
  const logger = options.logger.child('store');
  const clock = options.clock ?? (() => new Date());
  // Set when this open upgraded the database and the upgrade has something to tell the user.
  const upgrade: { recorded: RecoveryReport[] | null } = { recorded: null };
  const database = withWritableFolder(options.dataDir, () =>
    openDatabase({
      file: path.join(options.dataDir, databaseFileName),
      logger: logger.child('db'),
      nativeBinding: options.nativeBinding,
      clock,
      recordNotices: (notices) => {
        upgrade.recorded = recordUpgradeNotices(options.dataDir, notices, clock(), logger);
      },
    }),
  );
  const vault = new Vault({
    file: path.join(options.dataDir, vaultFileName),
    logger: logger.child('vault'),
    secretBox: options.secretBox,
    now: () => clock().getTime(),
    ...(options.timers === undefined ? {} : { timers: options.timers }),
    storedSecrets: () => Number(database.db.prepare('SELECT count(*) FROM secrets').pluck().get()),
    unlockLimit: new StoredUnlockLimit(database.db, logger.child('vault')),
  });
  const { db, recovered } = database;
  let recoveries =
    recovered === null
      ? (upgrade.recorded ?? readRecoveries(options.dataDir, logger))
      : recordRecovery(options.dataDir, recovered, clock(), logger);
  let recordStamp = recoveryRecordStamp(options.dataDir);
  const profiles = new ProfileService(db, vault, logger.child('profiles'), clock);
  let closed = false;
  return {
    dataDir: options.dataDir,
    db,
    vault,
    profiles,
    recovered,
    recoveries: () => recoveries,
    dismissRecoveries: (reports = recoveries) => {
      dismissRecoveries(options.dataDir, reports, logger);
      recoveries = recoveries.filter((r) => !reports.includes(r));
    },
    refreshRecoveries: () => {
      const stamp = recoveryRecordStamp(options.dataDir);
      if (stamp === recordStamp) return false;
      recordStamp = stamp;
      const read = readRecoveries(options.dataDir, logger);
      if (JSON.stringify(read) === JSON.stringify(recoveries)) return false;
      recoveries = read;
      return true;
    },
    readOnly: database.readOnly,
    close: () => {
      if (closed) return;
      closed = true;
      vault.lock();
      database.close();
    },
  };
}

/**
 * Creates the data folder if needed, readable by its owner only (it holds the database and the
 * vault), and says plainly when the path cannot be one — a file, a folder the user may not
 * write — instead of a bare `EEXIST` from deep inside opening the database.
 */
export function ensureDataDir(dir: string): void {
  try {
    makeFolders(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'it, or a folder above it, is a file'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'no permission to create it there'
          : code === 'ENOENT'
            ? 'folders cannot be created there'
            : (error as Error).message;
    throw new AppError('bad-request', `Cannot use ${dir} as the data folder: ${why}.`, {
      cause: error,
    });
  }
}

/** Errors that mean the folder cannot be written: by the file system or by SQLite. */
const notWritable = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_READONLY_DIRECTORY',
]);

/**
 * Runs `open` and says plainly when it failed because Rackside cannot write in the data folder
 * (read-only media, another user's folder), rather than a bare `EACCES` or `SQLITE_CANTOPEN`.
 */
function withWritableFolder<T>(dir: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !notWritable.has(code)) throw error;
    throw new AppError(
      'bad-request',
      `Cannot use ${dir} as the data folder: Rackside cannot write there, and it keeps its database there. Make the folder writable, or choose another data folder.`,
      { cause: error },
    );
  }
}

/**
 * `mkdir -p` with mode 0700, one level at a time. Node's own recursive `mkdirSync` never returns
 * for a path under `/proc`, where creating a folder fails with ENOENT while its parent exists.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      if (!fs.statSync(at).isDirectory()) {
        throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' });
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(at) === at) {
        throw error;
      }
      missing.push(at);
    }
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
      // Made meanwhile by another process (a second window, the CLI): fine if it is a folder.
      if (
        (error as NodeJS.ErrnoException).code !== 'EEXIST' ||
        !fs.statSync(folder).isDirectory()
      ) {
        throw error;
      }
    }
  }
}
