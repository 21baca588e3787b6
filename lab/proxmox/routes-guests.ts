/**
 * LXC and QEMU routes: lists, status, config, interfaces, guest agent and power actions.
 */
import { dieError } from './errors';
import type { GuestType } from './model';
import { NODE, type ParamSchema, VMID } from './params';
import { agentPrivileges } from './privileges';
import type { RouteContext, RouteDef } from './router';
import type { LiveGuest } from './state';
import {
  lxcConfig,
  lxcListEntry,
  lxcStatus,
  qemuConfig,
  qemuListEntry,
  qemuStatus,
} from './views-guest';
import { agentInterfaces, lxcInterfaces } from './views-interfaces';

const guestParams: ParamSchema = { node: NODE, vmid: VMID };
const audit = { path: '/vms/{vmid}', privs: ['VM.Audit'] };
const power = { path: '/vms/{vmid}', privs: ['VM.PowerMgmt'] };

const confDir: Record<GuestType, string> = { lxc: 'lxc', qemu: 'qemu-server' };

/** The guest named by the URL, or the 500 PVE gives when its config is not on that node. */
function guest(ctx: RouteContext, type: GuestType): LiveGuest {
  const node = ctx.params.req('node');
  const vmid = Number(ctx.params.req('vmid'));
  const g = ctx.state.guests.get(vmid);
  if (g?.type !== type || g.node !== node) {
    throw dieError(
      `Configuration file 'nodes/${node}/${confDir[type]}/${vmid}.conf' does not exist`,
    );
  }
  return g;
}

function list(ctx: RouteContext, type: GuestType): unknown {
  const { state, auth } = ctx;
  const node = ctx.params.req('node');
  const out: unknown[] = [];
  for (const g of state.guests.values()) {
    if (g.type !== type || g.node !== node) continue;
    if (!state.perms.has(auth.authid, `/vms/${g.vmid}`, 'VM.Audit')) continue;
    out.push(type === 'lxc' ? lxcListEntry(state, g) : qemuListEntry(state, g));
  }
  return out;
}

function agentNetwork(ctx: RouteContext): unknown {
  const g = guest(ctx, 'qemu');
  if (g.status !== 'running') throw dieError(`VM ${g.vmid} is not running`);
  if (g.agent === undefined || g.agent === 'none') throw dieError('No QEMU guest agent configured');
  if (g.agent === 'not-running') throw dieError('QEMU guest agent is not running');
  if (g.agent === 'command-disabled') {
    return {
      result: {
        error: {
          class: 'CommandDisabled',
          desc: 'The command guest-network-get-interfaces has been disabled for this instance',
        },
      },
    };
  }
  return { result: agentInterfaces(ctx.state, g) };
}

type Action = 'start' | 'stop' | 'shutdown' | 'reboot';

const workerType: Record<GuestType, Record<Action, string>> = {
  lxc: { start: 'vzstart', stop: 'vzstop', shutdown: 'vzshutdown', reboot: 'vzreboot' },
  qemu: { start: 'qmstart', stop: 'qmstop', shutdown: 'qmshutdown', reboot: 'qmreboot' },
};

/** Pre-checks fail synchronously with 500; the state changes when the task finishes. */
function powerAction(ctx: RouteContext, type: GuestType, action: Action): unknown {
  const { state } = ctx;
  const g = guest(ctx, type);
  const label = type === 'lxc' ? 'CT' : 'VM';
  const running = g.status === 'running';
  if (action === 'start') {
    if (g.template === true) {
      throw dieError(`you can't start a ${type === 'lxc' ? 'CT' : 'vm'} if it's a template`);
    }
    if (running) throw dieError(`${label} ${g.vmid} already running`);
  } else if (!running) {
    // pve-container's reboot says "VM" for containers too.
    throw dieError(`${action === 'reboot' ? 'VM' : label} ${g.vmid} not running`);
  }
  const log: string[] = [];
  const task = state.tasks.start(
    g.node,
    workerType[type][action],
    String(g.vmid),
    ctx.auth.authid,
    () => {
      const at = task.endsMs;
      if (action === 'start') {
        if (g.status === 'running') return `${label} ${g.vmid} already running`;
        if (g.failStart !== undefined) return g.failStart;
        g.status = 'running';
        g.bootMs = at;
        return 'OK';
      }
      if (g.status !== 'running')
        return `${action === 'reboot' ? 'VM' : label} ${g.vmid} not running`;
      if (action === 'reboot') g.bootMs = at;
      else g.status = 'stopped';
      return 'OK';
    },
    log,
  );
  if (type === 'lxc' && action === 'start') log.push(`starting CT ${g.vmid}`);
  return task.upid;
}

const powerParams: ParamSchema = {
  ...guestParams,
  skiplock: { type: 'boolean', optional: true },
  debug: { type: 'boolean', optional: true },
  timeout: { type: 'integer', optional: true, min: 0 },
  forceStop: { type: 'boolean', optional: true },
  'overrule-shutdown': { type: 'boolean', optional: true },
  keepActive: { type: 'boolean', optional: true },
  migratedfrom: { type: 'string', optional: true },
  stateuri: { type: 'string', optional: true },
  machine: { type: 'string', optional: true },
};

function powerRoutes(type: GuestType): RouteDef[] {
  return (['start', 'stop', 'shutdown', 'reboot'] as const).map((action) => ({
    method: 'POST' as const,
    path: `/nodes/{node}/${type}/{vmid}/status/${action}`,
    params: powerParams,
    perm: power,
    proxy: true,
    handler: (ctx: RouteContext) => powerAction(ctx, type, action),
  }));
}

const configParams: ParamSchema = {
  ...guestParams,
  current: { type: 'boolean', optional: true },
  snapshot: { type: 'string', optional: true },
};

export const guestRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/lxc',
    params: { node: NODE },
    proxy: true,
    handler: (ctx) => list(ctx, 'lxc'),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/qemu',
    params: { node: NODE, full: { type: 'boolean', optional: true } },
    proxy: true,
    handler: (ctx) => list(ctx, 'qemu'),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/lxc/{vmid}/status/current',
    params: guestParams,
    perm: audit,
    proxy: true,
    handler: (ctx) => lxcStatus(ctx.state, guest(ctx, 'lxc')),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/status/current',
    params: guestParams,
    perm: audit,
    proxy: true,
    handler: (ctx) => qemuStatus(ctx.state, guest(ctx, 'qemu')),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/lxc/{vmid}/config',
    params: configParams,
    perm: audit,
    proxy: true,
    handler: (ctx) => lxcConfig(guest(ctx, 'lxc')),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/config',
    params: configParams,
    perm: audit,
    proxy: true,
    handler: (ctx) => qemuConfig(ctx.state, guest(ctx, 'qemu')),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/lxc/{vmid}/interfaces',
    params: guestParams,
    perm: audit,
    proxy: true,
    available: (flavor) => flavor.lxcInterfaces,
    handler: (ctx) => lxcInterfaces(ctx.state, guest(ctx, 'lxc')),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces',
    params: guestParams,
    perm: (state) => ({
      path: '/vms/{vmid}',
      privs: agentPrivileges(state.flavor.major),
      any: true,
    }),
    proxy: true,
    handler: agentNetwork,
  },
  ...powerRoutes('lxc'),
  ...powerRoutes('qemu'),
];
