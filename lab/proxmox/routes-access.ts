/**
 * Login tickets, realms, ACLs, roles, groups and effective permissions
 * (`PVE::API2::AccessControl`, `ACL`, `Role`, `Group`).
 */
import { type AclKind, FULL_TOKENID_RE, REALMS, USERID_RE, normalizeAclPath } from './access-store';
import { PveError, dieError, paramError } from './errors';
import type { ParamSchema } from './params';
import { allPrivileges } from './privileges';
import type { RouteContext, RouteDef } from './router';

const opt = <T extends object>(spec: T): T & { optional: true } => ({ ...spec, optional: true });
const STR = { type: 'string' } as const;
const BOOL = { type: 'boolean' } as const;

function loginFailure(): PveError {
  return new PveError(401, 'authentication failure\n');
}

function createTicket(ctx: RouteContext): unknown {
  const { state, params } = ctx;
  let username = params.req('username');
  const realm = params.str('realm');
  if (realm !== undefined && !username.includes('@')) username = `${username}@${realm}`;
  const password = params.req('password');
  if (!USERID_RE.test(username)) throw loginFailure();
  const user = state.store.users.get(username);
  if (!user || !state.store.isUserEnabled(username, state.nowSec())) throw loginFailure();
  const renewal = password.startsWith('PVE:') && state.tickets.verify(password) === username;
  const passwordOk = user.password !== undefined && user.password === password;
  if (!renewal && !passwordOk) throw loginFailure();
  if (!renewal && user.otp !== undefined && params.str('otp') !== user.otp) throw loginFailure();
  const { ticket, csrf } = state.tickets.issue(username);
  const out: Record<string, unknown> = {
    username,
    ticket,
    CSRFPreventionToken: csrf,
    cap: state.perms.capabilities(username),
  };
  if (state.isClustered() && state.perms.has(username, '/', 'Sys.Audit')) {
    out.clustername = state.cluster.name;
  }
  return out;
}

function domains(): unknown {
  return Object.entries(REALMS).map(([realm, r]) => ({ realm, type: r.type, comment: r.comment }));
}

function readAcl(ctx: RouteContext): unknown {
  const { state, auth } = ctx;
  const audit = state.perms.has(auth.authid, '/access', 'Sys.Audit');
  return state.store.aclEntries().filter((e) => audit || canModify(ctx, e.path));
}

/** `check_perm_modify` as a boolean. */
function canModify(ctx: RouteContext, path: string): boolean {
  return ctx.state.perms.hasAny(ctx.auth.authid, path, modifyPrivs(path));
}

function modifyPrivs(path: string): string[] {
  const privs = ['Permissions.Modify'];
  if (/^\/storage\/.+$/.test(path)) privs.push('Datastore.Allocate');
  else if (/^\/vms\/.+$/.test(path)) privs.push('VM.Allocate');
  else if (/^\/pool\/.+$/.test(path)) privs.push('Pool.Allocate');
  return privs;
}

function splitList(v: string | undefined): string[] {
  return (v ?? '').split(/[,;\s]+/).filter((x) => x !== '');
}

function updateAcl(ctx: RouteContext): null {
  const { state, params, auth } = ctx;
  const rawPath = params.req('path');
  const path = normalizeAclPath(rawPath);
  if (path === undefined) throw paramError({ path: `invalid ACL path '${rawPath}'` });
  if (auth.authid !== 'root@pam') state.perms.checkAny(auth.authid, path, modifyPrivs(path));
  const members: Record<AclKind, string[]> = {
    users: splitList(params.str('users')),
    groups: splitList(params.str('groups')),
    tokens: splitList(params.str('tokens')),
  };
  if (members.users.length + members.groups.length + members.tokens.length === 0) {
    const msg = "either 'users', 'groups' or 'tokens' is required.";
    throw paramError({ users: msg, groups: msg, tokens: msg });
  }
  const remove = params.bool('delete') === true;
  const propagate = params.bool('propagate') ?? true;
  const badToken = members.tokens.find((t) => !FULL_TOKENID_RE.test(t));
  if (badToken !== undefined) {
    throw paramError({ tokens: `value '${badToken}' does not look like a valid API token ID` });
  }
  const fail = (msg: string): Error => dieError(`ACL update failed: ${msg}`);
  const roles = splitList(params.str('roles'));
  const mayModify =
    auth.authid === 'root@pam' || state.perms.has(auth.authid, path, 'Permissions.Modify');
  for (const role of roles) {
    const def = state.store.roles.get(role);
    if (!def) throw fail(`role '${role}' does not exist`);
    if (!remove && !mayModify) {
      const held = state.perms.permissions(auth.authid, path);
      if (![...def.privs].every((p) => held.has(p))) {
        throw fail(
          `400 Parameter verification failed.\nrole: Cannot add role '${role}' - requires 'Permissions.Modify' or superset of privileges.`,
        );
      }
    }
  }
  for (const g of members.groups)
    if (!state.store.groups.has(g)) throw fail(`group '${g}' does not exist`);
  for (const u of members.users)
    if (!state.store.users.has(u)) throw fail(`user '${u}' does not exist`);
  for (const t of members.tokens) {
    const m = FULL_TOKENID_RE.exec(t);
    if (m && !state.store.token(t)) throw fail(`no such token '${m[2]!}' for user '${m[1]!}'`);
  }
  for (const kind of ['users', 'groups', 'tokens'] as const) {
    for (const member of members[kind]) {
      for (const role of roles) state.store.setAcl(path, kind, member, role, propagate, remove);
    }
  }
  return null;
}

