import fs from 'node:fs/promises';
import { AppError } from '../../shared/errors';
import type { HostKeyPolicy, ProfileView } from '../../shared/profiles';
import type { SecretValues } from '../profiles/profile-service';
import type { Hop, HopAuth } from './session-types';

/** What the session manager needs from the profile service. */
export interface ProfileSource {
  get(id: string): ProfileView;
  getSecrets(id: string): SecretValues;
  /** Keeps a password or passphrase typed at a login prompt with "save in the vault". */
  saveSecret?(id: string, field: 'password' | 'keyPassphrase', value: string): void;
}

/** A connection without a saved profile (quick connect); it may still jump through profiles. */
export interface DirectTarget {
  host: string;
  port?: number;
  username: string;
  auth:
    | { mode: 'password'; password?: string }
    | { mode: 'key'; keyFile?: string; privateKey?: string; passphrase?: string }
    | { mode: 'agent' }
    | { mode: 'keyboard-interactive' };
  hostKeyPolicy?: HostKeyPolicy;
  jumpHostId?: string | null;
}

export interface ResolveDeps {
  profiles: ProfileSource | null;
  agentSocket: string | undefined;
  readFile?: (file: string) => Promise<string>;
}

/** Longest jump chain followed; profile saves refuse loops, this guards old data. */
const maxHops = 8;

/** The hops of a connection, first hop first, with secrets read from the vault or key files. */
export async function resolveHops(
  target: string | DirectTarget,
  deps: ResolveDeps,
): Promise<Hop[]> {
  const hops: Hop[] = [];
  let jump: string | null;
  if (typeof target === 'string') {
    jump = target;
  } else {
    hops.push({
      host: target.host,
      port: target.port ?? 22,
      username: target.username,
      auth: await directAuth(target.auth, deps),
      policy: target.hostKeyPolicy ?? 'ask',
    });
    jump = target.jumpHostId ?? null;
  }
  const seen = new Set<string>();
  while (jump !== null) {
    if (seen.has(jump) || seen.size >= maxHops) {
      throw new AppError('bad-request', 'The jump host chain loops or is longer than 8 hops.');
    }
    seen.add(jump);
    if (deps.profiles === null) throw new AppError('unavailable', 'Profiles are not available.');
    const profile = deps.profiles.get(jump);
    const connection = profile.connection;
    if (connection.kind !== 'ssh') {
      throw new AppError('bad-request', `"${profile.name}" is not an SSH profile.`);
    }
    hops.push({
      host: connection.host,
      port: connection.port,
      username: connection.username,
      auth: await profileAuth(profile, deps),
      policy: connection.hostKeyPolicy,
      profileId: profile.id,
    });
    jump = connection.jumpHostId;
  }
  return hops.reverse();
}

async function profileAuth(profile: ProfileView, deps: ResolveDeps): Promise<HopAuth> {
  if (profile.connection.kind !== 'ssh') throw new AppError('internal', 'not an SSH profile');
  const auth = profile.connection.auth;
  switch (auth.mode) {
    case 'agent':
      return agentAuth(deps);
    case 'keyboard-interactive': {
      const secrets = profile.hasSecret.password === true ? secretsOf(profile, deps) : {};
      return { mode: 'keyboard-interactive', password: secrets.password ?? null };
    }
    case 'password': {
      const secrets = profile.hasSecret.password === true ? secretsOf(profile, deps) : {};
      return { mode: 'password', password: secrets.password ?? null };
    }
    case 'key': {
      // A key file that needs no passphrase logs in with the vault locked (an auto-reconnect).
      const stored =
        profile.hasSecret.keyPassphrase === true || profile.hasSecret.privateKey === true;
      const secrets = stored ? secretsOf(profile, deps) : {};
      if (auth.keyFile !== null) {
        return {
          mode: 'key',
          privateKey: await readKey(auth.keyFile, deps),
          keyLabel: auth.keyFile,
          passphrase: secrets.keyPassphrase ?? null,
        };
      }
      if (secrets.privateKey === undefined) {
        throw new AppError(
          'bad-request',
          `"${profile.name}" uses key authentication but has neither a key file nor a stored key.`,
        );
      }
      return {
        mode: 'key',
        privateKey: secrets.privateKey,
        keyLabel: `stored key of "${profile.name}"`,
        passphrase: secrets.keyPassphrase ?? null,
      };
    }
  }
}

function secretsOf(profile: ProfileView, deps: ResolveDeps): SecretValues {
  if (deps.profiles === null) return {};
  return deps.profiles.getSecrets(profile.id);
}

async function directAuth(auth: DirectTarget['auth'], deps: ResolveDeps): Promise<HopAuth> {
  switch (auth.mode) {
    case 'agent':
      return agentAuth(deps);
    case 'keyboard-interactive':
      return { mode: 'keyboard-interactive', password: null };
    case 'password':
      return { mode: 'password', password: auth.password ?? null };
    case 'key': {
      const privateKey =
        auth.privateKey ??
        (auth.keyFile === undefined ? undefined : await readKey(auth.keyFile, deps));
      if (privateKey === undefined) {
        throw new AppError('bad-request', 'Key authentication needs a key file or a key.');
      }
      return {
        mode: 'key',
        privateKey,
        keyLabel: auth.keyFile ?? 'pasted key',
        passphrase: auth.passphrase ?? null,
      };
    }
  }
}

function agentAuth(deps: ResolveDeps): HopAuth {
  if (deps.agentSocket === undefined || deps.agentSocket === '') {
    throw new AppError(
      'unavailable',
      'No ssh-agent is available (SSH_AUTH_SOCK is not set). Start an agent or pick another authentication method.',
    );
  }
  return { mode: 'agent', socket: deps.agentSocket };
}

async function readKey(file: string, deps: ResolveDeps): Promise<string> {
  try {
    return await (deps.readFile ?? ((f: string) => fs.readFile(f, 'utf8')))(file);
  } catch (error) {
    throw new AppError('not-found', `The key file ${file} cannot be read.`, { cause: error });
  }
}
