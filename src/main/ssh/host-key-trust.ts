import type { HostKeyPolicy } from '../../shared/profiles';
import { isAppError } from '../../shared/errors';
import { rememberedKeySource } from '../../shared/ssh';
import type { Logger } from '../core/logger';
import { identify, type KeyIdentity } from './fingerprint';
import type { HostKeyStore, StoredHostKey } from './host-key-store';
import {
  entryMatches,
  readKnownHostsFile,
  type KnownHostsEntry,
  type ParsedKnownHosts,
} from './known-hosts-file';
import type {
  DisconnectReason,
  HostKeyAnswer,
  HostKeyQuestion,
  KnownKeyRef,
} from './session-types';
import { hostPort } from './disconnect-reason';

/** What the trust sources say about one presented key. */
export type TrustCheck =
  | { status: 'trusted'; source: string }
  | { status: 'revoked'; source: string }
  /** Nothing of this key type is known; `otherTypes` lists keys of other types, if any. */
  | { status: 'unknown'; otherTypes: KnownKeyRef[] }
  /** A different key of the same type is known: possible interception. */
  | { status: 'changed'; known: KnownKeyRef[] };

export type HostKeyVerdict =
  { accepted: true; remembered: boolean } | { accepted: false; reason: DisconnectReason };

export interface HostKeyTarget {
  host: string;
  port: number;
  policy: HostKeyPolicy;
  /** Index of the hop in a jump chain (0 = first hop), for messages. */
  hop: number;
  /** The known_hosts files as read for this connection; read now when absent. */
  knownHosts?: KnownHostsReading;
}

/**
 * The known_hosts files as read once for one connection. The key types asked of the server first
 * and the trust decision both go by it, so a file changed in between cannot make them disagree.
 */
export interface KnownHostsReading {
  entries: { file: string; entry: KnownHostsEntry }[];
  /** Files that could not be read (a folder, a symlink loop, no permission), and why. */
  unreadable: { file: string; why: string }[];
}

/** Asks the user about an unknown key (policy `ask`). */
export type HostKeyAsk = (question: HostKeyQuestion) => Promise<HostKeyAnswer>;

/** Tells the user, in the session's terminal, something the check found worth knowing. */
export type HostKeyNotice = (message: string) => void;

/**
 * Host-key trust with OpenSSH semantics: Rackside's database plus `~/.ssh/known_hosts` and the
 * system's `/etc/ssh/ssh_known_hosts` (read only; an `@revoked` line in either refuses the key).
 * A changed key is always refused; removing a stale key is the separate `forget`.
 */
export class HostKeyTrust {
  constructor(
    private readonly store: HostKeyStore,
    private readonly options: {
      knownHostsFile: string | null;
      /** The system-wide file (ssh's GlobalKnownHostsFile), read after the user's. */
      systemKnownHostsFile?: string | null;
      /** Reads and parses one known_hosts file (default `readKnownHostsFile`). */
      readKnownHostsFile?: (file: string) => Promise<ParsedKnownHosts>;
      logger: Logger;
    },
  ) {}

  async check(
    host: string,
    port: number,
    key: Buffer,
    notice?: HostKeyNotice,
    knownHosts?: KnownHostsReading,
  ): Promise<TrustCheck> {
    const presented = identify(key);
    const known: (KnownKeyRef & { key: Buffer })[] = this.store
      .keysFor(host, port)
      .map((stored) => ({
        keyType: stored.keyType,
        fingerprint: stored.fingerprint,
        source: rememberedKeySource,
        key: Buffer.from(stored.keyBase64, 'base64'),
      }));
    const reading = knownHosts ?? (await this.readKnownHosts());
    for (const { file, why } of reading.unreadable) {
      // The system's file is the administrator's: said in the log only, as ssh keeps quiet.
      if (file === this.options.knownHostsFile) {
        notice?.(`${file} cannot be read (${why}); the host keys it holds are not known.`);
      }
    }
    for (const { file, entry } of reading.entries) {
      if (!entryMatches(entry, host, port)) continue;
      const source = `${file}:${entry.line}`;
      if (entry.marker === 'revoked') {
        if (entry.key.equals(key)) return { status: 'revoked', source };
        continue;
      }
      // Certificate authorities sign host certificates; they do not vouch for plain keys.
      if (entry.marker === 'cert-authority') continue;
      known.push({ ...identify(entry.key), source, key: entry.key });
    }
    const match = known.find((entry) => entry.key.equals(key));
    if (match !== undefined) return { status: 'trusted', source: match.source };
    const strip = ({ keyType, fingerprint, source }: KnownKeyRef): KnownKeyRef => ({
      keyType,
      fingerprint,
      source,
    });
    const sameType = known.filter((entry) => entry.keyType === presented.keyType);
    if (sameType.length > 0) return { status: 'changed', known: sameType.map(strip) };
    return { status: 'unknown', otherTypes: known.map(strip) };
  }