function listRoles(ctx: RouteContext): unknown {
  return [...ctx.state.store.roles].map(([roleid, def]) => ({
    roleid,
    special: def.special ? 1 : 0,
    privs: [...def.privs].sort().join(','),
  }));
}

function readRole(ctx: RouteContext): unknown {
  const roleid = ctx.params.req('roleid');
  const def = ctx.state.store.roles.get(roleid);
  if (!def) throw dieError(`role '${roleid}' does not exist`);
  return Object.fromEntries([...def.privs].sort().map((p) => [p, 1]));
}

function createRole(ctx: RouteContext): null {
  const { state, params } = ctx;
  const roleid = params.req('roleid');
  if (state.store.roles.has(roleid))
    throw dieError(`create role failed: role '${roleid}' already exists`);
  const valid = allPrivileges(state.flavor.major);
  const privs = splitList(params.str('privs'));
  for (const p of privs)
    if (!valid.has(p)) throw dieError(`create role failed: invalid privilege '${p}'`);
  state.store.roles.set(roleid, { privs: new Set(privs), special: false });
  state.store.touch();
  return null;
}

function listGroups(ctx: RouteContext): unknown {
  const { state, auth } = ctx;
  const out: unknown[] = [];
  for (const [groupid, g] of state.store.groups) {
    const path = `/access/groups/${groupid}`;
    if (!state.perms.hasAny(auth.authid, path, ['Sys.Audit', 'Group.Allocate'])) continue;
    const e: Record<string, unknown> = { groupid, users: [...g.members].sort().join(',') };
    if (g.comment !== undefined) e.comment = g.comment;
    out.push(e);
  }
  return out;
}

function createGroup(ctx: RouteContext): null {
  const { state, params } = ctx;
  const groupid = params.req('groupid');
  if (state.store.groups.has(groupid)) {
    throw dieError(`create group failed: group '${groupid}' already exists`);
  }
  const comment = params.str('comment');
  state.store.groups.set(groupid, {
    members: new Set(),
    ...(comment === undefined ? {} : { comment }),
  });
  state.store.touch();
  return null;
}

function permissions(ctx: RouteContext): unknown {
  const { state, params, auth } = ctx;
  const requested = params.str('userid');
  if (requested !== undefined) {
    const m = FULL_TOKENID_RE.exec(requested);
    if (m) {
      if (!state.store.users.has(m[1]!)) throw dieError(`no such user ('${m[1]!}')`);
      if (!state.store.token(requested)) {
        throw dieError(`no such token '${m[2]!}' for user '${m[1]!}'`);
      }
    } else if (!state.store.users.has(requested)) {
      throw dieError(`no such user ('${requested}')`);
    }
  }
  const target = requested ?? auth.authid;
  const owner = FULL_TOKENID_RE.exec(target)?.[1];
  if (target !== auth.authid && owner !== auth.authid && auth.authid !== 'root@pam') {
    state.perms.check(auth.authid, '/access', ['Sys.Audit']);
  }
  const path = params.str('path');
  if (path !== undefined) {
    const privs = state.perms.permissions(target, path);
    return privs.size > 0 ? { [path]: Object.fromEntries(privs) } : {};
  }
  return state.perms.effective(target);
}

const ticketParams: ParamSchema = {
  username: { type: 'string', maxLength: 64 },
  password: STR,
  realm: opt(STR),
  otp: opt(STR),
  'tfa-challenge': opt(STR),
  'new-format': opt(BOOL),
};

export const accessRoutes: RouteDef[] = [
  { method: 'GET', path: '/access/domains', params: {}, noAuth: true, handler: domains },
  { method: 'GET', path: '/access/ticket', params: {}, noAuth: true, handler: () => null },
  {
    method: 'POST',
    path: '/access/ticket',
    params: ticketParams,
    noAuth: true,
    ticketOnly: true,
    handler: createTicket,
  },
  { method: 'GET', path: '/access/acl', params: {}, handler: readAcl },
  {
    method: 'PUT',
    path: '/access/acl',
    params: {
      path: STR,
      roles: STR,
      users: opt(STR),
      groups: opt(STR),
      tokens: opt(STR),
      propagate: opt(BOOL),
      delete: opt(BOOL),
      digest: opt(STR),
    },
    handler: updateAcl,
  },
  { method: 'GET', path: '/access/roles', params: {}, handler: listRoles },
  {
    method: 'POST',
    path: '/access/roles',
    params: { roleid: { type: 'string', pattern: /^[A-Za-z0-9.\-_]+$/ }, privs: opt(STR) },
    perm: { path: '/access', privs: ['Sys.Modify'] },
    handler: createRole,
  },
  { method: 'GET', path: '/access/roles/{roleid}', params: { roleid: STR }, handler: readRole },
  { method: 'GET', path: '/access/groups', params: {}, handler: listGroups },
  {
    method: 'POST',
    path: '/access/groups',
    params: { groupid: { type: 'string', pattern: /^[A-Za-z0-9.\-_]+$/ }, comment: opt(STR) },
    perm: { path: '/access/groups', privs: ['Group.Allocate'] },
    handler: createGroup,
  },
  {
    method: 'GET',
    path: '/access/permissions',
    params: { userid: opt(STR), path: opt(STR) },
    handler: permissions,
  },
];
