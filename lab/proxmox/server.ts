/**
 * `startProxmox`: one simulated Proxmox VE cluster (one pveproxy endpoint) over HTTPS on
 * 127.0.0.1 and a free port. A fleet with several clusters gets one server per cluster
 * (`startProxmoxFleet`).
 */
import { randomBytes } from 'node:crypto';
import {
  type FaultPlan,
  FaultInjector,
  type LabRequest,
  type LabResponse,
  type TlsMaterial,
  startHttpServer,
} from '../common';
import type { Fleet } from '../fleet';
import { PveError } from './errors';
import { clusterFromFleet, clusterNames } from './fleet-adapter';
import { createHandler, errorResponse } from './handler';
import type { SimCluster } from './model';
import type { PveMajor } from './privileges';
import { Router } from './router';
import { accessRoutes } from './routes-access';
import { clusterRoutes } from './routes-cluster';
import { guestRoutes } from './routes-guests';
import { userRoutes } from './routes-users';
import { type SeededAccess, seedAccess } from './seed-access';
import { type Flavor, type LegacyMode, SimState, makeFlavor } from './state';

export interface ProxmoxOptions {
  /** The cluster to serve: a simulator model, or a cluster of the lab fleet by name. */
  cluster: SimCluster | { fleet: Fleet; name: string };
  tls: TlsMaterial;
  faults?: FaultPlan | null;
  /** PVE major version to imitate (default 8: `VM.Monitor` guards guest-agent calls). */
  major?: PveMajor;
  /**
   * Pre-8.4 wire details (no `message` in error bodies, string LXC vmids, …); `'before-8.1'`
   * also answers the LXC `interfaces` endpoint with 501, as PVE 8.0 does.
   */
  legacy?: LegacyMode;
  /** Delay before every 401; PVE sleeps 3 s (the default). Tests set it small. */
  authFailureDelayMs?: number;
  /** How long power-action tasks stay `running` (default 2 s). */
  taskDurationMs?: number;
  /** Clock in epoch ms (ticket expiry, task progress, uptimes); default `Date.now`. */
  now?: () => number;
  rootPassword?: string;
  /** gzip large bodies for clients that accept it (default: on unless faults are planned). */
  gzip?: boolean;
}

export interface ProxmoxServer extends SeededAccess {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** `<url>/api2/json`. */
  apiUrl: string;
  /** Cluster name, or the node name for a standalone node. */
  name: string;
  /** SHA-256 fingerprint of the served certificate, as PVE shows it (`ssl_fingerprint`). */
  fingerprint: string;
  /** Live state, for tests and the lab's own tooling. */
  state: SimState;
  close(): Promise<void>;
}

/** The API of the version `flavor` imitates: a route it does not have yet answers 501. */
export function createRouter(flavor: Flavor = makeFlavor(8, false)): Router {
  const router = new Router();
  const routes = [...clusterRoutes, ...guestRoutes, ...accessRoutes, ...userRoutes];
  router.add(...routes.filter((route) => route.available?.(flavor) ?? true));
  return router;
}

export async function startProxmox(options: ProxmoxOptions): Promise<ProxmoxServer> {
  const cluster =
    'fleet' in options.cluster
      ? clusterFromFleet(options.cluster.fleet, options.cluster.name)
      : options.cluster;
  const flavor = makeFlavor(options.major ?? 8, options.legacy ?? false);
  const now = options.now ?? Date.now;
  const state = new SimState(
    cluster,
    flavor,
    now,
    options.taskDurationMs ?? 2000,
    options.tls.fingerprint256,
  );
  const access = seedAccess(state, options.rootPassword ?? randomBytes(9).toString('base64url'));
  const gzip = options.gzip ?? !options.faults;
  const handler = createHandler(state, createRouter(flavor), {
    authFailureDelayMs: options.authFailureDelayMs ?? 3000,
    gzip,
  });
  const pveError = (req: LabRequest | null, err: PveError): LabResponse =>
    errorResponse(req ?? dummyRequest, err, 'json', flavor.legacy, false);
  const faults = options.faults
    ? new FaultInjector(options.faults, 'proxmox', {
        error: (status) => pveError(null, new PveError(status, `${statusText(status)}\n`)),
      })
    : null;
  const server = await startHttpServer({
    handler,
    tls: options.tls,
    faults,
    maxBodyBytes: 1024 * 1024,
    onError: (err) => pveError(null, new PveError(500, `${String(err)}\n`)),
  });
  const name = cluster.name ?? cluster.nodes[0]?.name ?? 'pve';
  return {
    ...access,
    url: server.url,
    port: server.port,
    apiUrl: `${server.url}/api2/json`,
    name,
    fingerprint: options.tls.fingerprint256,
    state,
    close: () => server.close(),
  };
}

/** One server per Proxmox cluster of the fleet, in fleet order. */
export async function startProxmoxFleet(
  fleet: Fleet,
  options: Omit<ProxmoxOptions, 'cluster'>,
): Promise<ProxmoxServer[]> {
  const servers: ProxmoxServer[] = [];
  try {
    for (const name of clusterNames(fleet)) {
      servers.push(await startProxmox({ ...options, cluster: { fleet, name } }));
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  return servers;
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return texts[status] ?? 'Server Error';
}

const dummyRequest: LabRequest = {
  method: 'GET',
  url: new URL('https://127.0.0.1/'),
  path: '/',
  query: new URLSearchParams(),
  headers: {},
  body: Buffer.alloc(0),
  remoteAddress: '127.0.0.1',
  credentialFault: null,
};
