import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../shared/errors';

export const appDirName = 'Rackside';

/** `--data-dir "$DIR"` with DIR unset must not quietly open the real store. */
export const emptyDataDirMessage = '--data-dir is empty: give the folder to use.';

export function isEmptyDataDir(flag: string): boolean {
  return flag.trim() === '';
}

/**
 * Where Rackside keeps its database, vault and settings: an explicit `--data-dir`, else
 * `RACKSIDE_DATA_DIR`, else the same per-user folder Electron uses for `userData`, so the app,
 * the browser host and the CLI all find one store.
 */
export function resolveDataDir(options: {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}): string {
  const env = options.env ?? process.env;
  if (options.flag !== undefined) {
    if (isEmptyDataDir(options.flag)) throw new AppError('bad-request', emptyDataDirMessage);
    return path.resolve(options.flag);
  }
  const fromEnv = env.RACKSIDE_DATA_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  return defaultDataDir(options.platform ?? process.platform, options.home ?? os.homedir(), env);
}

export function defaultDataDir(
  platform: NodeJS.Platform,
  home: string,
  env: NodeJS.ProcessEnv,
): string {
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', appDirName);
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), appDirName);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), appDirName);
  }
}
