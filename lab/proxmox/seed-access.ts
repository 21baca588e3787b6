/**
 * The access configuration a lab cluster starts with: root@pam with a password, a root token,
 * a least-privilege service account for Rackside (set up as reference §7 describes, plus a
 * custom role for guest-agent IPs), and a read-only monitoring token.
 */
import { agentPrivileges } from './privileges';
import type { SimState } from './state';

export interface TokenCredential {
  /** `user@realm!tokenid`. */
  tokenid: string;
  secret: string;
  /** Ready-made header value: `PVEAPIToken=<tokenid>=<secret>`. */
  authorization: string;
}

export interface SeededAccess {
  root: { username: 'root@pam'; password: string };
  /** root@pam!lab, privsep=0: every privilege. */
  rootToken: TokenCredential;
  /**
   * svc-rackside@pve!rackside, privsep=1: PVEAuditor on `/`, PVEVMUser and GuestAgentAudit on
   * `/vms`, granted to both the user and the token. No Sys.Modify, so no node apt list.
   */
  token: TokenCredential;
  /** monitor@pve!monitoring, privsep=1: PVEAuditor on `/` only (no power, no agent on PVE 8). */
  auditorToken: TokenCredential;
}

function credential(
  state: SimState,
  userid: string,
  tokenid: string,
  privsep: boolean,
  comment: string,
): TokenCredential {
  const token = state.store.addToken(userid, tokenid, { privsep, expire: 0, comment });
  const full = `${userid}!${tokenid}`;
  return {
    tokenid: full,
    secret: token.secret,
    authorization: `PVEAPIToken=${full}=${token.secret}`,
  };
}

export function seedAccess(state: SimState, rootPassword: string): SeededAccess {
  const { store } = state;
  const root = store.users.get('root@pam');
  if (root) {
    root.password = rootPassword;
    root.email = 'root@lab.example';
  }
  store.roles.set('GuestAgentAudit', {
    privs: new Set(agentPrivileges(state.flavor.major)),
    special: false,
  });
  store.addUser({
    userid: 'svc-rackside@pve',
    enable: true,
    expire: 0,
    comment: 'Rackside desktop client',
  });
  store.addUser({
    userid: 'monitor@pve',
    enable: true,
    expire: 0,
    comment: 'Read-only monitoring',
  });
  const rootToken = credential(state, 'root@pam', 'lab', false, 'lab administration');
  const token = credential(state, 'svc-rackside@pve', 'rackside', true, 'desktop client');
  const auditorToken = credential(state, 'monitor@pve', 'monitoring', true, 'monitoring');
  for (const [kind, member] of [
    ['users', 'svc-rackside@pve'],
    ['tokens', token.tokenid],
  ] as const) {
    store.setAcl('/', kind, member, 'PVEAuditor', true);
    store.setAcl('/vms', kind, member, 'PVEVMUser', true);
    store.setAcl('/vms', kind, member, 'GuestAgentAudit', true);
  }
  store.setAcl('/', 'users', 'monitor@pve', 'PVEAuditor', true);
  store.setAcl('/', 'tokens', auditorToken.tokenid, 'PVEAuditor', true);
  return { root: { username: 'root@pam', password: rootPassword }, rootToken, token, auditorToken };
}
