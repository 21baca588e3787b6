/**
 * Route table: `{name}` segments, the declared parameter schema, the handler's permission
 * check (evaluated before proxying and parameter validation, as `rest_handler` does) and the
 * `proxyto => 'node'` behaviour for node-bound calls.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthContext } from './auth';
import { PveError, dieError, permissionError } from './errors';
import type { ParamSchema, Params } from './params';
import type { Flavor, SimState } from './state';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteContext {
  state: SimState;
  auth: AuthContext;
  params: Params;
  headers: IncomingHttpHeaders;
}

/** A handler result with siblings of `data` (e.g. `total`). */
export class WithExtras {
  constructor(
    readonly data: unknown,
    readonly extras: Record<string, unknown>,
  ) {}
}

export interface PermCheck {
  /** ACL path template, e.g. `/vms/{vmid}`. */
  path: string;
  privs: string[];
  any?: boolean;
}

export interface RouteDef {
  method: Method;
  path: string;
  params: ParamSchema;
  /** Omitted: any authenticated user (`user => 'all'`); the handler may check more. */
  perm?: PermCheck | ((state: SimState) => PermCheck);
  /** Node-bound call: unknown node → 500 hostname lookup, offline node → 595. */
  proxy?: boolean;
  /** Reachable without credentials (`/access/ticket`, `/access/domains`). */
  noAuth?: boolean;
  /** `allowtoken => 0`: refused with 403 for API tokens. */
  ticketOnly?: boolean;
  /** Only in the versions this holds for; elsewhere the path is unknown (501). */
  available?: (flavor: Flavor) => boolean;
  handler: (ctx: RouteContext) => unknown;
}

interface CompiledRoute extends RouteDef {
  segments: string[];
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...defs: RouteDef[]): void {
    for (const def of defs) {
      this.routes.push({ ...def, segments: def.path.split('/').filter((s) => s !== '') });
    }
  }

  match(
    method: string,
    path: string,
  ): { route: CompiledRoute; pathParams: Record<string, string> } | undefined {
    const parts = path.split('/').filter((s) => s !== '');
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const pathParams: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i]!;
        const part = parts[i]!;
        if (seg.startsWith('{')) pathParams[seg.slice(1, -1)] = part;
        else if (seg !== part) {
          ok = false;
          break;
        }
      }
      if (ok) return { route, pathParams };
    }
    return undefined;
  }
}

/** `check_api2_permissions` for a route's static check. */
export function checkRoutePermission(
  route: RouteDef,
  state: SimState,
  auth: AuthContext,
  pathParams: Record<string, string>,
): void {
  if (auth.authid === 'root@pam' || route.perm === undefined) return;
  const perm = typeof route.perm === 'function' ? route.perm(state) : route.perm;
  const path = perm.path.replace(/\{(\w+)\}/g, (_, name: string) => pathParams[name] ?? '');
  if (path.includes('//')) throw permissionError();
  if (perm.any === true) state.perms.checkAny(auth.authid, path, perm.privs);
  else state.perms.check(auth.authid, path, perm.privs);
}

/** What pveproxy does before forwarding a node-bound call to the node. */
export function checkProxyTarget(state: SimState, node: string | undefined): void {
  if (node === undefined) return;
  if (!state.nodes.has(node)) {
    throw dieError(
      `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`,
    );
  }
  if (!state.nodeOnline(node)) throw new PveError(595, 'No route to host', 'empty');
}
