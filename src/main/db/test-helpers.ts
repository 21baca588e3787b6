import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made = new Set<string>();

/**
 * A fresh temporary directory for one test. Every directory made in a test file is removed
 * after that file's tests (`removeTempDirs`, run by the node project's setup file).
 */
export function tempDir(prefix = 'rackside-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes the directories `tempDir` made so far, with everything in them. */
export function removeTempDirs(): void {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  made.clear();
}
