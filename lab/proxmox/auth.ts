/**
 * Authentication as pveproxy does it: the `PVEAPIToken` Authorization header, or a
 * `PVEAuthCookie` ticket (cookie, or the `Authorization: PVEAuthCookie=` fallback) with a
 * `CSRFPreventionToken` header on every non-GET request. Tickets live 2 hours.
 *
 * Tickets are signed with HMAC-SHA256 rather than the cluster's RSA key: clients treat the
 * signature as opaque, and the simulator verifies its own tickets only.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { type AccessStore, FULL_TOKENID_RE, secretsEqual, splitTokenId } from './access-store';
import { authError } from './errors';

export const TICKET_LIFETIME_S = 7200;
/** `verify_ticket` tolerates tickets from up to 5 minutes in the future (clock skew). */
const MAX_CLOCK_SKEW_S = 300;

export interface AuthContext {
  /** The identity permissions are evaluated for: `user@realm` or `user@realm!token`. */
  authid: string;
  userid: string;
  tokenid?: string;
  via: 'token' | 'ticket';
}

function hex8(sec: number): string {
  return sec.toString(16).toUpperCase().padStart(8, '0');
}

export class TicketAuthority {
  private readonly key = randomBytes(32);
  private readonly csrfKey = randomBytes(32);

  constructor(private readonly nowMs: () => number) {}

  private nowSec(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  issue(userid: string): { ticket: string; csrf: string } {
    const stamp = hex8(this.nowSec());
    const plain = `PVE:${userid}:${stamp}`;
    const sig = createHmac('sha256', this.key).update(plain).digest('base64');
    const csrfSig = createHmac('sha256', this.csrfKey)
      .update(`${stamp}:${userid}`)
      .digest('base64')
      .replace(/=+$/, '');
    return { ticket: `${plain}::${sig}`, csrf: `${stamp}:${csrfSig}` };
  }

  /** The user id of a valid, unexpired ticket, else undefined. */
  verify(ticket: string): string | undefined {
    const m = /^(PVE:(\S+?):([0-9A-F]{8}))::(\S+)$/.exec(ticket);
    if (!m) return undefined;
    const [, plain, userid, stamp, sig] = m as unknown as [string, string, string, string, string];
    const expected = createHmac('sha256', this.key).update(plain).digest('base64');
    if (!secretsEqual(expected, sig)) return undefined;
    return this.fresh(stamp) ? userid : undefined;
  }

  verifyCsrf(token: string | undefined, userid: string): boolean {
    if (token === undefined) return false;
    const m = /^([0-9A-F]{8}):(\S+)$/.exec(token);
    if (!m) return false;
    const [, stamp, sig] = m as unknown as [string, string, string];
    const expected = createHmac('sha256', this.csrfKey)
      .update(`${stamp}:${userid}`)
      .digest('base64')
      .replace(/=+$/, '');
    return secretsEqual(expected, sig) && this.fresh(stamp);
  }

  private fresh(stamp: string): boolean {
    const age = this.nowSec() - parseInt(stamp, 16);
    return age >= -MAX_CLOCK_SKEW_S && age <= TICKET_LIFETIME_S;
  }
}

/** `extract_auth_value` for the token header: `PVEAPIToken=` or `PVEAPIToken ` then the value. */
export function parseTokenHeader(
  authorization: string | undefined,
): { authid: string; secret: string } | null | undefined {
  if (authorization === undefined) return undefined;
  const m = /(?:^|\s)PVEAPIToken(?:=| )([^;]*)/.exec(authorization);
  if (!m) return undefined;
  let value = m[1] ?? '';
  try {
    value = decodeURIComponent(value);
  } catch {
    return null;
  }
  const eq = value.lastIndexOf('=');
  if (eq < 0) return null;
  return { authid: value.slice(0, eq).trim(), secret: value.slice(eq + 1).trim() };
}

export function extractTicket(headers: IncomingHttpHeaders): string | undefined {
  const cookie = headers.cookie;
  if (cookie !== undefined) {
    for (const part of cookie.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === 'PVEAuthCookie') return safeDecode(rest.join('='));
    }
  }
  const m = /(?:^|\s)PVEAuthCookie=([^;\s]*)/.exec(headers.authorization ?? '');
  return m ? safeDecode(m[1] ?? '') : undefined;
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/**
 * Authenticates a request or throws the 401 PVE would send. Token auth wins when both are
 * present, as in pve-manager's `auth_handler`.
 */
export function authenticate(
  headers: IncomingHttpHeaders,
  method: string,
  store: AccessStore,
  tickets: TicketAuthority,
  nowSec: number,
): AuthContext {
  const token = parseTokenHeader(headers.authorization);
  if (token !== undefined) {
    if (token === null || !FULL_TOKENID_RE.test(token.authid)) {
      throw authError('Authentication failed!');
    }
    const split = splitTokenId(token.authid);
    const found = store.token(token.authid);
    if (!split || !found || !store.isUserEnabled(split.userid, nowSec)) {
      throw authError('Authentication failed!');
    }
    if (found.token.expire !== 0 && found.token.expire <= nowSec) {
      throw authError('Authentication failed!');
    }
    if (!secretsEqual(found.token.secret, token.secret)) throw authError('Authentication failed!');
    return { authid: token.authid, userid: split.userid, tokenid: split.tokenid, via: 'token' };
  }
  const ticket = extractTicket(headers);
  if (ticket === undefined || ticket === '') throw authError('No ticket');
  const userid = tickets.verify(ticket);
  if (userid === undefined || !store.isUserEnabled(userid, nowSec)) {
    throw authError('Authentication failed!');
  }
  if (method !== 'GET') {
    const csrf = headers.csrfpreventiontoken;
    const value = Array.isArray(csrf) ? csrf[0] : csrf;
    if (!tickets.verifyCsrf(value, userid)) {
      throw authError('Permission denied - invalid csrf token');
    }
  }
  return { authid: userid, userid, via: 'ticket' };
}
