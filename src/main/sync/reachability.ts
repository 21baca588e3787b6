import dns from 'node:dns/promises';
import net from 'node:net';
import { endpointOf, type ProfileView } from '../../shared/profiles';
import { isSourceProfile } from './sync-history';

/**
 * Why an endpoint cannot be reached, or null when it took a TCP connection. Only a connection is
 * opened and closed again: nothing is sent, so no credential and no request ever leaves.
 */
export type ReachProbe = (host: string, port: number, timeoutMs: number) => Promise<string | null>;

/** A source whose endpoint did not answer the last check, and since when we know. */
export interface Unreachable {
  reason: string;
  /** When a check first gave this reason. */
  at: string;
}

/** Long enough for a slow link, short enough that an answer from the cache does not drag. */
export const reachTimeoutMs = 1500;

const refusals: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'no network',
  ENOTFOUND: 'name not found',
  EAI_AGAIN: 'name lookup failed (no DNS server answered)',
};

const described = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return refusals[code] ?? (code === '' ? (error as Error).message : code);
};

/** A name's addresses, in the order the system prefers them (`dns.lookup` with `all`). */
export type AddressLookup = (host: string) => Promise<{ address: string }[]>;

const systemLookup: AddressLookup = (host) => dns.lookup(host, { all: true });

/**
 * DNS, then a TCP connection to each address in turn until one answers, within `timeoutMs` in
 * all: `localhost` may resolve to ::1 first while the source listens on 127.0.0.1 only, and a
 * sync (which tries every address) would reach it. The first address's failure is the reason.
 */
export function tcpProbe(lookup: AddressLookup = systemLookup): ReachProbe {
  return (host, port, timeoutMs) =>
    new Promise((resolve) => {
      let settled = false;
      let socket: net.Socket | undefined;
      const finish = (answer: string | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket?.destroy();
        resolve(answer);
      };
      const timer = setTimeout(() => {
        finish(`no answer within ${String(timeoutMs / 1000)} s`);
      }, timeoutMs);
      const tryFrom = (addresses: { address: string }[], at: number, first?: unknown): void => {
        if (settled) return;
        const entry = addresses[at];
        if (entry === undefined) {
          finish(first === undefined ? 'the name has no address' : described(first));
          return;
        }
        socket?.destroy();
        socket = net.connect({ host: entry.address, port });
        socket.once('connect', () => {
          finish(null);
        });
        socket.once('error', (error) => {
          tryFrom(addresses, at + 1, first ?? error);
        });
      };
      lookup(host).then(
        (addresses) => {
          tryFrom(addresses, 0);
        },
        (error: unknown) => {
          finish(described(error));
        },
      );
    });
}

/** DNS, then a TCP connection, within `timeoutMs` in all. */
export const tcpReachable: ReachProbe = tcpProbe();

/**
 * Which source profiles cannot be reached right now. A sync finds out too, but only when one
 * runs: this answers "is the data I am looking at offline?" in a second, without syncing, so
 * an inventory read on a train says so at once. A sync's own result replaces the check's
 * (`forget`), since it is newer and says more.
 */
export class Reachability {
  readonly #unreachable = new Map<string, Unreachable>();
  /** How often each profile's verdict was handed to a sync (`forget`). */
  readonly #forgets = new Map<string, number>();
  #version = 0;

  constructor(
    private readonly probe: ReachProbe = tcpReachable,
    private readonly options: { timeoutMs?: number; clock?: () => Date } = {},
  ) {}

  /** Checks every source profile at once; resolves when all have answered or timed out. */
  async check(profiles: readonly ProfileView[]): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? reachTimeoutMs;
    await Promise.all(
      profiles.filter(isSourceProfile).map(async (profile) => {
        const { host, port } = endpointOf(profile.connection);
        const forgets = this.#forgets.get(profile.id) ?? 0;
        // Bounded here too, so a probe that never answers cannot hold a read up.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const reason = await Promise.race([
          this.probe(host, port, timeoutMs).catch(described),
          new Promise<string>((resolve) => {
            timer = setTimeout(() => {
              resolve(`no answer within ${String(timeoutMs / 1000)} s`);
            }, timeoutMs + 100);
          }),
        ]).finally(() => {
          clearTimeout(timer);
        });
        // A sync that ended while this check waited knows better than the check.
        if ((this.#forgets.get(profile.id) ?? 0) !== forgets) return;
        if (reason === null) {
          if (this.#unreachable.delete(profile.id)) this.#version += 1;
          return;
        }
        const said = `cannot reach ${host}:${String(port)}: ${reason}`;
        // The same answer again changes nothing: readers are not woken every check.
        if (this.#unreachable.get(profile.id)?.reason === said) return;
        this.#version += 1;
        this.#unreachable.set(profile.id, {
          reason: said,
          at: (this.options.clock?.() ?? new Date()).toISOString(),
        });
      }),
    );
  }

  unreachable(): ReadonlyMap<string, Unreachable> {
    return this.#unreachable;
  }

  /** A sync of this profile ended: its answer replaces this one, and any check under way. */
  forget(profileId: string): void {
    this.#forgets.set(profileId, (this.#forgets.get(profileId) ?? 0) + 1);
    if (this.#unreachable.delete(profileId)) this.#version += 1;
  }

  /** Moves whenever `unreachable()` changes. */
  version(): number {
    return this.#version;
  }
}
