import fs from 'node:fs';

/**
 * Which file is at `file` (device and inode), or null when there is none: a file moved away and
 * another put in its place has another identity, though its name is the same.
 */
export function fileIdentity(file: string): string | null {
  const stat = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  return stat === undefined ? null : `${String(stat.dev)}:${String(stat.ino)}`;
}

/** SQLite's own code for a write refused because the database file was moved since it was opened. */
export const databaseMovedCode = 'SQLITE_READONLY_DBMOVED';

/**
 * Throws (with `databaseMovedCode`) once the file at `file` is no longer the one whose identity
 * was `identity` when the core opened it: another process (the CLI's recovery) moved it aside,
 * and whatever a connection to it committed would go to a file nobody reads. A thread with a
 * connection of its own looks right before it opens one and before each commit.
 */
export function assertUnmoved(file: string, identity: string | null): void {
  if (identity === null || fileIdentity(file) === identity) return;
  throw Object.assign(
    new Error('The database file was moved or replaced since Rackside opened it.'),
    { code: databaseMovedCode },
  );
}
