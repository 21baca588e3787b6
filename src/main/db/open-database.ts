import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { writeFileDurably } from '../core/atomic-file';
import type { Logger } from '../core/logger';
import { migrate } from './migrate';
import { migrations as defaultMigrations, type Migration, type UpgradeNotice } from './migrations';
import { openSqlite, type Sqlite } from './sqlite';

const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1');

/** What happened to a damaged database file found at open. */
export interface CorruptionReport {
  reason: string;
  movedTo: string;
  message: string;
}

export interface OpenedDatabase {
  db: Sqlite;
  /** Set when the previous file was damaged, moved aside and replaced by a new, empty one. */
  recovered: CorruptionReport | null;
  /**
   * How the existing file was checked: `full` ran `quick_check` over every page; `clean-close`
   * trusted the record of a clean close that still matches the file; `new` means there was none.
   */
  check: 'full' | 'clean-close' | 'new';
  /**
   * Set when the disk would not let the database open as usual (full, failing): it is open for
   * reading what is stored, and every write fails with the disk's own error. Says so, in words.
   */
  readOnly: string | null;
  /** Closes the connection and records the clean close, so the next open can skip the full check. */
  close(): void;
}

export interface OpenDatabaseOptions {
  file: string;
  logger: Logger;
  nativeBinding?: string | undefined;
  migrations?: readonly Migration[];
  clock?: () => Date;
  /** Keeps what an upgrade at this open must tell the user; called before the upgrade commits. */
  recordNotices?: (notices: readonly UpgradeNotice[]) => void;
}

/** A full check at least this often, even after clean closes. */
export const fullCheckEveryMs = 7 * 24 * 3600 * 1000;

/**
 * Opens (creating if needed) the Rackside database: header and `quick_check` first, then pragmas
 * and migrations. A damaged file is never deleted: it is renamed `<name>.corrupt-<time>` with its
 * WAL, a new database is created, and the report says where the old one went.
 *
 * `quick_check` reads every page: about a second for a 100 000-asset inventory, on every app
 * start and every CLI command. So `close()` writes `<name>-closed`, the file's size, inode and
 * modification time after the last connection closed; the next open skips the full check only
 * if that record still matches, no WAL is left behind and the last full check is under a week
 * old. A crash leaves no record (it is removed at open), and any write to the file since — by
 * Rackside, another program or a restored backup — changes the modification time: both lead to
 * the full check.
 *
 * The whole connection runs `synchronous=FULL`. Profiles, secrets, known hosts and audit entries
 * need it, and the inventory writes that could afford NORMAL are batched per transaction anyway,
 * so one durable setting is simpler than switching per statement.
 */
