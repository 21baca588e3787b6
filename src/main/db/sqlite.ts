import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Sqlite = Database.Database;

/**
 * Opens better-sqlite3. The Electron host passes `nativeBinding` (the build for Electron's ABI
 * produced by scripts/build-electron-sqlite.mjs); Node (tests, CLI, browser host) uses the
 * build in node_modules.
 */
export function openSqlite(
  file: string,
  options: { nativeBinding?: string | undefined } = {},
): Sqlite {
  return options.nativeBinding === undefined
    ? new Database(file)
    : new Database(file, { nativeBinding: options.nativeBinding });
}

/** The Electron build of better-sqlite3 made by scripts/build-electron-sqlite.mjs, if present. */
export function electronNativeBinding(appRoot: string): string | undefined {
  const file = path.join(appRoot, 'native', 'electron', 'better_sqlite3.node');
  return fs.existsSync(file) ? file : undefined;
}
