/**
 * Version, cluster, node and task routes.
 */
import { paramError } from './errors';
import { NODE, type ParamSchema } from './params';
import { type RouteContext, type RouteDef, WithExtras } from './router';
import { parseUpid } from './tasks';
import { aptUpdates, nodeEntry, nodeStatus, sdnEntry, storageEntry } from './views-cluster';
import { resourceGuest } from './views-guest';

const nodeOnly: ParamSchema = { node: NODE };

function version(ctx: RouteContext): unknown {
  const f = ctx.state.flavor;
  return { version: f.version, release: f.release, repoid: f.repoid };
}

function clusterStatus(ctx: RouteContext): unknown {
  const { state } = ctx;
  const nodes = [...state.nodes.values()];
  if (!state.isClustered()) {
    const node = nodes[0];
    if (!node) return [];
    return [
      {
        type: 'node',
        id: `node/${node.name}`,
        name: node.name,
        nodeid: 0,
        ip: node.ip,
        local: 1,
        online: 1,
        level: node.level,
      },
    ];
  }
  return [
    {
      type: 'cluster',
      id: 'cluster',
      name: state.cluster.name,
      nodes: nodes.length,
      version: nodes.length + 4,
      quorate: nodes.filter((n) => n.online).length * 2 > nodes.length ? 1 : 0,
    },
    ...nodes.map((n, i) => ({
      type: 'node',
      id: `node/${n.name}`,
      name: n.name,
      nodeid: i + 1,
      ip: n.ip,
      local: i === 0 ? 1 : 0,
      online: n.online ? 1 : 0,
      level: n.level,
    })),
  ];
}

function clusterResources(ctx: RouteContext): unknown {
  const { state, auth } = ctx;
  const type = ctx.params.str('type');
  const perms = state.perms;
  const out: unknown[] = [];
  const want = (t: string): boolean => type === undefined || type === t;
  if (want('vm')) {
    for (const g of state.guests.values()) {
      if (!perms.has(auth.authid, `/vms/${g.vmid}`, 'VM.Audit')) continue;
      const showPool =
        g.pool !== undefined && perms.has(auth.authid, `/pool/${g.pool}`, 'Pool.Audit');
      out.push(resourceGuest(state, g, showPool));
    }
  }
  if (want('node')) {
    for (const n of state.nodes.values()) {
      out.push(nodeEntry(state, n, perms.has(auth.authid, `/nodes/${n.name}`, 'Sys.Audit')));
    }
  }
  if (want('storage')) {
    for (const st of state.cluster.storages) {
      if (
        !perms.hasAny(auth.authid, `/storage/${st.id}`, [
          'Datastore.Audit',
          'Datastore.AllocateSpace',
        ])
      )
        continue;
      for (const n of state.nodes.values()) out.push(storageEntry(state, n, st));
    }
  }
  if (want('sdn') && perms.has(auth.authid, '/sdn/zones/localnetwork', 'SDN.Audit')) {
    for (const n of state.nodes.values()) out.push(sdnEntry(n));
  }
  if (want('pool')) {
    for (const pool of state.store.pools.keys()) {
      if (perms.has(auth.authid, `/pool/${pool}`, 'Pool.Audit')) {
        out.push({ id: `/pool/${pool}`, type: 'pool', pool });
      }
    }
  }
  return out;
}

function nodesIndex(ctx: RouteContext): unknown {
  const { state, auth } = ctx;
  return [...state.nodes.values()].map((n) => ({
    ...nodeEntry(state, n, state.perms.has(auth.authid, `/nodes/${n.name}`, 'Sys.Audit')),
    ssl_fingerprint: state.fingerprint,
  }));
}

function node(ctx: RouteContext): NonNullable<ReturnType<RouteContext['state']['nodes']['get']>> {
  return ctx.state.nodes.get(ctx.params.req('node'))!;
}

/** Tasks a user or token may read without Sys.Audit: its own (a user also sees its tokens'). */
function ownsTask(authid: string, taskUser: string): boolean {
  return taskUser === authid || taskUser.startsWith(`${authid}!`);
}

/** `$convert_token_task`: token tasks report `user` and `tokenid` separately. */
function splitTaskUser(user: string): { user: string; tokenid?: string } {
  const bang = user.indexOf('!');
  return bang < 0 ? { user } : { user: user.slice(0, bang), tokenid: user.slice(bang + 1) };
}

