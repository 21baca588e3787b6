import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronNativeBinding, openSqlite } from './sqlite';
import { tempDir } from './test-helpers';

describe('openSqlite', () => {
  it('loads an explicit native binding, as the Electron host does', () => {
    const require = createRequire(import.meta.url);
    const nodeBuild = path.join(
      path.dirname(require.resolve('better-sqlite3/package.json')),
      'build',
      'Release',
      'better_sqlite3.node',
    );
    const db = openSqlite(':memory:', { nativeBinding: nodeBuild });
    expect(db.prepare('SELECT 1 + 1 AS two').get()).toEqual({ two: 2 });
    db.close();
    expect(electronNativeBinding(tempDir())).toBeUndefined();
  });
});
