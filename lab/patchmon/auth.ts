/** Admin login, TFA, JWT sessions and permission checks (reference §3). */
import type { LabRequest, LabResponse } from '../common/http';
import { sameSecret, signJwt, totp, verifyJwt } from './crypto';
import { permissions, type PatchmonState, type PmPermission, type PmUser } from './model';
import { clientIp, cookies, fail, jwtFail, ok, PmError, readJson, rfc3339 } from './respond';

const ACCESS_TTL_S = 3600;
const REFRESH_TTL_S = 7 * 86_400;
const MAX_ATTEMPTS = 5;
const LOCKOUT_MS = 15 * 60_000;

export interface AuthOptions {
  /** v1 validation errors: 400 `{"errors":[…]}` instead of `{"error":…}`. */
  v1: boolean;
}

export class PatchmonAuth {
  private readonly attempts = new Map<string, { count: number; until: number }>();
  private readonly tfaAttempts = new Map<string, number>();

  constructor(
    private readonly state: PatchmonState,
    private readonly options: AuthOptions,
  ) {}

  private userBody(user: PmUser): Record<string, unknown> {
    const body: Record<string, unknown> = {
      id: user.id,
      username: user.username,
      email: user.email,
      role: user.role,
      is_active: user.isActive,
      theme_preference: 'dark',
      color_theme: 'cyber_blue',
      updated_at: rfc3339(user.updatedAt),
      has_password: true,
    };
    if (user.firstName !== null) body.first_name = user.firstName;
    if (user.lastName !== null) body.last_name = user.lastName;
    if (user.lastLogin !== null) body.last_login = rfc3339(user.lastLogin);
    body.newsletter_subscribed = false;
    body.accepted_release_notes_versions = ['2.1.3'];
    return body;
  }

  private complete(user: PmUser): LabResponse {
    const now = this.state.clock();
    const sessionId = this.state.uuid();
    this.state.sessions.set(sessionId, { id: sessionId, userId: user.id, revoked: false });
    const iat = Math.floor(now / 1000);
    const claims = { sub: user.id, role: user.role, sessionId, iat };
    const token = signJwt(
      { ...claims, typ: 'access', exp: iat + ACCESS_TTL_S },
      this.state.jwtSecret,
    );
    const refresh = signJwt(
      { ...claims, typ: 'refresh', exp: iat + REFRESH_TTL_S },
      this.state.jwtSecret,
    );
    user.lastLogin = now;
    return ok(
      200,
      {
        message: 'Login successful',
        token,
        refresh_token: refresh,
        expires_in: ACCESS_TTL_S,
        expires_at: rfc3339(now + ACCESS_TTL_S * 1000),
        user: this.userBody(user),
      },
      {
        'set-cookie': [
          `token=${token}; Path=/; Max-Age=${ACCESS_TTL_S}; HttpOnly; Secure; SameSite=Lax`,
          `refresh_token=${refresh}; Path=/; Max-Age=${REFRESH_TTL_S}; HttpOnly; Secure; SameSite=Lax`,
        ],
      },
    );
  }

  private validation(field: string, msg: string, legacy: string): PmError {
    if (this.options.v1) {
      return new PmError(
        ok(400, { errors: [{ type: 'field', value: '', msg, path: field, location: 'body' }] }),
      );
    }
    return fail(400, legacy);
  }

  login(req: LabRequest): LabResponse {
    const body = readJson(req);
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password.trim() : '';
    if (username === '' || password === '') {
      throw this.validation('username', 'Username is required', 'username and password required');
    }
    const now = this.state.clock();
    const key = `${clientIp(req)}|${username.toLowerCase()}`;
    const entry = this.attempts.get(key);
    if (entry && entry.count >= MAX_ATTEMPTS && entry.until > now) {
      const remaining = Math.ceil((entry.until - now) / 1000);
      throw new PmError(
        ok(
          429,
          {
            message: 'Too many failed login attempts. Try again later.',
            remaining_seconds: remaining,
          },
          { 'retry-after': String(remaining) },
        ),
      );
    }
    const user = this.state.users.find(
      (u) => u.username === username || u.email.toLowerCase() === username.toLowerCase(),
    );
    if (!user || !sameSecret(user.password, password)) {
      const count = (entry && entry.until > now ? entry.count : 0) + 1;
      this.attempts.set(key, { count, until: now + LOCKOUT_MS });
      throw fail(401, 'Invalid credentials');
    }
    this.attempts.delete(key);
    if (!user.isActive) throw fail(401, 'Account is disabled');
    if (user.tfaSecret !== null) {
      const ticket = this.state.rng.hex(24);
      this.state.tfaTickets.set(ticket, { userId: user.id, expires: now + 5 * 60_000 });
      const tfa: Record<string, unknown> = {
        message: 'TFA verification required',
        requiresTfa: true,
        username: user.username,
      };
      if (!this.options.v1) tfa.tfaTicket = ticket;
      return ok(200, tfa);
    }
    return this.complete(user);
  }

