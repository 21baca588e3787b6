import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors';
import type { Logger } from '../core/logger';
import type { Migration, UpgradeNotice } from './migrations';
import type { Sqlite } from './sqlite';

export function migrationHash(migration: Migration): string {
  return createHash('sha256').update(`${migration.version}\n${migration.sql}`).digest('hex');
}

interface AppliedRow {
  version: number;
  name: string;
  sha256: string;
}

/**
 * Brings the schema up to date. Refuses a database written by a newer Rackside, and a database
 * whose applied migrations differ from the ones this build carries (an edited migration).
 *
 * Another Rackside process (the app, the CLI) may open the same database at the same moment: what
 * is applied is read again and the missing migrations applied under one write lock
 * (`BEGIN IMMEDIATE`), so the later process waits (busy_timeout) and then finds them applied. A
 * database already up to date is only read, never locked for writing.
 *
 * The notices of the migrations applied go to `record` before they commit, so that changes the
 * user must hear about are never made without a word (a failed commit leaves a notice that the
 * next open, applying the migration again, records again under the same id).
 */
export function migrate(
  db: Sqlite,
  list: readonly Migration[],
  logger: Logger,
  record: (notices: readonly UpgradeNotice[]) => void = () => undefined,
): void {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new AppError('internal', `Migration list is not numbered 1..n at entry ${index}`);
    }
  });
  if (appliedMigrations(db, list) === list.length) return;
  const recordApplied = (migration: Migration): void => {
    db.prepare(
      'INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)',
    ).run(migration.version, migration.name, migrationHash(migration), new Date().toISOString());
  };
  const applied = db
    .transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL
      ) STRICT`);
      const pending = list.slice(appliedMigrations(db, list));
      const notices: UpgradeNotice[] = [];
      for (const migration of pending) {
        const notice = migration.notice?.(db) ?? null;
        if (notice !== null) notices.push(notice);
        db.exec(migration.sql);
        recordApplied(migration);
        db.pragma(`user_version = ${migration.version}`);
      }
      if (notices.length > 0) record(notices);
      return pending;
    })
    .immediate();
  for (const migration of applied) {
    logger.info('applied migration', { version: migration.version, name: migration.name });
  }
}

/**
 * How many of `list` the database has applied, after checking they are `list`'s own: throws for a
 * database from a newer Rackside or with an edited migration.
 */
function appliedMigrations(db: Sqlite, list: readonly Migration[]): number {
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const hasTable =
    db
      .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")
      .get() !== undefined;
  const applied = hasTable
    ? (db
        .prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version')
        .all() as AppliedRow[])
    : [];
  const newest = Math.max(userVersion, applied.at(-1)?.version ?? 0);
  if (newest > list.length) {
    throw new AppError(
      'newer-version',
      `This database was written by a newer version of Rackside (schema ${newest}; this version knows ${list.length}). Update Rackside to open it.`,
    );
  }
  for (const row of applied) {
    const known = list[row.version - 1];
    if (known === undefined || migrationHash(known) !== row.sha256) {
      throw new AppError(
        'data-corrupt',
        `Migration ${row.version} ("${row.name}") differs from the one applied to this database (hash mismatch). Applied migrations must never be edited.`,
      );
    }
  }
  return applied.length;
}
