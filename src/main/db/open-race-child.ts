/**
 * Child process for the test of several processes opening one database at once: loads
 * everything, says `ready`, and opens the database the moment a line arrives on stdin, so the
 * processes' opens meet. Exits 0 when the open worked, 1 with SQLite's message otherwise.
 */
import readline from 'node:readline';
import { silentLogger } from '../core/logger';
import { openDatabase } from './open-database';

const file = process.argv[2] ?? '';
const lines = readline.createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', () => {
  lines.close();
  try {
    openDatabase({ file, logger: silentLogger }).close();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
});
