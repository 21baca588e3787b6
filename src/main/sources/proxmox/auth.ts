import { AppError } from '../../../shared/errors';
import type { ProfileView } from '../../../shared/profiles';
import { HttpError } from '../../net/errors';
import type { HttpClient } from '../../net/http-client';
import { parseJsonBody } from '../../net/json';
import { statusError } from '../../net/failures';
import type { SecretValues } from '../../profiles/profile-service';
import { envelope, TicketResponse } from './schemas';

type ProxmoxProfile = ProfileView & { connection: { kind: 'proxmox' } };

/** Asks the person for a TOTP code when a profile needs one; undefined when nobody can answer. */
export type OtpProvider = (profile: ProfileView) => Promise<string | undefined>;

/** PVE tickets live 2 h; renew after 1 h as proxmoxer does, so a long sync never crosses expiry. */
export const ticketLifetimeMs = 2 * 3600_000;
export const ticketRenewAfterMs = 3600_000;

/** Headers for one request; tickets need the CSRF header on everything but GET. */
export interface PveAuth {
  /** Who the credential is, for `test()`: `user@realm!token` or `user@realm`. */
  identity: string;
  headers(method: string, signal: AbortSignal): Promise<Record<string, string>>;
  /** Called after a 401: true when a fresh login may help (ticket auth), so retry once. */
  recover(signal: AbortSignal): Promise<boolean>;
}

export function tokenAuth(profile: ProxmoxProfile, secrets: SecretValues): PveAuth {
  if (profile.connection.auth.mode !== 'token') throw new Error('not a token profile');
  const tokenId = profile.connection.auth.tokenId;
  const secret = secrets.tokenSecret;
  if (secret === undefined || secret === '') {
    throw new AppError(
      'bad-request',
      `Proxmox profile "${profile.name}" has no token secret; add it to the profile.`,
    );
  }
  const header = { authorization: `PVEAPIToken=${tokenId}=${secret}` };
  return {
    identity: tokenId,
    headers: () => Promise.resolve(header),
    recover: () => Promise.resolve(false),
  };
}

interface Ticket {
  ticket: string;
  csrf: string;
  username: string;
  issuedAt: number;
}

/**
 * Ticket auth (reference/proxmox.md §3.2): `POST /access/ticket` with user, realm and password
 * (plus the TOTP code when the profile asks for one), then `Cookie: PVEAuthCookie` and the CSRF
 * header. Renewal posts the current ticket as the password; one renewal at a time.
 */
export function ticketAuth(
  profile: ProxmoxProfile,
  secrets: SecretValues,
  http: HttpClient,
  options: { otp?: OtpProvider | undefined; now?: () => number },
): PveAuth {
  const auth = profile.connection.auth;
  if (auth.mode !== 'password') throw new Error('not a password profile');
  const password = secrets.password;
  if (password === undefined || password === '') {
    throw new AppError(
      'bad-request',
      `Proxmox profile "${profile.name}" has no password; add it to the profile.`,
    );
  }
  const now = options.now ?? Date.now;
  const username = auth.username.includes('@') ? auth.username : `${auth.username}@${auth.realm}`;
  let current: Ticket | undefined;
  let pending: Promise<Ticket> | undefined;

  const post = async (
    fields: Record<string, string>,
    signal: AbortSignal,
    renewal: boolean,
  ): Promise<Ticket> => {
    const endpoint = 'POST /access/ticket';
    const response = await http.request('/access/ticket', {
      method: 'POST',
      json: fields,
      signal,
    });
    const where = { system: 'Proxmox VE', endpoint, status: response.status };
    if (response.status === 401) {
      throw new HttpError(
        'unauthorized',
        renewal
          ? 'Proxmox VE refused to renew the session ticket; it may have expired.'
          : `Proxmox VE refused the login of ${username} (wrong user, realm, password${auth.totp ? ' or one-time code' : ''}).`,
        where,
      );
    }
    if (response.status < 200 || response.status > 299) throw statusError(response, where);
    const { data } = parseJsonBody(response, envelope(TicketResponse), where);
    if (data.NeedTFA === true || data.ticket.startsWith('PVE:!tfa!')) {
      throw new AppError(
        'forbidden',
        `Proxmox VE asks ${username} for a second factor; enable "one-time code" in the profile and enter the code when asked.`,
      );
    }
    if (data.CSRFPreventionToken === undefined) {
      throw new HttpError(
        'invalid-data',
        'Proxmox VE POST /access/ticket: the answer has no CSRFPreventionToken.',
        where,
      );
    }
    return {
      ticket: data.ticket,
      csrf: data.CSRFPreventionToken,
      username: data.username,
      issuedAt: now(),
    };
  };

  const login = async (signal: AbortSignal): Promise<Ticket> => {
    const fields: Record<string, string> = { username, password };
    if (auth.totp) {
      const code = await options.otp?.(profile);
      if (code === undefined || code.trim() === '') {
        throw new AppError(
          'bad-request',
          `Proxmox profile "${profile.name}" uses a one-time code (TOTP), but none was given. Enter the current code from your authenticator to connect.`,
        );
      }
      fields.otp = code.trim();
    }
    return post(fields, signal, false);
  };

  /** One login or renewal in flight at a time; concurrent callers share it. */
  const once = (make: () => Promise<Ticket>): Promise<Ticket> => {
    pending ??= make().then(
      (ticket) => {
        current = ticket;
        pending = undefined;
        return ticket;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };

  const valid = async (signal: AbortSignal): Promise<Ticket> => {
    if (pending) return pending;
    if (current === undefined || now() - current.issuedAt >= ticketLifetimeMs) {
      return once(() => login(signal));
    }
    if (now() - current.issuedAt >= ticketRenewAfterMs) {
      const old = current;
      return once(() =>
        post({ username: old.username, password: old.ticket }, signal, true).catch(() =>
          // A refused renewal (clock skew, restarted cluster) falls back to a fresh login.
          login(signal),
        ),
      );
    }
    return current;
  };

  return {
    identity: username,
    headers: async (method, signal) => {
      const ticket = await valid(signal);
      const headers: Record<string, string> = {
        cookie: `PVEAuthCookie=${encodeURIComponent(ticket.ticket)}`,
      };
      if (method !== 'GET') headers.csrfpreventiontoken = ticket.csrf;
      return headers;
    },
    recover: async (signal) => {
      if (auth.totp) return false;
      current = undefined;
      await valid(signal);
      return true;
    },
  };
}
