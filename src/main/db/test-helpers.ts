import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temporary directory for one test. */
export function tempDir(prefix = 'rackside-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