  /**
   * The key types known for a host and port, here or in known_hosts, so the connection can ask
   * the server for one of them first, as ssh does: a server with several host keys would
   * otherwise show the one ssh2 prefers, which may be the one nobody knows yet.
   */
  async knownKeyTypes(
    host: string,
    port: number,
    knownHosts?: KnownHostsReading,
  ): Promise<string[]> {
    const types = new Set(this.store.keysFor(host, port).map((stored) => stored.keyType));
    // A file that cannot be read is left out here; checking the key says why.
    const { entries } = knownHosts ?? (await this.readKnownHosts());
    for (const { entry } of entries) {
      if (entry.marker === null && entryMatches(entry, host, port)) types.add(entry.keyType);
    }
    return [...types];
  }

  /**
   * Applies the profile's policy to a presented key, asking through `ask` when it says so;
   * `notice` hears of a known_hosts file that cannot be read.
   */
  async verify(
    target: HostKeyTarget,
    key: Buffer,
    ask: HostKeyAsk,
    notice?: HostKeyNotice,
  ): Promise<HostKeyVerdict> {
    const presented = identify(key);
    const { host, port, policy, hop } = target;
    const knownHosts = target.knownHosts ?? (await this.readKnownHosts());
    const check = await this.check(host, port, key, notice, knownHosts);
    const refuse = (
      kind: 'host-key-refused' | 'host-key-changed',
      message: string,
      known: KnownKeyRef[],
    ): HostKeyVerdict => {
      this.options.logger.warn('host key refused', { host, port, kind, ...presented });
      return {
        accepted: false,
        reason: { kind, message, retryable: false, hop, hostKey: { host, port, presented, known } },
      };
    };
    switch (check.status) {
      case 'trusted':
        return { accepted: true, remembered: false };
      case 'revoked':
        return refuse(
          'host-key-refused',
          `The ${presented.keyType} host key of ${describe(host, port)} (${presented.fingerprint}) is marked @revoked in ${check.source}.`,
          [],
        );
      case 'changed':
        return refuse(
          'host-key-changed',
          changedMessage(host, port, presented, check.known),
          check.known,
        );
      case 'unknown':
        break;
    }
    if (policy === 'strict') {
      return refuse(
        'host-key-refused',
        `The host key of ${describe(host, port)} is not known and this profile's policy is strict (${presented.keyType} ${presented.fingerprint}).`,
        check.otherTypes,
      );
    }
    // Another tab may have remembered a different key of this type since the check above: that
    // is a changed key, whatever this one was allowed.
    const keep = (): HostKeyVerdict | null => {
      let stored: StoredHostKey;
      try {
        stored = this.remember(host, port, key);
      } catch (error) {
        // Asked to remember a key that cannot be stored (the database refuses writes): refused
        // with the reason, rather than connected as if it had been kept.
        if (!isAppError(error)) throw error;
        return refuse('host-key-refused', error.message, check.otherTypes);
      }
      if (stored.keyBase64 === key.toString('base64')) return null;
      const known = [
        { keyType: stored.keyType, fingerprint: stored.fingerprint, source: rememberedKeySource },
      ];
      return refuse('host-key-changed', changedMessage(host, port, presented, known), known);
    };
    if (policy === 'accept-new') return keep() ?? { accepted: true, remembered: true };
    const answer = await ask({ host, port, hop, ...presented, otherKnown: check.otherTypes });
    if (answer === 'cancel') {
      return refuse(
        'host-key-refused',
        `The host key of ${describe(host, port)} was not accepted.`,
        check.otherTypes,
      );
    }
    // The question may have waited a while: another tab may have remembered a key meanwhile.
    // A different key of this type is a changed key now, whatever was answered here.
    const now = await this.check(host, port, key, undefined, knownHosts);
    if (now.status === 'changed') {
      return refuse(
        'host-key-changed',
        changedMessage(host, port, presented, now.known),
        now.known,
      );
    }
    if (now.status === 'revoked') {
      return refuse(
        'host-key-refused',
        `The ${presented.keyType} host key of ${describe(host, port)} (${presented.fingerprint}) is marked @revoked in ${now.source}.`,
        [],
      );
    }
    const refused = answer === 'remember' && now.status === 'unknown' ? keep() : null;
    return refused ?? { accepted: true, remembered: answer === 'remember' };
  }

