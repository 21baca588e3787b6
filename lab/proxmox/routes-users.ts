/**
 * Users and API tokens (`PVE::API2::User`). A token's secret is returned once, on creation
 * (or regeneration); listings never show it.
 */
import {
  REALMS,
  type TokenRecord,
  type UserRecord,
  USERID_RE,
  TOKEN_NAME_RE,
} from './access-store';
import { dieError, paramError, permissionError } from './errors';
import type { ParamSchema, RawValue } from './params';
import type { RouteContext, RouteDef } from './router';

const USERID = { type: 'string', pattern: USERID_RE, maxLength: 64 } as const;
const TOKENID = { type: 'string', pattern: TOKEN_NAME_RE, maxLength: 64 } as const;
const opt = <T extends object>(spec: T): T & { optional: true } => ({ ...spec, optional: true });
const STR = { type: 'string' } as const;
const BOOL = { type: 'boolean' } as const;
const EPOCH = { type: 'integer', min: 0 } as const;

function noSuchUser(userid: string): Error {
  return dieError(`no such user ('${userid}')`);
}

function userOrDie(ctx: RouteContext, userid: string): UserRecord {
  const user = ctx.state.store.users.get(userid);
  if (!user) throw noSuchUser(userid);
  return user;
}

/**
 * The `userid-group` check: the privilege on `/access/groups`, or on a group the user is in.
 * The user must exist first (500 otherwise).
 */
function checkUserGroup(
  ctx: RouteContext,
  userid: string,
  privs: string[],
  noerr = false,
): boolean {
  const { store, perms } = ctx.state;
  const user = store.users.get(userid);
  if (!user) {
    if (noerr) return false;
    throw noSuchUser(userid);
  }
  const authid = ctx.auth.authid;
  if (authid === 'root@pam' || perms.hasAny(authid, '/access/groups', privs)) return true;
  for (const g of user.groups) if (perms.hasAny(authid, `/access/groups/${g}`, privs)) return true;
  if (noerr) return false;
  throw permissionError();
}

/** Token endpoints: `['or', ['userid-param', 'self'], ['userid-group', ['User.Modify']]]`. */
function checkTokenAccess(ctx: RouteContext, userid: string): void {
  if (ctx.auth.authid === 'root@pam') return;
  if (ctx.state.store.users.has(userid) && ctx.auth.authid === userid) return;
  if (checkUserGroup(ctx, userid, ['User.Modify'], true)) return;
  throw permissionError();
}

function tokenInfo(t: TokenRecord): Record<string, unknown> {
  const info: Record<string, unknown> = { privsep: t.privsep ? 1 : 0, expire: t.expire };
  if (t.comment !== undefined) info.comment = t.comment;
  return info;
}

function listUsers(ctx: RouteContext): unknown {
  const { state, auth, params } = ctx;
  const full = params.bool('full') === true;
  const enabledFilter = params.bool('enabled');
  const canSeeAll =
    auth.authid === 'root@pam' ||
    state.perms.hasAny(auth.authid, '/access/groups', ['User.Modify', 'Sys.Audit']);
  const out: unknown[] = [];
  for (const u of state.store.users.values()) {
    const visible =
      canSeeAll ||
      u.userid === auth.userid ||
      [...u.groups].some((g) =>
        state.perms.hasAny(auth.authid, `/access/groups/${g}`, ['User.Modify', 'Sys.Audit']),
      );
    if (!visible) continue;
    if (enabledFilter !== undefined && u.enable !== enabledFilter) continue;
    const e: Record<string, unknown> = {
      userid: u.userid,
      enable: u.enable ? 1 : 0,
      expire: u.expire,
    };
    for (const k of ['firstname', 'lastname', 'email', 'comment'] as const)
      if (u[k] !== undefined) e[k] = u[k];
    if (u.groups.size > 0) e.groups = [...u.groups].sort().join(',');
    e['realm-type'] = REALMS[u.userid.split('@')[1] ?? '']?.type ?? 'pve';
    if (full)
      e.tokens = [...u.tokens.values()].map((t) => ({ tokenid: t.tokenid, ...tokenInfo(t) }));
    out.push(e);
  }
  return out;
}

