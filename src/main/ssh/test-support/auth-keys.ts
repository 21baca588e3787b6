import fs from 'node:fs/promises';
import { beforeAll } from 'vitest';
import {
  ensurePasswordUser,
  generateKey,
  passwordUser,
  startSshd,
  type KeyPair,
  type Sshd,
} from './sshd';

export interface AuthKeys {
  host: KeyPair;
  client: KeyPair;
  /** A client key encrypted with the passphrase `open sesame`. */
  locked: KeyPair;
}

/**
 * The keys a test file's sessions log in with, made once before its tests (with the password
 * user), and OpenSSH servers that know them: `sshd(dir, extraConfig)` presents `keys.host` and
 * takes `keys.client` and `keys.locked`.
 */
export function useAuthKeys(): {
  readonly keys: AuthKeys;
  sshd: (dir: string, extraConfig?: string[]) => Promise<Sshd>;
} {
  let keys: AuthKeys | undefined;
  beforeAll(async () => {
    const keyDir = await fs.mkdtemp('/tmp/rackside-ssh-keys-');
    const [host, client, locked] = await Promise.all([
      generateKey(keyDir, 'host'),
      generateKey(keyDir, 'client'),
      generateKey(keyDir, 'locked', { passphrase: 'open sesame' }),
    ]);
    keys = { host, client, locked };
    await ensurePasswordUser();
    return () => fs.rm(keyDir, { recursive: true, force: true });
  });
  const made = (): AuthKeys => {
    if (keys === undefined) throw new Error('the keys are made before the first test');
    return keys;
  };
  return {
    get keys() {
      return made();
    },
    sshd: (dir, extraConfig = []) =>
      startSshd(dir, {
        hostKey: made().host,
        authorizedKeys: [made().client.publicLine, made().locked.publicLine],
        extraConfig,
      }),
  };
}

/** A quick-connect target: the test's password user on `server`, logging in by `mode`. */
export function asPasswordUser(
  server: Sshd,
  mode: 'password' | 'keyboard-interactive',
): { host: string; port: number; username: string; auth: { mode: typeof mode } } {
  return { host: server.host, port: server.port, username: passwordUser, auth: { mode } };
}

/** A saved profile for the test's password user on `server`, logging in by `mode`. */
export function passwordUserProfile(
  name: string,
  server: Sshd,
  mode: 'password' | 'keyboard-interactive',
) {
  return { name, connection: { ...asPasswordUser(server, mode), kind: 'ssh' as const } };
}
