import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { Logger } from '../core/logger';
import { migrate } from './migrate';
import { migrations as defaultMigrations, type Migration } from './migrations';
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
}

export interface OpenDatabaseOptions {
  file: string;
  logger: Logger;
  nativeBinding?: string | undefined;
  migrations?: readonly Migration[];
  clock?: () => Date;
}

/**
 * Opens (creating if needed) the Rackside database: header and `quick_check` first, then pragmas
 * and migrations. A damaged file is never deleted: it is renamed `<name>.corrupt-<time>` with its
 * WAL, a new database is created, and the report says where the old one went.
 *
 * The whole connection runs `synchronous=FULL`. Profiles, secrets, known hosts and audit entries
 * need it, and the inventory writes that could afford NORMAL are batched per transaction anyway,
 * so one durable setting is simpler than switching per statement.
 */
export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const clock = options.clock ?? (() => new Date());
  fs.mkdirSync(path.dirname(options.file), { recursive: true });
  let recovered: CorruptionReport | null = null;

  const damage = headerProblem(options.file) ?? integrityProblem(options.file, options);
  if (damage !== null) {
    const movedTo = moveAside(options.file, clock());
    const message = `The database ${options.file} is damaged (${damage}). It was moved to ${movedTo} and a new, empty database was created; the vault and its passphrase are unchanged.`;
    options.logger.error('database damaged, moved aside', { file: options.file, movedTo, damage });
    recovered = { reason: damage, movedTo, message };
  }

  const db = openSqlite(options.file, { nativeBinding: options.nativeBinding });
  try {
    applyPragmas(db);
    migrate(db, options.migrations ?? defaultMigrations, options.logger);
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, recovered };
}

function applyPragmas(db: Sqlite): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

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