function taskStatus(ctx: RouteContext): unknown {
  const upid = ctx.params.req('upid');
  const parts = parseUpid(upid);
  if (!parts) throw paramError({ upid: 'unable to parse worker upid' });
  const task = ctx.state.tasks.get(upid);
  if (task?.node !== ctx.params.req('node')) throw paramError({ upid: 'no such task' });
  if (!ownsTask(ctx.auth.authid, task.user) && ctx.auth.authid !== 'root@pam') {
    ctx.state.perms.check(ctx.auth.authid, `/nodes/${task.node}`, ['Sys.Audit']);
  }
  const out: Record<string, unknown> = {
    upid: task.upid,
    node: task.node,
    pid: task.pid,
    pstart: task.pstart,
    starttime: task.starttime,
    type: task.type,
    id: task.id,
    ...splitTaskUser(task.user),
  };
  if (task.exitstatus === undefined) out.status = 'running';
  else Object.assign(out, { status: 'stopped', exitstatus: task.exitstatus });
  return out;
}

function taskLog(ctx: RouteContext): unknown {
  const upid = ctx.params.req('upid');
  if (!parseUpid(upid)) throw paramError({ upid: 'unable to parse worker upid' });
  const task = ctx.state.tasks.get(upid);
  if (task?.node !== ctx.params.req('node')) throw paramError({ upid: 'no such task' });
  if (!ownsTask(ctx.auth.authid, task.user) && ctx.auth.authid !== 'root@pam') {
    ctx.state.perms.check(ctx.auth.authid, `/nodes/${task.node}`, ['Sys.Audit']);
  }
  const lines = task.log.map((t, i) => ({ n: i + 1, t }));
  return new WithExtras(lines, { total: lines.length });
}

function taskList(ctx: RouteContext): unknown {
  const { state, auth } = ctx;
  const n = node(ctx);
  const audit = state.perms.has(auth.authid, `/nodes/${n.name}`, 'Sys.Audit');
  const vmid = ctx.params.str('vmid');
  const errorsOnly = ctx.params.bool('errors') === true;
  const source = ctx.params.str('source') ?? 'archive';
  const all = state.tasks
    .list(n.name)
    .filter((t) => audit || ownsTask(auth.authid, t.user))
    .filter((t) => vmid === undefined || t.id === vmid)
    .filter((t) =>
      source === 'active'
        ? t.exitstatus === undefined
        : source === 'all' || t.exitstatus !== undefined,
    )
    .filter((t) => !errorsOnly || (t.exitstatus !== undefined && t.exitstatus !== 'OK'))
    .sort((a, b) => b.startedMs - a.startedMs);
  const start = ctx.params.int('start') ?? 0;
  const limit = ctx.params.int('limit') ?? 50;
  const rows = all.slice(start, start + limit).map((t) => {
    const row: Record<string, unknown> = {
      upid: t.upid,
      node: t.node,
      pid: t.pid,
      pstart: t.pstart,
      starttime: t.starttime,
      type: t.type,
      id: t.id,
      ...splitTaskUser(t.user),
    };
    if (t.exitstatus !== undefined)
      Object.assign(row, { status: t.exitstatus, endtime: t.endtime });
    return row;
  });
  return new WithExtras(rows, { total: all.length });
}

export const clusterRoutes: RouteDef[] = [
  { method: 'GET', path: '/version', params: {}, handler: version },
  {
    method: 'GET',
    path: '/cluster/status',
    params: {},
    perm: { path: '/', privs: ['Sys.Audit'] },
    handler: clusterStatus,
  },
  {
    method: 'GET',
    path: '/cluster/resources',
    params: {
      type: { type: 'enum', values: ['vm', 'storage', 'node', 'sdn', 'pool'], optional: true },
    },
    handler: clusterResources,
  },
  { method: 'GET', path: '/nodes', params: {}, handler: nodesIndex },
  {
    method: 'GET',
    path: '/nodes/{node}/status',
    params: nodeOnly,
    perm: { path: '/nodes/{node}', privs: ['Sys.Audit'] },
    proxy: true,
    handler: (ctx) => nodeStatus(ctx.state, node(ctx)),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/apt/update',
    params: nodeOnly,
    perm: { path: '/nodes/{node}', privs: ['Sys.Modify'] },
    proxy: true,
    handler: (ctx) => aptUpdates(ctx.state, node(ctx)),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/tasks',
    params: {
      ...nodeOnly,
      start: { type: 'integer', optional: true, min: 0 },
      limit: { type: 'integer', optional: true, min: 0 },
      vmid: { type: 'integer', optional: true, min: 100 },
      source: { type: 'enum', values: ['archive', 'active', 'all'], optional: true },
      errors: { type: 'boolean', optional: true },
      userfilter: { type: 'string', optional: true },
      typefilter: { type: 'string', optional: true },
    },
    proxy: true,
    handler: taskList,
  },
  {
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}/status',
    params: { ...nodeOnly, upid: { type: 'string' } },
    proxy: true,
    handler: taskStatus,
  },
  {
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}/log',
    params: {
      ...nodeOnly,
      upid: { type: 'string' },
      start: { type: 'integer', optional: true, min: 0 },
      limit: { type: 'integer', optional: true, min: 0 },
      download: { type: 'boolean', optional: true },
    },
    proxy: true,
    handler: taskLog,
  },
];
