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
