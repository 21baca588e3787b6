import fs from 'node:fs';

/**
 * Moves a database file and its WAL and shared-memory files aside, as the CLI's recovery does
 * while another process still has the database open; `files()` then reads what is in the moved
 * files, to show nothing was written to them afterwards.
 */
export function moveDatabaseAside(file: string): { files(): Buffer[] } {
  const movedTo = `${file}.moved-aside`;
  const moved = ['', '-wal', '-shm'].filter((suffix) => fs.existsSync(file + suffix));
  for (const suffix of moved) fs.renameSync(file + suffix, movedTo + suffix);
  // The shared-memory file changes on every read; what is stored is in the other two.
  const stored = moved.filter((suffix) => suffix !== '-shm');
  return { files: () => stored.map((suffix) => fs.readFileSync(movedTo + suffix)) };
}
