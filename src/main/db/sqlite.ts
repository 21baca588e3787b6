import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { nameSortKey } from '../../shared/name-sort';
import { withoutCredentials } from '../../shared/profiles';

export type Sqlite = Database.Database;

/** SQL name of `nameSortKey`, registered on every connection (migration 11 fills the columns). */
export const nameSortFunction = 'rackside_name_sort';

/** SQL name of `withoutCredentials`, for migration 12; a value that is no URL comes back as is. */
export const urlWithoutCredentialsFunction = 'rackside_url_without_credentials';

/**
 * Text with case folded in every script, as searches compare values and words "ignoring case":
 * SQLite's own NOCASE and LIKE fold ASCII letters only (ZÜRICH would not be Zürich). Unicode's
 * full case folding without its Turkish mappings: lower, upper and lower case again gives it,
 * also for the letters whose cases differ in length (ß and SS, ẞ), but for the dotless ı, which
 * folds to itself (kırmızı is not kirmizi) and is kept out of the round trip (its capital is I).
 * The dotted capital İ folds to i, as the search index's words have it and Turkish text expects
 * of ISTANBUL.
 */
export function caseFold(text: string): string {
  if (!text.includes(dotlessI)) return roundTrip(text);
  return text.split(dotlessI).map(roundTrip).join(dotlessI);
}

const dotlessI = '\u0131';

function roundTrip(text: string): string {
  return text.toLowerCase().toUpperCase().toLowerCase().replaceAll('i\u0307', 'i');
}

/** `caseFold` in SQL. */
export const foldFunction = 'rackside_fold';

/**
 * Opens better-sqlite3 on a file, or on a copy in memory of a database's bytes. The Electron
 * host passes `nativeBinding` (the build for Electron's ABI produced by
 * scripts/build-electron-sqlite.mjs); Node (tests, CLI, browser host) uses the build in
 * node_modules. Registers Rackside's SQL functions (`rackside_name_sort`,
 * `rackside_url_without_credentials`, `rackside_fold`).
 */
export function openSqlite(
  file: string | Buffer,
  options: { nativeBinding?: string | undefined; readonly?: boolean; fileMustExist?: boolean } = {},
): Sqlite {
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.fileMustExist ?? false,
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
  });
  db.function(nameSortFunction, { deterministic: true }, (name: unknown) =>
    typeof name === 'string' ? nameSortKey(name) : null,
  );
  db.function(foldFunction, { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? caseFold(text) : null,
  );
  db.function(urlWithoutCredentialsFunction, { deterministic: true }, (url: unknown) => {
    if (typeof url !== 'string') return null;
    try {
      return withoutCredentials(url);
    } catch {
      return url;
    }
  });
  return db;
}

/**
 * Another connection to the Rackside database file, for a worker thread (correlating, storing a
 * sync): the file is already in WAL mode; the connection gets the pragmas the core's own has.
 * Never creates the file: one gone from its path was moved away, and an empty one made there
 * would be taken for a new database.
 */
export function openThreadConnection(file: string, nativeBinding: string | undefined): Sqlite {
  const db = openSqlite(file, { nativeBinding, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = FULL');
  return db;
}

/** The Electron build of better-sqlite3 made by scripts/build-electron-sqlite.mjs, if present. */
export function electronNativeBinding(appRoot: string): string | undefined {
  const file = path.join(appRoot, 'native', 'electron', 'better_sqlite3.node');
  return fs.existsSync(file) ? file : undefined;
}