  /**
   * Reads the known_hosts files, once per connection. One that cannot be read (a folder, a
   * symlink loop, no permission) is left out with a warning, as ssh does, and Rackside's own keys
   * still count: refusing every connection over it would leave the user nothing to do about it in
   * Rackside.
   */
  async readKnownHosts(): Promise<KnownHostsReading> {
    const reading: KnownHostsReading = { entries: [], unreadable: [] };
    const files = this.#files();
    const results = await Promise.allSettled(files.map((file) => this.#read(file)));
    results.forEach((result, index) => {
      const file = files[index] ?? '';
      if (result.status === 'fulfilled') {
        reading.entries.push(...result.value.entries.map((entry) => ({ file, entry })));
        return;
      }
      const error: unknown = result.reason;
      const why = (error as NodeJS.ErrnoException).code ?? String(error);
      this.options.logger.warn('known_hosts file unreadable', { file, error: why });
      reading.unreadable.push({ file, why });
    });
    return reading;
  }

  #read(file: string): Promise<ParsedKnownHosts> {
    return (this.options.readKnownHostsFile ?? readKnownHostsFile)(file);
  }

  /** The known_hosts files read, the user's first. */
  #files(): string[] {
    const { knownHostsFile, systemKnownHostsFile } = this.options;
    return [knownHostsFile, systemKnownHostsFile ?? null].filter((f): f is string => f !== null);
  }

  /**
   * Remembers `key` unless a key of its type is remembered already; returns the key of that type
   * remembered now, which is another one when a different key got there first.
   */
  remember(host: string, port: number, key: Buffer): StoredHostKey {
    const { keyType } = identify(key);
    // Sessions that waited on one dialog all get its "remember", and each re-checks the key
    // before any of them has stored it: the first stores it, the rest find it there.
    const known = this.store.keysFor(host, port).find((stored) => stored.keyType === keyType);
    if (known !== undefined) return known;
    const stored = this.store.remember(host, port, keyType, key);
    this.options.logger.info('host key remembered', {
      host,
      port,
      keyType,
      fingerprint: stored.fingerprint,
    });
    return stored;
  }

  /** Removes remembered keys of a host (all types, or one); the explicit "forget" action. */
  forget(host: string, port: number, keyType?: string): number {
    const removed = this.store.forget(host, port, keyType);
    this.options.logger.info('host key forgotten', {
      host,
      port,
      keyType: keyType ?? 'all',
      removed,
    });
    return removed;
  }
}

const describe = (host: string, port: number): string =>
  port === 22 ? host : hostPort(host, port);

function changedMessage(
  host: string,
  port: number,
  presented: KeyIdentity,
  known: KnownKeyRef[],
): string {
  const old = known.map((k) => `${k.keyType} ${k.fingerprint} (${k.source})`).join(', ');
  return (
    `The host key of ${describe(host, port)} has CHANGED. Someone could be intercepting the ` +
    `connection, or the host was reinstalled. Known: ${old}. Presented now: ${presented.keyType} ` +
    `${presented.fingerprint}. Rackside refused to connect; if the change is expected, forget ` +
    'the old key first.'
  );
}
