/**
 * Child process for the search index test: opens a database, starts a background build of its
 * search index and does nothing else, as the app's core between searches. It prints
 * `ready <assets>` when the build finishes, or `stalled` if it has not after 20 s.
 */
import Database from 'better-sqlite3';
import { LiveSearchIndex } from './live-search-index';

const db = new Database(process.argv[2] ?? '', { readonly: true });
const stalled = setTimeout(() => {
  process.stdout.write('stalled\n');
  process.exit(2);
}, 20_000);
const live = new LiveSearchIndex(db, 'background', {
  // A step per turn of the event loop: a small inventory's build takes several turns too.
  sliceMs: 0,
  onReady: (index) => {
    clearTimeout(stalled);
    process.stdout.write(`ready ${index.size}\n`);
    db.close();
  },
  onError: (error) => {
    process.stdout.write(`failed ${String(error)}\n`);
    process.exit(1);
  },
});
live.warm();