export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const clock = options.clock ?? (() => new Date());
  fs.mkdirSync(path.dirname(options.file), { recursive: true });
  if (fs.statSync(options.file, { throwIfNoEntry: false })?.isDirectory() === true) {
    throw new AppError(
      'conflict',
      `Cannot open the database ${options.file}: it is a folder, not a file. Move it out of the way.`,
    );
  }
  const unwritable = whyNotWritable(options.file);
  if (unwritable !== null) return openInUnwritableFolder(options, unwritable, clock());
  let recovered: CorruptionReport | null = null;
  keepOwnerOnly(options.file, options.logger);

  const now = clock();
  const marker = cleanCloseMarker(options.file);
  const previous = readCleanClose(marker);
  removeIfPresent(marker);
  const exists = fs.existsSync(options.file);
  const trusted = exists && previous !== null && stillClean(options.file, previous, now);
  const check: OpenedDatabase['check'] = !exists ? 'new' : trusted ? 'clean-close' : 'full';
  const lastFullCheck = trusted ? previous.fullCheckAt : now.toISOString();

  let damage: string | null;
  try {
    damage =
      headerProblem(options.file) ?? (trusted ? null : integrityProblem(options.file, options));
  } catch (error) {
    if (isBusy(error)) throw waitedInVain(options.file, error);
    // A disk too full to check the file on: read it without writing, checked as it is read.
    const problem = storageProblem(error);
    const reading = problem === null ? null : openForReading(options, problem, true);
    if (reading !== null) return reading;
    throw error;
  }
  if (damage !== null) {
    const movedTo = moveAside(options.file, clock());
    const message =
      `The database ${options.file} is damaged (${damage}). It was moved to ${movedTo}, with ` +
      'the profiles, their secrets, the inventory and its joins and splits, and a new, empty ' +
      'database was created. Restore the database from a backup to get them back (the vault ' +
      'file and its passphrase are unchanged and still read the old secrets).';
    options.logger.error('database damaged, moved aside', { file: options.file, movedTo, damage });
    recovered = { reason: damage, movedTo, message };
  }

  createOwnerOnly(options.file);
  const db = openSqlite(options.file, { nativeBinding: options.nativeBinding });
  try {
    applyPragmas(db);
    migrate(db, options.migrations ?? defaultMigrations, options.logger, options.recordNotices);
  } catch (error) {
    db.close();
    // Damage the clean-close record could not see: open again, this time with the full check
    // (the record is gone), which moves the damaged file aside.
    if (trusted && isCorruptionError(error)) return openDatabase(options);
    if (isBusy(error)) throw waitedInVain(options.file, error);
    const problem = storageProblem(error);
    const reading = problem === null || !exists ? null : openForReading(options, problem, !trusted);
    if (reading !== null) return reading;
    throw error;
  }
  options.logger.debug('database opened', { file: options.file, check });
  openFiles.add(options.file);
  let closed = false;
  return {
    db,
    recovered,
    check,
    readOnly: null,
    close: () => {
      if (closed) return;
      closed = true;
      db.close();
      openFiles.delete(options.file);
      if (damageSeen.delete(options.file)) {
        options.logger.warn('SQLite reported damage: the next open checks the whole file', {
          file: options.file,
        });
        return;
      }
      recordCleanClose(options.file, lastFullCheck, options.logger);
    },
  };
}

/**
 * The database on a disk that cannot take a write (full: SQLite cannot even size the shared
 * memory file a WAL database is read through), opened for reading what it holds — the inventory
 * offline, on a train, with a full laptop disk. In exclusive locking mode SQLite keeps the WAL
 * index in this process's memory, so nothing needs writing to read. Only a database already at
 * this version is opened so (a migration would need to write); null when even reading fails.
 * While it is open no other process can use the file.
 */
function openForReading(
  options: OpenDatabaseOptions,
  problem: string,
  check: boolean,
): OpenedDatabase | null {
  let db: Sqlite | undefined;
  try {
    db = openSqlite(options.file, { nativeBinding: options.nativeBinding });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    const latest = (options.migrations ?? defaultMigrations).at(-1)?.version ?? 0;
    // A damaged file is left for an open that can move it aside.
    const damaged =
      check &&
      (db.pragma('quick_check') as { quick_check: string }[]).some((r) => r.quick_check !== 'ok');
    if (version !== latest || damaged) {
      db.close();
      return null;
    }
  } catch {
    db?.close();
    return null;
  }
  const opened = db;
  options.logger.warn('database opened for reading only', { file: options.file, problem });
  return {
    db: opened,
    recovered: null,
    check: 'clean-close',
    readOnly: problem,
    close: () => {
      if (opened.open) opened.close();
    },
  };
}

/**
 * Why Rackside cannot write the database or the folder it is in (read-only media, another
 * user's files, an immutable file), in words; null when it can. Asked before anything is
 * changed, so an open in such a folder never leaves half its work done.
 */
