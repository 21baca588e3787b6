import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors';
import type { Logger } from '../core/logger';
import type { Migration } from './migrations';
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
 */
export function migrate(db: Sqlite, list: readonly Migration[], logger: Logger): void {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new AppError('internal', `Migration list is not numbered 1..n at entry ${index}`);
    }
  });
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL
  ) STRICT`);
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const applied = db
    .prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version')
    .all() as AppliedRow[];
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
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)',
  );
  for (const migration of list.slice(applied.length)) {
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(
        migration.version,
        migration.name,
        migrationHash(migration),
        new Date().toISOString(),
      );
      db.pragma(`user_version = ${migration.version}`);
    })();
    logger.info('applied migration', { version: migration.version, name: migration.name });
  }
}