function createUser(ctx: RouteContext): null {
  const { state, params, auth } = ctx;
  const userid = params.req('userid');
  const realm = userid.split('@')[1] ?? '';
  const groups = (params.str('groups') ?? '').split(/[,;\s]+/).filter((g) => g !== '');
  if (auth.authid !== 'root@pam') {
    state.perms.check(auth.authid, `/access/realm/${realm}`, ['Realm.AllocateUser']);
    for (const g of groups)
      state.perms.checkAny(auth.authid, `/access/groups/${g}`, ['User.Modify']);
  }
  const fail = (msg: string): Error => dieError(`create user failed: ${msg}`);
  if (state.store.users.has(userid)) throw fail(`user '${userid}' already exists`);
  if (!(realm in REALMS)) throw fail(`authentication domain '${realm}' does not exist`);
  for (const g of groups) if (!state.store.groups.has(g)) throw fail(`no such group '${g}'`);
  const password = params.str('password');
  state.store.addUser({
    userid,
    enable: params.bool('enable') ?? true,
    expire: params.int('expire') ?? 0,
    ...optionalText(ctx, ['firstname', 'lastname', 'email', 'comment']),
    ...(password === undefined ? {} : { password }),
    groups,
  });
  return null;
}

function optionalText(
  ctx: RouteContext,
  keys: readonly ('firstname' | 'lastname' | 'email' | 'comment')[],
): Partial<UserRecord> {
  const out: Partial<UserRecord> = {};
  for (const k of keys) {
    const v = ctx.params.str(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function readUser(ctx: RouteContext): unknown {
  const userid = ctx.params.req('userid');
  if (ctx.auth.userid !== userid || ctx.auth.tokenid !== undefined) {
    checkUserGroup(ctx, userid, ['User.Modify', 'Sys.Audit']);
  }
  const u = userOrDie(ctx, userid);
  const e: Record<string, unknown> = { enable: u.enable ? 1 : 0, expire: u.expire };
  for (const k of ['firstname', 'lastname', 'email', 'comment'] as const)
    if (u[k] !== undefined) e[k] = u[k];
  e.groups = [...u.groups].sort();
  e.tokens = Object.fromEntries([...u.tokens.values()].map((t) => [t.tokenid, tokenInfo(t)]));
  return e;
}

function updateUser(ctx: RouteContext): null {
  const userid = ctx.params.req('userid');
  checkUserGroup(ctx, userid, ['User.Modify']);
  const u = userOrDie(ctx, userid);
  const enable = ctx.params.bool('enable');
  if (enable !== undefined) u.enable = enable;
  const expire = ctx.params.int('expire');
  if (expire !== undefined) u.expire = expire;
  Object.assign(u, optionalText(ctx, ['firstname', 'lastname', 'email', 'comment']));
  const groups = ctx.params.str('groups');
  if (groups !== undefined) {
    if (ctx.params.bool('append') !== true) {
      for (const g of u.groups) ctx.state.store.groups.get(g)?.members.delete(userid);
      u.groups.clear();
    }
    for (const g of groups.split(/[,;\s]+/).filter((x) => x !== ''))
      ctx.state.store.joinGroup(userid, g);
  }
  ctx.state.store.touch();
  return null;
}

function deleteUser(ctx: RouteContext): null {
  const userid = ctx.params.req('userid');
  checkUserGroup(ctx, userid, ['User.Modify']);
  ctx.state.store.deleteUser(userid);
  return null;
}

function listTokens(ctx: RouteContext): unknown {
  const userid = ctx.params.req('userid');
  checkTokenAccess(ctx, userid);
  const u = userOrDie(ctx, userid);
  return [...u.tokens.values()].map((t) => ({ tokenid: t.tokenid, ...tokenInfo(t) }));
}

function readToken(ctx: RouteContext): unknown {
  const userid = ctx.params.req('userid');
  checkTokenAccess(ctx, userid);
  const u = userOrDie(ctx, userid);
  const tokenid = ctx.params.req('tokenid');
  const t = u.tokens.get(tokenid);
  if (!t) throw dieError(`no such token '${tokenid}' for user '${userid}'`);
  return tokenInfo(t);
}

/** Form values are echoed as sent (`"privsep":"1"`), as PVE does before re-reading its config. */
function echo(v: RawValue | undefined): RawValue | undefined {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

function createToken(ctx: RouteContext): unknown {
  const { state, params } = ctx;
  const userid = params.req('userid');
  const tokenid = params.req('tokenid');
  checkTokenAccess(ctx, userid);
  if (state.store.users.get(userid)?.tokens.has(tokenid)) {
    throw paramError({ tokenid: 'Token already exists.' });
  }
  const user = state.store.users.get(userid);
  if (!user) throw dieError(`generating token failed: no such user ('${userid}')`);
  const comment = params.str('comment');
  const token = state.store.addToken(userid, tokenid, {
    privsep: params.bool('privsep') ?? true,
    expire: params.int('expire') ?? user.expire,
    ...(comment === undefined ? {} : { comment }),
  });
  const info: Record<string, unknown> = { privsep: echo(params.raw('privsep')) ?? 1 };
  const expire = echo(params.raw('expire'));
  if (expire !== undefined) info.expire = expire;
  else if (user.expire !== 0) info.expire = user.expire;
  if (comment !== undefined) info.comment = comment;
  return { 'full-tokenid': `${userid}!${tokenid}`, info, value: token.secret };
}

function updateToken(ctx: RouteContext): unknown {
  const { state, params } = ctx;
  const userid = params.req('userid');
  const tokenid = params.req('tokenid');
  checkTokenAccess(ctx, userid);
  const u = userOrDie(ctx, userid);
  const t = u.tokens.get(tokenid);
  if (!t) throw dieError(`update token failed: no such token '${tokenid}' for user '${userid}'`);
  const privsep = params.bool('privsep');
  if (privsep !== undefined) t.privsep = privsep;
  const expire = params.int('expire');
  if (expire !== undefined) t.expire = expire;
  const comment = params.str('comment');
  if (comment !== undefined) t.comment = comment;
  if (params.bool('regenerate') === true) {
    const secret = state.store.regenerateSecret(t);
    return { 'full-tokenid': `${userid}!${tokenid}`, info: tokenInfo(t), value: secret };
  }
  state.store.touch();
  return tokenInfo(t);
}

function deleteToken(ctx: RouteContext): null {
  const userid = ctx.params.req('userid');
  const tokenid = ctx.params.req('tokenid');
  checkTokenAccess(ctx, userid);
  const u = userOrDie(ctx, userid);
  if (!u.tokens.has(tokenid)) {
    throw dieError(`deleting token failed: no such token '${tokenid}' for user '${userid}'`);
  }
  ctx.state.store.removeToken(userid, tokenid);
  return null;
}

const userFields: ParamSchema = {
  comment: opt(STR),
  email: opt(STR),
  enable: opt(BOOL),
  expire: opt(EPOCH),
  firstname: opt(STR),
  lastname: opt(STR),
  groups: opt(STR),
  keys: opt(STR),
};
const tokenFields: ParamSchema = { comment: opt(STR), expire: opt(EPOCH), privsep: opt(BOOL) };
const user = { userid: USERID };
const token = { userid: USERID, tokenid: TOKENID };

export const userRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/access/users',
    params: { enabled: opt(BOOL), full: opt(BOOL) },
    handler: listUsers,
  },
  {
    method: 'POST',
    path: '/access/users',
    params: { ...user, ...userFields, password: opt(STR) },
    handler: createUser,
  },
  { method: 'GET', path: '/access/users/{userid}', params: user, handler: readUser },
  {
    method: 'PUT',
    path: '/access/users/{userid}',
    params: { ...user, ...userFields, append: opt(BOOL) },
    handler: updateUser,
  },
  { method: 'DELETE', path: '/access/users/{userid}', params: user, handler: deleteUser },
  { method: 'GET', path: '/access/users/{userid}/token', params: user, handler: listTokens },
  {
    method: 'GET',
    path: '/access/users/{userid}/token/{tokenid}',
    params: token,
    handler: readToken,
  },
  {
    method: 'POST',
    path: '/access/users/{userid}/token/{tokenid}',
    params: { ...token, ...tokenFields },
    handler: createToken,
  },
  {
    method: 'PUT',
    path: '/access/users/{userid}/token/{tokenid}',
    params: { ...token, ...tokenFields, regenerate: opt(BOOL), delete: opt(STR), digest: opt(STR) },
    handler: updateToken,
  },
  {
    method: 'DELETE',
    path: '/access/users/{userid}/token/{tokenid}',
    params: token,
    handler: deleteToken,
  },
];
