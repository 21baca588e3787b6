import SSHConfig from 'ssh-config';
import { AppError } from '../../shared/errors';
import {
  Manifest,
  ManifestProfile,
  manifestMarker,
  manifestVersion,
  type ManifestProfileInput,
} from '../../shared/manifest';
import { describeIssue } from './issues';

export interface SshConfigImportOptions {
  /** User when neither the entry nor `Host *` names one (OpenSSH uses the local login). */
  defaultUser: string;
  folder?: string;
}

const wildcard = /[*?!]/;

/**
 * Turns `~/.ssh/config` Host entries into a manifest of SSH profiles named after their aliases
 * (so re-importing updates instead of duplicating). Wildcard patterns only supply defaults.
 * `ProxyJump a,b` becomes a chain: the target jumps through b, which jumps through a. Hops that
 * are not Host entries become their own profiles named after the hop (`user@host:port`); a Host
 * entry used as a later hop gets a profile of its own for that place in the chain (`b via a`),
 * since its own profile does not go through a.
 */
export function sshConfigToManifest(text: string, options: SshConfigImportOptions): Manifest {
  let config: SSHConfig;
  try {
    config = SSHConfig.parse(text);
  } catch (error) {
    throw new AppError('bad-request', `The SSH config cannot be read: ${(error as Error).message}`);
  }
  const aliases: string[] = [];
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values =
      typeof line.value === 'string' ? line.value.split(/\s+/) : line.value.map((v) => v.val);
    for (const alias of values)
      if (alias !== '' && !wildcard.test(alias) && !aliases.includes(alias)) aliases.push(alias);
  }
  const entries = new Map<string, ManifestProfileInput>();
  const folder = options.folder ?? 'SSH config';

  /** What a Host entry says about reaching its alias, apart from its own ProxyJump. */
  const aliasConnection = (alias: string) => {
    const computed = config.compute(alias);
    const one = (key: string): string | undefined => {
      const value = computed[key];
      return Array.isArray(value) ? value[0] : value;
    };
    const port = one('Port');
    const keyFile = one('IdentityFile');
    return {
      proxyJump: one('ProxyJump'),
      connection: {
        kind: 'ssh' as const,
        host: one('HostName') ?? alias,
        port: port === undefined ? 22 : Number(port),
        username: one('User') ?? options.defaultUser,
        auth:
          keyFile === undefined ? { mode: 'agent' as const } : { mode: 'key' as const, keyFile },
      },
    };
  };

  const hopEntry = (spec: string, previous: string | null): string => {
    const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec);
    if (match === null)
      throw new AppError('bad-request', `ProxyJump hop "${spec}" is not [user@]host[:port].`);
    const host = (match[2] ?? '').replace(/^\[(.*)\]$/, '$1');
    const name = previous === null ? spec : `${spec} via ${previous}`;
    const alias =
      match[1] === undefined && match[3] === undefined
        ? aliases.find((a) => a.toLowerCase() === host.toLowerCase())
        : undefined;
    if (alias !== undefined) {
      // The first hop is the Host entry itself, with its own ProxyJump if it has one. A later
      // hop is reached through the one before it: the entry's settings with that jump host.
      if (previous === null) return alias;
      entries.set(name, {
        name,
        folder,
        tags: ['ssh-config'],
        connection: { ...aliasConnection(alias).connection, jumpHost: previous },
      });
      return name;
    }
    entries.set(name, {
      name,
      folder,
      tags: ['ssh-config'],
      connection: {
        kind: 'ssh',
        host,
        port: match[3] === undefined ? 22 : Number(match[3]),
        username: match[1] ?? options.defaultUser,
        auth: { mode: 'agent' },
        jumpHost: previous,
      },
    });
    return name;
  };

  for (const alias of aliases) {
    const { proxyJump, connection } = aliasConnection(alias);
    let jumpHost: string | null = null;
    if (proxyJump !== undefined && proxyJump.toLowerCase() !== 'none') {
      for (const hop of proxyJump
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== '')) {
        jumpHost = hopEntry(hop, jumpHost);
      }
    }
    entries.set(alias, {
      name: alias,
      folder,
      tags: ['ssh-config'],
      connection: { ...connection, jumpHost },
    });
  }

  const profiles = [...entries.values()].map((entry) => {
    const parsed = ManifestProfile.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        'bad-request',
        `SSH config Host "${entry.name}": ${issue === undefined ? 'invalid' : describeIssue(issue)}`,
      );
    }
    return parsed.data;
  });
  return Manifest.parse({
    rackside: manifestMarker,
    version: manifestVersion,
    generator: 'ssh-config',
    profiles,
  });
}
