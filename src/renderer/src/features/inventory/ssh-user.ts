import { SshUser } from '../../../../shared/ssh';

/**
 * The login name last used per asset for an SSH terminal without a profile, kept in this
 * window's localStorage (newest first, at most `maxRemembered` assets): a convenience prefill,
 * not inventory data.
 */
const key = 'rackside.inventory.ssh-users';
export const maxRemembered = 200;

type Remembered = [assetId: number, user: string][];

function read(storage: Storage): Remembered {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (e): e is [number, string] =>
        Array.isArray(e) &&
        typeof e[0] === 'number' &&
        typeof e[1] === 'string' &&
        SshUser.safeParse(e[1]).success,
    );
  } catch {
    return [];
  }
}

export function lastSshUser(
  assetId: number,
  storage: Storage = window.localStorage,
): string | undefined {
  return read(storage).find(([id]) => id === assetId)?.[1];
}

export function rememberSshUser(
  assetId: number,
  user: string,
  storage: Storage = window.localStorage,
): void {
  const rest = read(storage).filter(([id]) => id !== assetId);
  storage.setItem(key, JSON.stringify([[assetId, user], ...rest].slice(0, maxRemembered)));
}

/**
 * Who to log in as: the user last used on this asset, else the default SSH user from the
 * settings, else the operating-system user the core reports, else `fallback` (root).
 */
export function initialSshUser(
  assetId: number,
  defaults: { defaultSshUser?: string; osUser?: string; fallback: string },
  storage: Storage = window.localStorage,
): string {
  const os = defaults.osUser !== undefined && SshUser.safeParse(defaults.osUser).success;
  const configured = defaults.defaultSshUser === '' ? undefined : defaults.defaultSshUser;
  return (
    lastSshUser(assetId, storage) ??
    configured ??
    (os ? defaults.osUser : undefined) ??
    defaults.fallback
  );
}
