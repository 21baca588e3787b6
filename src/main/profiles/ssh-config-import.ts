import fs from 'node:fs';
import path from 'node:path';
import SSHConfig from 'ssh-config';
import { AppError } from '../../shared/errors';
import {
  Manifest,
  ManifestProfile,
  manifestMarker,
  manifestVersion,
  type ManifestProfileInput,
} from '../../shared/manifest';
import type { HostKeyPolicy } from '../../shared/profiles';
import { describeIssue } from './issues';

export interface SshConfigImportOptions {
  /** User when neither the entry nor `Host *` names one (OpenSSH uses the local login). */
  defaultUser: string;
  folder?: string;
  /** The home folder, for `%d` in file names. */
  home?: string;
  /**
   * The files an `Include` names (absolute, or relative to ~/.ssh; `*` and `?` match), with
   * their text. Without it Include lines are skipped, and said so: a config handed over as text
   * does not get to read other files.
   */
  include?: (pattern: string) => { file: string; text: string }[];
}

/** A Host entry, line or setting the import left out (or changed), and why. */
export interface SshConfigSkip {
  name: string;
  reason: string;
}

export interface SshConfigImport {
  manifest: Manifest;
  skipped: SshConfigSkip[];
  /** Settings of imported hosts that were taken another way, or not carried over. */
  notes: SshConfigSkip[];
}

const wildcard = /[*?!]/;

/** Includes inside included files, at most this deep (OpenSSH stops at 16 as well). */
const maxIncludeDepth = 16;

/**
 * The config with each `Include` replaced by the text of the files it names, as OpenSSH reads
 * them there; what cannot be included is noted in `skipped`.
 */
function withIncludes(
  text: string,
  options: SshConfigImportOptions,
  skipped: SshConfigSkip[],
  depth = 0,
): string {
  return text
    .split(/\r?\n/)
    .map((line) => {
      const include = /^\s*include(?:\s+|\s*=\s*)(.+?)\s*$/i.exec(line);
      if (include?.[1] === undefined) return line;
      const patterns = include[1].split(/\s+/).map((p) => p.replace(/^"(.*)"$/, '$1'));
      if (options.include === undefined || depth >= maxIncludeDepth) {
        skipped.push({
          name: `Include ${include[1]}`,
          reason:
            depth >= maxIncludeDepth
              ? 'includes nest too deep'
              : 'only your own ~/.ssh/config may include other files',
        });
        return '';
      }
      const reader = options.include;
      return patterns
        .flatMap((pattern) => reader(pattern))
        .map(({ text: included }) => withIncludes(included, options, skipped, depth + 1))
        .join('\n');
    })
    .join('\n');
}

/**
 * A host's `StrictHostKeyChecking` (ssh reads it case aside; `true`/`false` are `yes`/`no`) as
 * a Rackside policy, with a note where the policy says less than ssh would do.
 */
function hostKeyPolicyOf(value: string | undefined): {
  policy?: HostKeyPolicy;
  note?: string;
} {
  switch (value?.toLowerCase()) {
    case undefined:
      return {};
    case 'yes':
    case 'true':
      return { policy: 'strict' };
    case 'accept-new':
      return { policy: 'accept-new' };
    case 'ask':
      return { policy: 'ask' };
    case 'no':
    case 'false':
    case 'off':
      // ssh would connect even to a changed key; Rackside never does.
      return {
        policy: 'accept-new',
        note: 'imported as accept-new: new host keys are remembered, and a changed key is refused',
      };
    default:
      return { note: 'not a value ssh knows; the profile asks about unknown host keys' };
  }
}

/** Host-key settings ssh has that Rackside does not carry over, and why. */
const notCarriedOver = {
  hostkeyalias: [
    'HostKeyAlias',
    'not carried over: Rackside knows host keys by the host and port it connects to',
  ],
  userknownhostsfile: [
    'UserKnownHostsFile',
    'not carried over: Rackside reads ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts and the host keys it remembered',
  ],
} as const;

