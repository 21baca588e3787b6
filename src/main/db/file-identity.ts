import fs from 'node:fs';

/**
 * Which file is at `file` (device and inode), or null when there is none: a file moved away and
 * another put in its place has another identity, though its name is the same.
 */
export function fileIdentity(file: string): string | null {
  const stat = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  return stat === undefined ? null : `${String(stat.dev)}:${String(stat.ino)}`;
}