  verifyTfa(req: LabRequest): LabResponse {
    const body = readJson(req);
    const code = typeof body.token === 'string' ? body.token : '';
    if (code.length !== 6) throw fail(400, '6-character token required');
    if (!/^[A-Za-z0-9]{6}$/.test(code)) throw fail(400, 'Token must be 6 alphanumeric characters');
    const now = this.state.clock();
    const ticketId = typeof body.tfa_ticket === 'string' ? body.tfa_ticket : '';
    const ticket = this.state.tfaTickets.get(ticketId);
    this.state.tfaTickets.delete(ticketId);
    const user =
      ticket && ticket.expires > now
        ? this.state.users.find((u) => u.id === ticket.userId)
        : undefined;
    if (!user?.tfaSecret) throw fail(401, 'Login session expired, please sign in again');
    const failures = this.tfaAttempts.get(user.id) ?? 0;
    if (failures >= MAX_ATTEMPTS) {
      throw fail(429, 'Too many failed TFA attempts. Please try again later.');
    }
    const upper = code.toUpperCase();
    const secret = user.tfaSecret;
    const totpOk = [-1, 0, 1].some((o) => totp(secret, now, o) === upper);
    const backup = user.backupCodes.indexOf(upper);
    if (!totpOk && backup < 0) {
      this.tfaAttempts.set(user.id, failures + 1);
      throw new PmError(
        ok(401, {
          error: 'Invalid verification code',
          remainingAttempts: MAX_ATTEMPTS - failures - 1,
        }),
      );
    }
    if (backup >= 0) user.backupCodes.splice(backup, 1);
    this.tfaAttempts.delete(user.id);
    return this.complete(user);
  }

  /** JWT middleware: the user of a valid access token (Bearer or `token` cookie). */
  requireUser(req: LabRequest): PmUser {
    const header = req.headers.authorization ?? '';
    const raw = header.startsWith('Bearer ') ? header.slice(7).trim() : cookies(req).get('token');
    if (raw === undefined || raw === '') throw jwtFail('Unauthorized');
    const claims = verifyJwt(raw, this.state.jwtSecret);
    if (claims?.typ !== 'access') throw jwtFail('Invalid token');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.state.clock()) {
      throw jwtFail('Invalid token');
    }
    const session = this.state.sessions.get(String(claims.sessionId));
    if (!session || session.revoked || req.credentialFault !== null)
      throw jwtFail('Session expired');
    const user = this.state.users.find((u) => u.id === session.userId);
    if (!user?.isActive) throw jwtFail('Unauthorized');
    return user;
  }

  requirePermission(req: LabRequest, permission: PmPermission): PmUser {
    const user = this.requireUser(req);
    if (!(permissions[user.role] as readonly string[]).includes(permission)) {
      throw fail(403, 'Insufficient permissions');
    }
    return user;
  }

  logout(req: LabRequest): LabResponse {
    this.requireUser(req);
    const header = req.headers.authorization ?? '';
    const raw = header.startsWith('Bearer ')
      ? header.slice(7).trim()
      : (cookies(req).get('token') ?? '');
    const claims = verifyJwt(raw, this.state.jwtSecret);
    const session = this.state.sessions.get(String(claims?.sessionId));
    if (session) session.revoked = true;
    return ok(200, { message: 'Logged out' });
  }

  refresh(req: LabRequest): LabResponse {
    const raw = cookies(req).get('refresh_token') ?? '';
    const claims = verifyJwt(raw, this.state.jwtSecret);
    const session = this.state.sessions.get(String(claims?.sessionId));
    const fresh =
      claims?.typ === 'refresh' &&
      typeof claims.exp === 'number' &&
      claims.exp * 1000 > this.state.clock();
    if (!fresh || !session || session.revoked) throw fail(401, 'Invalid refresh token');
    const user = this.state.users.find((u) => u.id === session.userId);
    if (!user) throw fail(401, 'Invalid refresh token');
    const now = this.state.clock();
    const iat = Math.floor(now / 1000);
    const token = signJwt(
      {
        sub: user.id,
        role: user.role,
        sessionId: session.id,
        iat,
        typ: 'access',
        exp: iat + ACCESS_TTL_S,
      },
      this.state.jwtSecret,
    );
    return ok(
      200,
      { expires_at: rfc3339(now + ACCESS_TTL_S * 1000) },
      {
        'set-cookie': `token=${token}; Path=/; Max-Age=${ACCESS_TTL_S}; HttpOnly; Secure; SameSite=Lax`,
      },
    );
  }

  profile(req: LabRequest): LabResponse {
    return ok(200, { user: this.userBody(this.requireUser(req)) });
  }

  setupAdmin(req: LabRequest): LabResponse {
    const body = readJson(req);
    if (this.state.users.some((u) => u.role === 'superadmin' || u.role === 'admin')) {
      throw fail(400, 'Admin users already exist. This endpoint is only for first-time setup.');
    }
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (username === '' || password.length < 8)
      throw fail(400, 'Password does not meet requirements');
    const user: PmUser = {
      id: this.state.uuid(),
      username,
      email: typeof body.email === 'string' ? body.email : `${username}@example.com`,
      password,
      role: 'superadmin',
      isActive: true,
      firstName: typeof body.firstName === 'string' ? body.firstName : null,
      lastName: typeof body.lastName === 'string' ? body.lastName : null,
      tfaSecret: null,
      backupCodes: [],
      lastLogin: null,
      updatedAt: this.state.clock(),
    };
    this.state.users.push(user);
    const res = this.complete(user);
    return { ...res, status: 201 };
  }
}
