import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { nameSortKey } from '../../shared/name-sort';

export type Sqlite = Database.Database;

/** SQL name of `nameSortKey`, registered on every connection (migration 11 fills the columns). */
export const nameSortFunction = 'rackside_name_sort';

/**
 * Opens better-sqlite3. The Electron host passes `nativeBinding` (the build for Electron's ABI
 * produced by scripts/build-electron-sqlite.mjs); Node (tests, CLI, browser host) uses the
 * build in node_modules. Registers Rackside's SQL functions (`rackside_name_sort`).
 */
export function openSqlite(
  file: string,
  options: { nativeBinding?: string | undefined } = {},
): Sqlite {
  const db =
    options.nativeBinding === undefined
      ? new Database(file)
      : new Database(file, { nativeBinding: options.nativeBinding });
  db.function(nameSortFunction, { deterministic: true }, (name: unknown) =>
    typeof name === 'string' ? nameSortKey(name) : null,
  );
  return db;
}

/** The Electron build of better-sqlite3 made by scripts/build-electron-sqlite.mjs, if present. */
export function electronNativeBinding(appRoot: string): string | undefined {
  const file = path.join(appRoot, 'native', 'electron', 'better_sqlite3.node');
  return fs.existsSync(file) ? file : undefined;
}