function whyNotWritable(file: string): string | null {
  for (const name of [path.dirname(file), file]) {
    try {
      fs.accessSync(name, fs.constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      return code === 'EROFS' ? 'its disk is mounted read-only' : 'no permission';
    }
  }
  return null;
}

/**
 * The database in a data folder Rackside cannot write: read from a copy in memory, as SQLite
 * cannot read a WAL database in place without writing its shared-memory file beside it (and
 * taking a write lock on it). What is stored answers — the inventory offline, the profiles —
 * and every write is refused (`SQLITE_READONLY`, said in words by `storageProblem`). The copy
 * is made only of a database this version can read as it is and that holds all its changes;
 * anything that needs writing (creating, upgrading, moving a damaged file aside, applying a
 * WAL left by a crash) is refused with a clear error, and nothing in the folder is touched.
 */
function openInUnwritableFolder(
  options: OpenDatabaseOptions,
  why: string,
  now: Date,
): OpenedDatabase {
  const dir = path.dirname(options.file);
  const refuse = (what: string): AppError =>
    new AppError(
      'unavailable',
      `Cannot use ${dir} as the data folder: Rackside cannot write there (${why}), ${what}. Make the folder writable, or choose another data folder. Nothing was changed.`,
    );
  if (!fs.existsSync(options.file)) {
    throw refuse('and there is no database in it yet to read');
  }
  if (walLeftBehind(options.file)) {
    throw refuse(
      `and the database's latest changes are still in ${options.file}-wal, which only a writable folder can apply`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(options.file);
  } catch {
    throw refuse(`and its database ${options.file} cannot be read either`);
  }
  if (bytes.length === 0) throw refuse('and there is no database in it yet to read');
  if (!bytes.subarray(0, sqliteHeader.length).equals(sqliteHeader)) {
    throw refuse(
      `and the database there is damaged (not an SQLite file), so it cannot be moved aside`,
    );
  }
  // Bytes 18 and 19 mark a WAL database; in memory it is read as a plain one.
  bytes.fill(1, 18, 20);
  let db: Sqlite | undefined;
  try {
    db = openSqlite(bytes, { nativeBinding: options.nativeBinding, readonly: true });
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    const latest = (options.migrations ?? defaultMigrations).at(-1)?.version ?? 0;
    if (version > latest) {
      throw refuse('and its database was written by a newer version of Rackside');
    }
    if (version < latest) {
      throw refuse('and its database is from an older version of Rackside and needs upgrading');
    }
    const marker = readCleanClose(cleanCloseMarker(options.file));
    if (marker === null || !stillClean(options.file, marker, now)) {
      const problems = (db.pragma('quick_check') as { quick_check: string }[]).filter(
        (row) => row.quick_check !== 'ok',
      );
      if (problems.length > 0) {
        throw refuse('and the database there is damaged, so it cannot be moved aside');
      }
    }
  } catch (error) {
    db?.close();
    if (error instanceof AppError) throw error;
    if (isCorruptionError(error)) {
      throw refuse('and the database there is damaged, so it cannot be moved aside');
    }
    throw error;
  }
  const opened = db;
  options.logger.warn('database opened for reading only', { file: options.file, why });
  unwritableFolders.set(options.file, why);
  return {
    db: opened,
    recovered: null,
    check: 'clean-close',
    readOnly: `The data folder ${dir} cannot be written (${why}). Make it writable to save changes; nothing stored was lost.`,
    close: () => {
      unwritableFolders.delete(options.file);
      if (opened.open) opened.close();
    },
  };
}

/** Databases open in this process from a folder Rackside cannot write, and why it cannot. */
const unwritableFolders = new Map<string, string>();

/** Databases open in this process, and those whose use raised a corruption error. */
const openFiles = new Set<string>();
const damageSeen = new Set<string>();

/** SQLite's "database is locked": another connection kept the lock past the busy timeout. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * What to say when opening waited the whole busy timeout for another process: one that is
 * creating or upgrading the database holds its lock that long (a slow upgrade of a large
 * inventory), or, while this one upgrades, an older version writing to it. Nothing was changed.
 */
function waitedInVain(file: string, error: unknown): AppError {
  return new AppError(
    'unavailable',
    `Another Rackside process is setting up or upgrading the data folder ${path.dirname(file)} (or writing to it) and did not finish within ${String(busyTimeoutMs / 1000)} seconds. Try again once it is done.`,
    { cause: error },
  );
}

/** SQLite's own words for a damaged file (`SQLITE_CORRUPT`, its extended codes, `SQLITE_NOTADB`). */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

/**
 * What an error from SQLite says about the disk the data folder is on, in words: full, failing
 * or read-only. Null for any other error.
 */
export function storageProblem(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code.startsWith('SQLITE_FULL')) {
    return 'The disk that holds the data folder is full (SQLite: database or disk is full). Free some space and try again; nothing stored was lost.';
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return 'The data folder could not be read or written (SQLite: disk I/O error): its disk may be full or failing. Free some space or check the disk; nothing stored was lost.';
  }
  if (code.startsWith('SQLITE_READONLY')) {
    // A process opens one database: the folder it could not write is that one's.
    const [unwritable] = unwritableFolders.size === 1 ? unwritableFolders : [];
    if (unwritable !== undefined) {
      const [file, why] = unwritable;
      return `Nothing was saved: Rackside cannot write in the data folder ${path.dirname(file)} (${why}). Make it writable and try again; nothing stored was lost.`;
    }
    return 'The data folder cannot be written to (SQLite: read-only). Check that its disk is mounted writable and the files are yours.';
  }
  return null;
}

/** What to tell the user while the database is open for reading only (`readOnly`). */
export function readOnlyNotice(problem: string): string {
  const cause = problem.replace(
    / and try again; nothing stored was lost\.$|; nothing stored was lost\.$/,
    '.',
  );
  return `${cause} Showing what is stored; nothing can be saved until then.`;
}

/**
 * Called where an unexpected error ends a command: if SQLite said the file is damaged, the open
 * databases leave no clean-close record, so the next open runs the full check — and moves a
 * damaged file aside — instead of trusting the record until the weekly check. Returns whether it
 * was such an error. (A process opens one database; errors do not say which file they came from.)
 */
export function noteIfCorruption(error: unknown): boolean {
  if (!isCorruptionError(error)) return false;
  for (const file of openFiles) damageSeen.add(file);
  return true;
}

const CleanClose = z
  .object({
    size: z.string().regex(/^\d{1,20}$/),
    ino: z.string().regex(/^\d{1,30}$/),
    mtimeNs: z.string().regex(/^\d{1,30}$/),
    fullCheckAt: z.iso.datetime(),
  })
  .strict();
type CleanClose = z.infer<typeof CleanClose>;

function cleanCloseMarker(file: string): string {
  return `${file}-closed`;
}

function fileIdentity(file: string): Omit<CleanClose, 'fullCheckAt'> {
  const stat = fs.statSync(file, { bigint: true });
  return { size: String(stat.size), ino: String(stat.ino), mtimeNs: String(stat.mtimeNs) };
}

/** The clean-close record, or null when it is missing or unreadable (both mean: check fully). */
function readCleanClose(marker: string): CleanClose | null {
  try {
    const parsed = CleanClose.safeParse(JSON.parse(fs.readFileSync(marker, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function stillClean(file: string, record: CleanClose, now: Date): boolean {
  const age = now.getTime() - Date.parse(record.fullCheckAt);
  if (!(age >= 0 && age < fullCheckEveryMs)) return false;
  if (walLeftBehind(file)) return false;
  const current = fileIdentity(file);
  return (
    current.size === record.size && current.ino === record.ino && current.mtimeNs === record.mtimeNs
  );
}

/** A WAL with content means a connection is still open or one ended without closing. */
function walLeftBehind(file: string): boolean {
  try {
    return fs.statSync(`${file}-wal`).size > 0;
  } catch {
    return false;
  }
}

function recordCleanClose(file: string, fullCheckAt: string, logger: Logger): void {
  try {
    if (walLeftBehind(file)) return;
    const record: CleanClose = { ...fileIdentity(file), fullCheckAt };
    writeFileDurably(cleanCloseMarker(file), `${JSON.stringify(record)}\n`);
  } catch (error) {
    // Without the record the next open runs the full check: slower, never less safe.
    logger.warn('could not record the clean close', { file, error: String(error) });
  }
}

/**
 * The database holds profile URLs, user names, hosts and the inventory: it is readable by its
 * owner only, also in a data folder others may read (one made before Rackside used it). SQLite
 * creates a new database under the umask (often 0644) and gives its -wal, -shm and -journal
 * files the database file's own mode; so a new database is created 0600 before SQLite opens it
 * (`createOwnerOnly`), and the files of an older version are tightened here. A file that cannot
 * be changed (read-only media, another user's) is opened as it is.
 */
function keepOwnerOnly(file: string, logger: Logger): void {
  if (process.platform === 'win32') return;
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    const name = `${file}${suffix}`;
    try {
      const mode = fs.statSync(name).mode & 0o777;
      if ((mode & 0o077) !== 0) fs.chmodSync(name, mode & 0o700);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      logger.warn('cannot make a database file readable by its owner only', {
        file: name,
        error: String(error),
      });
    }
  }
}

/** Creates an empty database file readable by its owner only, unless one exists. */
function createOwnerOnly(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch {
    // It exists (maybe made a moment ago by another Rackside process), or it cannot be created:
    // SQLite, opening it next, says why in its own words.
  }
}

function removeIfPresent(file: string): void {
  fs.rmSync(file, { force: true });
}

const busyTimeoutMs = 5000;

function applyPragmas(db: Sqlite): void {
  // First: switching a new database to WAL takes a lock another process opening it may hold.
  db.pragma(`busy_timeout = ${String(busyTimeoutMs)}`);
  switchToWal(db);
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
}

/**
 * `journal_mode = WAL`. On a database not yet in WAL (a new one) the switch reads the header,
 * then writes it: when another Rackside process switches the same file at that moment, SQLite
 * answers "database is locked" at once rather than wait (waiting for each other could never
 * end), so its busy timeout does not help. The process that lost tries again a moment later,
 * for as long as the busy timeout; by then the file is in WAL and nothing needs writing.
 */
function switchToWal(db: Sqlite): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const busy = typeof code === 'string' && code.startsWith('SQLITE_BUSY');
      if (!busy || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 10 + Math.floor(Math.random() * 20));
    }
  }
}

/** A pause without a timer: nothing changes this value, so a wait on it ends by its timeout. */
const pause = new Int32Array(new SharedArrayBuffer(4));

function headerProblem(file: string): string | null {
  let handle: number;
  try {
    handle = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('unavailable', `Cannot read the database ${file}: ${String(error)}`);
  }
  try {
    const size = fs.fstatSync(handle).size;
    if (size === 0) return null;
    const head = Buffer.alloc(sqliteHeader.length);
    const read = fs.readSync(handle, head, 0, head.length, 0);
    if (read < head.length || !head.equals(sqliteHeader)) return 'not an SQLite file';
    return null;
  } finally {
    fs.closeSync(handle);
  }
}

function integrityProblem(file: string, options: OpenDatabaseOptions): string | null {
  if (!fs.existsSync(file)) return null;
  let db: Sqlite | undefined;
  try {
    db = openSqlite(file, { nativeBinding: options.nativeBinding });
    // Another process may be making or migrating this database at this moment: wait for it.
    db.pragma(`busy_timeout = ${String(busyTimeoutMs)}`);
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((row) => row.quick_check).filter((text) => text !== 'ok');
    return problems.length === 0
      ? null
      : `integrity check failed: ${problems.slice(0, 3).join('; ')}`;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
      return `integrity check failed: ${(error as Error).message}`;
    }
    throw error;
  } finally {
    db?.close();
  }
}

function moveAside(file: string, now: Date): string {
  const stamp = now.toISOString().replace(/:/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  fs.renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  return target;
}
