/**
 * The Foreman API v2 simulator (reference/foreman.md). Serves `/api/…` and `/api/v2/…` over the
 * lab fleet with Foreman's envelopes, scoped search, facts paging, auth and error bodies.
 */
import type { Fleet } from '../fleet';
import { FaultInjector, type FaultPlan } from '../common/faults';
import { startHttpServer, text } from '../common/http';
import type { TlsMaterial } from '../common/tls';
import { ForemanAuth, type ForemanCredentials } from './auth';
import { foremanError, handleForeman, type ForemanSim } from './router';

export type { ForemanCredentials } from './auth';
export { FOREMAN_VERSION } from './router';

export interface ForemanOptions {
  fleet: Fleet;
  /** Certificate to serve; null for plain HTTP. */
  tls: TlsMaterial | null;
  faults?: FaultPlan | null;
  /** Setting `entries_per_page` (default 20). */
  perPage?: number;
  /** Failed logins per IP before the 5-minute lockout (default 30, 0 disables). */
  bruteForceLimit?: number;
  /** Wall clock for tokens and lockouts (default Date.now). */
  clock?: () => number;
}

export interface ForemanLab {
  url: string;
  credentials: ForemanCredentials;
  sim: ForemanSim;
  close(): Promise<void>;
}

export async function startForeman(options: ForemanOptions): Promise<ForemanLab> {
  const { fleet } = options;
  const clock = options.clock ?? Date.now;
  const auth = new ForemanAuth(fleet.seed, clock, options.bruteForceLimit ?? 30);
  const sim: ForemanSim = {
    fleet,
    auth,
    ctx: {
      fleet,
      now: fleet.now,
      hostgroups: new Map(fleet.foreman.hostgroups.map((g) => [g.id, g])),
      os: new Map(fleet.foreman.operatingsystems.map((o) => [o.id, o])),
      computeResources: new Map(fleet.foreman.computeResources.map((c) => [c.id, c])),
    },
    hosts: [...fleet.foreman.hosts].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    ),
    defaultPerPage: options.perPage ?? 20,
  };
  const faults = new FaultInjector(options.faults ?? null, 'foreman', {
    error: (status) =>
      status === 503
        ? foremanError(503, { message: 'Foreman is in maintenance mode.' })
        : foremanError(status, {
            error: {
              message:
                "Internal Server Error: the server was unable to finish the request. This may be caused by unavailability of some required service, incorrect API call or a server-side bug. There may be more information in the server's logs.",
            },
          }),
    tooManyRequests: () => text(429, 'Too Many Requests\n'),
  });
  const server = await startHttpServer({
    tls: options.tls,
    faults,
    handler: (req) => handleForeman(req, sim),
    onError: (error) =>
      foremanError(500, {
        error: { message: error instanceof Error ? error.message : String(error) },
      }),
  });
  return { url: server.url, credentials: auth.credentials, sim, close: () => server.close() };
}
