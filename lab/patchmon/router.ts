/** PatchMon v2 routing under `/api/v1`, with chi's 405 and the SPA fallback (reference §2). */
import type { LabRequest, LabResponse } from '../common/http';
import type { PatchmonAuth } from './auth';
import * as H from './hosts';
import type { PatchmonState } from './model';
import { clientIp, fail, ok, PmError, spaIndex } from './respond';
import * as T from './tokens';

export interface RouterOptions {
  /** v1.x behaviour: `/enroll/bulk` exists and validation errors use the `errors` array. */
  v1: boolean;
  /** Per-IP limits per window, or false to switch limiting off. */
  rateLimits: { auth: number; general: number } | false;
  /** Simulates Redis being down: auth routes fail closed with 503. */
  redisDown: boolean;
  /** The simulator's own base URL, for the install script. */
  baseUrl: () => string;
}

type Group = 'auth' | 'general' | 'none';
type Handler = (req: LabRequest, params: string[]) => LabResponse;
interface Route {
  pattern: RegExp;
  group: Group;
  methods: Partial<Record<string, Handler>>;
}

export function createRouter(state: PatchmonState, auth: PatchmonAuth, o: RouterOptions) {
  const windows = new Map<string, { count: number; start: number }>();
  const limit = (req: LabRequest, group: Group): void => {
    if (group === 'none') return;
    if (group === 'auth' && o.redisDown) {
      throw new PmError(
        ok(
          503,
          { error: 'Service temporarily unavailable. Please try again shortly.' },
          { 'retry-after': '30' },
        ),
      );
    }
    if (o.rateLimits === false) return;
    const max = group === 'auth' ? o.rateLimits.auth : o.rateLimits.general;
    const span = group === 'auth' ? 10 * 60_000 : 15 * 60_000;
    const key = `${group}|${clientIp(req)}`;
    const now = state.clock();
    const w = windows.get(key);
    const current = w && now - w.start < span ? w : { count: 0, start: now };
    current.count += 1;
    windows.set(key, current);
    if (current.count > max) {
      const retry = Math.ceil((current.start + span - now) / 1000);
      throw new PmError(
        ok(
          429,
          { message: 'Too many requests. Try again later.' },
          { 'retry-after': String(retry) },
        ),
      );
    }
  };
  const admin = (req: LabRequest) => auth.requirePermission(req, 'can_manage_settings');
  const token = (id: string) => {
    const t = state.tokens.find((x) => x.id === id);
    if (!t) throw fail(404, 'Token not found');
    return t;
  };
  const group = (id: string) => {
    const g = state.groups.find((x) => x.id === id);
    if (!g) throw fail(404, 'Host group not found');
    return g;
  };
  const apiHost = (req: LabRequest, id: string, view: string) => {
    const key = T.requireApiKey(state, req, 'api');
    T.requireScope(key, 'host', 'get');
    return H.hostDetail(state, req, H.findHost(state, id), view);
  };

  const routes: Route[] = [
    { pattern: /^\/auth\/login$/, group: 'auth', methods: { POST: (r) => auth.login(r) } },
    { pattern: /^\/auth\/verify-tfa$/, group: 'auth', methods: { POST: (r) => auth.verifyTfa(r) } },
    {
      pattern: /^\/auth\/setup-admin$/,
      group: 'auth',
      methods: { POST: (r) => auth.setupAdmin(r) },
    },
    { pattern: /^\/auth\/refresh$/, group: 'auth', methods: { POST: (r) => auth.refresh(r) } },
    { pattern: /^\/auth\/logout$/, group: 'general', methods: { POST: (r) => auth.logout(r) } },
    { pattern: /^\/auth\/profile$/, group: 'general', methods: { GET: (r) => auth.profile(r) } },
    {
      pattern: /^\/auth\/heartbeat$/,
      group: 'general',
      methods: { POST: (r) => (auth.requireUser(r), { status: 204 }) },
    },
    {
      pattern: /^\/auto-enrollment\/tokens$/,
      group: 'general',
      methods: {
        GET: (r) => {
          admin(r);
          const list = [...state.tokens].sort((a, b) => b.createdAt - a.createdAt);
          return ok(
            200,
            list.map((t) => T.tokenListItem(state, t)),
          );
        },
        POST: (r) => T.createToken(state, r, admin(r).id),
      },
    },
    {
      pattern: /^\/auto-enrollment\/tokens\/([^/]+)$/,
      group: 'general',
      methods: {
        GET: (r, [id = '']) => (admin(r), ok(200, T.tokenListItem(state, token(id)))),
        PATCH: (r, [id = '']) => (admin(r), T.patchToken(state, r, token(id))),
        DELETE: (r, [id = '']) => {
          admin(r);
          const t = token(id);
          state.tokens.splice(state.tokens.indexOf(t), 1);
          return ok(200, {
            message: 'Auto-enrollment token deleted successfully',
            deleted_token: { id: t.id, token_name: t.tokenName },
          });
        },
      },
    },
    {
      pattern: /^\/auto-enrollment\/enroll$/,
      group: 'none',
      methods: { POST: (r) => T.enroll(state, r, o.v1) },
    },
    {
      pattern: /^\/auto-enrollment\/script$/,
      group: 'none',
      methods: { GET: (r) => T.installScript(state, r, o.baseUrl()) },
    },
    {
      pattern: /^\/host-groups$/,
      group: 'general',
      methods: {
        GET: (r) => (auth.requirePermission(r, 'can_view_hosts'), H.groupList(state)),
        POST: (r) => (auth.requirePermission(r, 'can_manage_hosts'), H.saveGroup(state, r, null)),
      },
    },
    {
      pattern: /^\/host-groups\/([^/]+)$/,
      group: 'general',
      methods: {
        GET: (r, [id = '']) => (
          auth.requirePermission(r, 'can_view_hosts'),
          ok(200, H.groupPascal(group(id)))
        ),
        PUT: (r, [id = '']) => (
          auth.requirePermission(r, 'can_manage_hosts'),
          H.saveGroup(state, r, group(id))
        ),
        DELETE: (r, [id = '']) => {
          auth.requirePermission(r, 'can_manage_hosts');
          const g = group(id);
          state.groups.splice(state.groups.indexOf(g), 1);
          for (const h of state.hosts) h.hostGroupIds = h.hostGroupIds.filter((x) => x !== g.id);
          return ok(200, { message: 'Host group deleted successfully' });
        },
      },
    },
    {
      pattern: /^\/host-groups\/([^/]+)\/hosts$/,
      group: 'general',
      methods: {
        GET: (r, [id = '']) => {
          auth.requirePermission(r, 'can_view_hosts');
          const g = group(id);
          const hosts = state.hosts.filter((h) => h.hostGroupIds.includes(g.id));
          return ok(
            200,
            hosts.map((h) => ({
              id: h.id,
              friendly_name: h.friendlyName,
              hostname: h.hostname,
              ip: h.ip,
              status: h.status,
            })),
          );
        },
      },
    },
    {
      pattern: /^\/hosts\/create$/,
      group: 'general',
      methods: {
        POST: (r) => (auth.requirePermission(r, 'can_manage_hosts'), H.createHost(state, r)),
      },
    },
    {
      pattern: /^\/gethomepage\/stats$/,
      group: 'none',
      methods: { GET: (r) => (T.requireApiKey(state, r, 'gethomepage'), H.homepageStats(state)) },
    },
    {
      pattern: /^\/gethomepage\/health$/,
      group: 'none',
      methods: {
        GET: (r) => {
          const key = T.requireApiKey(state, r, 'gethomepage');
          return ok(200, {
            status: 'ok',
            timestamp: new Date(state.clock()).toISOString(),
            api_key: key.tokenName,
          });
        },
      },
    },
    {
      pattern: /^\/api\/hosts$/,
      group: 'none',
      methods: {
        GET: (r) => {
          T.requireScope(T.requireApiKey(state, r, 'api'), 'host', 'get');
          return H.listHosts(state, r);
        },
      },
    },
    {
      pattern: /^\/api\/hosts\/([^/]+)$/,
      group: 'none',
      methods: {
        DELETE: (r, [id = '']) => {
          T.requireScope(T.requireApiKey(state, r, 'api'), 'host', 'delete');
          return H.deleteHost(state, id);
        },
      },
    },
    {
      pattern:
        /^\/api\/hosts\/([^/]+)\/(stats|info|network|system|packages|package_reports|agent_queue|notes|integrations)$/,
      group: 'none',
      methods: { GET: (r, [id = '', view = '']) => apiHost(r, id, view) },
    },
  ];
  if (o.v1) {
    routes.push({
      pattern: /^\/auto-enrollment\/enroll\/bulk$/,
      group: 'none',
      methods: { POST: (r) => T.enrollBulk(state, r) },
    });
  }

  return (req: LabRequest): LabResponse => {
    if (!req.path.startsWith('/api/v1/')) return spaIndex();
    const sub = req.path.slice('/api/v1'.length);
    for (const route of routes) {
      const m = route.pattern.exec(sub);
      if (!m) continue;
      const handler = route.methods[req.method];
      if (!handler) return { status: 405 };
      try {
        limit(req, route.group);
        return handler(req, m.slice(1).map(decodeURIComponent));
      } catch (error) {
        if (error instanceof PmError) return error.response;
        throw error;
      }
    }
    return spaIndex();
  };
}