/** `%` tokens of a value, as ssh expands them for this host; null when one is not known here. */
function expandTokens(value: string, tokens: Record<string, string>): string | null {
  const used = [...value.matchAll(/%(.)/g)].map((match) => match[1] ?? '');
  if (used.some((token) => token !== '%' && tokens[token] === undefined)) return null;
  return value.replace(/%(.)/g, (_whole, token: string) =>
    token === '%' ? '%' : (tokens[token] ?? ''),
  );
}

/**
 * Turns `~/.ssh/config` Host entries into a manifest of SSH profiles named after their aliases
 * (so re-importing updates instead of duplicating). Wildcard patterns only supply defaults.
 * `ProxyJump a,b` becomes a chain: the target jumps through b, which jumps through a. Hops that
 * are not Host entries become their own profiles named after the hop (`user@host:port`); a Host
 * entry used as a later hop gets a profile of its own for that place in the chain (`b via a`),
 * since its own profile does not go through a. Keywords are read case aside, `Key=value` too;
 * `%h` and the other tokens ssh knows before connecting are expanded. What cannot become a
 * profile (a ProxyCommand, a value out of range, a token only ssh could fill in) is skipped
 * with its reason, and the other hosts are imported.
 */
export function sshConfigToManifest(
  text: string,
  options: SshConfigImportOptions,
): SshConfigImport {
  const skipped: SshConfigSkip[] = [];
  let config: SSHConfig;
  try {
    config = SSHConfig.parse(withIncludes(text, options, skipped));
  } catch (error) {
    throw new AppError('bad-request', `The SSH config cannot be read: ${(error as Error).message}`);
  }
  const aliases: string[] = [];
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE) continue;
    const values =
      typeof line.value === 'string' ? line.value.split(/\s+/) : line.value.map((v) => v.val);
    if (line.param.toLowerCase() === 'match') {
      skipped.push({ name: `Match ${values.join(' ')}`, reason: 'Match blocks are not read' });
      continue;
    }
    if (line.param.toLowerCase() !== 'host') continue;
    for (const alias of values)
      if (alias !== '' && !wildcard.test(alias) && !aliases.includes(alias)) aliases.push(alias);
  }
  const entries = new Map<string, ManifestProfileInput>();
  /** Host-key settings of an entry that did not come along as they were. */
  const notesOf = new Map<string, SshConfigSkip[]>();
  const folder = options.folder ?? 'SSH config';

  /**
   * What a Host entry says about reaching its alias, apart from its own ProxyJump; a string when
   * it cannot be a profile, saying why.
   */
  const aliasConnection = (alias: string) => {
    // `Match exec` would run a command of the config's: never here.
    const computed = config.compute(alias, { ignoreCase: true, matchExec: false });
    const one = (key: string): string | undefined => {
      const value = computed[key];
      return Array.isArray(value) ? value[0] : value;
    };
    const proxyCommand = one('proxycommand');
    if (proxyCommand !== undefined && proxyCommand.toLowerCase() !== 'none') {
      return 'it connects through a ProxyCommand, which Rackside does not run';
    }
    const port = one('port');
    const host = expandTokens(one('hostname') ?? alias, { h: alias });
    const username = one('user') ?? options.defaultUser;
    const portNumber = port === undefined ? 22 : Number(port);
    const tokens = {
      h: host ?? alias,
      n: alias,
      p: String(portNumber),
      r: username,
      u: options.defaultUser,
      ...(options.home === undefined ? {} : { d: options.home }),
    };
    const rawKey = one('identityfile');
    const keyFile = rawKey === undefined ? undefined : expandTokens(rawKey, tokens);
    if (host === null || /%./.test(username) || keyFile === null) {
      return 'it uses a % token that only ssh can fill in';
    }
    const strict = one('stricthostkeychecking');
    const { policy, note } = hostKeyPolicyOf(strict);
    const notes: SshConfigSkip[] =
      note === undefined
        ? []
        : [{ name: `StrictHostKeyChecking ${strict ?? ''} in ${alias}`, reason: note }];
    for (const [key, [keyword, reason]] of Object.entries(notCarriedOver)) {
      const value = computed[key];
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(' ') : value;
      notes.push({ name: `${keyword} ${text} in ${alias}`, reason });
    }
    return {
      proxyJump: one('proxyjump'),
      notes,
      connection: {
        kind: 'ssh' as const,
        host,
        port: portNumber,
        username,
        auth:
          keyFile === undefined ? { mode: 'agent' as const } : { mode: 'key' as const, keyFile },
        ...(policy === undefined ? {} : { hostKeyPolicy: policy }),
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
      const reached = aliasConnection(alias);
      if (typeof reached === 'string')
        throw new AppError('bad-request', `hop ${alias}: ${reached}`);
      entries.set(name, {
        name,
        folder,
        tags: ['ssh-config'],
        connection: { ...reached.connection, jumpHost: previous },
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

  /** Whether an entry can be a profile: null, or why not. */
  const problemOf = (entry: ManifestProfileInput): string | null => {
    const parsed = ManifestProfile.safeParse(entry);
    if (parsed.success) return null;
    const issue = parsed.error.issues[0];
    return issue === undefined ? 'invalid' : describeIssue(issue);
  };

  for (const alias of aliases) {
    const reached = aliasConnection(alias);
    if (typeof reached === 'string') {
      skipped.push({ name: alias, reason: reached });
      continue;
    }
    const { proxyJump, connection, notes } = reached;
    let jumpHost: string | null = null;
    try {
      if (proxyJump !== undefined && proxyJump.toLowerCase() !== 'none') {
        for (const hop of proxyJump
          .split(',')
          .map((h) => h.trim())
          .filter((h) => h !== '')) {
          jumpHost = hopEntry(hop, jumpHost);
        }
      }
    } catch (error) {
      skipped.push({ name: alias, reason: (error as Error).message });
      continue;
    }
    entries.set(alias, {
      name: alias,
      folder,
      tags: ['ssh-config'],
      connection: { ...connection, jumpHost },
    });
    if (notes.length > 0) notesOf.set(alias, notes);
  }

  // An entry that cannot be a profile goes, and so do those that jump through it.
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, entry] of entries) {
      const jump = entry.connection.kind === 'ssh' ? entry.connection.jumpHost : null;
      const problem =
        problemOf(entry) ??
        (typeof jump === 'string' && !entries.has(jump)
          ? `its jump host ${jump} is skipped`
          : null);
      if (problem === null) continue;
      entries.delete(name);
      if (aliases.includes(name)) skipped.push({ name, reason: problem });
      changed = true;
    }
  }

  const notes: SshConfigSkip[] = [];
  for (const [alias, said] of notesOf) if (entries.has(alias)) notes.push(...said);

  const manifest = Manifest.parse({
    rackside: manifestMarker,
    version: manifestVersion,
    generator: 'ssh-config',
    profiles: [...entries.values()],
  });
  return { manifest, skipped, notes };
}

/** Matches one path segment against a glob segment (`*`, `?`). */
function segmentMatcher(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/**
 * Reads the files an `Include` names, as OpenSSH finds them: `~/` is the home folder, other
 * relative paths are in `sshDir`, `*` and `?` match within a path segment, matches in name
 * order. Folders and unreadable files are left out, as ssh leaves them.
 */
export function includeReader(
  sshDir: string,
  home: string,
): (pattern: string) => { file: string; text: string }[] {
  return (pattern) => {
    const full = pattern.startsWith('~/')
      ? path.join(home, pattern.slice(2))
      : path.isAbsolute(pattern)
        ? pattern
        : path.join(sshDir, pattern);
    let candidates = [path.parse(full).root];
    for (const segment of full.split(path.sep).filter((part) => part !== '')) {
      if (!/[*?]/.test(segment)) {
        candidates = candidates.map((dir) => path.join(dir, segment));
        continue;
      }
      const matcher = segmentMatcher(segment);
      candidates = candidates.flatMap((dir) => {
        try {
          return fs
            .readdirSync(dir)
            .filter((name) => matcher.test(name))
            .sort()
            .map((name) => path.join(dir, name));
        } catch {
          return [];
        }
      });
    }
    return candidates.flatMap((file) => {
      try {
        return fs.statSync(file).isFile() ? [{ file, text: fs.readFileSync(file, 'utf8') }] : [];
      } catch {
        return [];
      }
    });
  };
}
