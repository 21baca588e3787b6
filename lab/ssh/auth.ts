/**
 * Who may log in where on the lab's SSH devices:
 *
 * - Linux hosts: `root` and `ops`, with the lab password or the lab client key.
 * - Proxmox nodes: `root` with the cluster's root@pam password (one account, as on PVE) or the key.
 * - Bastions: `ops` only, password or key (`PermitRootLogin no`).
 * - Routers: the RouterOS user and password the API simulator uses; no keys.
 * - One Linux host (`mfaHost`) takes keyboard-interactive only: `Password:` then
 *   `Verification code:` (RFC 6238, SHA-1, 30 s, ±1 step) from the lab's TOTP secret.
 */
import { timingSafeEqual } from 'node:crypto';
import ssh2, { type AuthContext, type ParsedKey } from 'ssh2';
import { totp } from '../patchmon/crypto';
import type { SshTarget } from './hosts';

export interface SshCredentials {
  /** Password of `root` and `ops` on Linux hosts and bastions. */
  password: string;
  /** The lab client key pair (OpenSSH formats); its public half is authorized everywhere. */
  clientKey: { privateKey: string; publicKey: string };
  /** Name of the host that asks for a verification code, or null. */
  mfaHost: string | null;
  /** Base32 TOTP secret for `mfaHost`. */
  totpSecret: string;
  /** Root password of a Proxmox node (its cluster's root@pam) when the simulator runs. */
  nodeRootPassword: (node: string) => string | null;
  /** RouterOS credentials by identity. */
  router: (target: SshTarget) => { username: string; password: string };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function usersFor(target: SshTarget, creds: SshCredentials): string[] {
  switch (target.kind) {
    case 'router':
      return [creds.router(target).username];
    case 'bastion':
      return ['ops'];
    case 'pve-node':
      return ['root'];
    case 'linux':
      return ['root', 'ops'];
  }
}

function passwordFor(target: SshTarget, creds: SshCredentials): string {
  if (target.kind === 'router') return creds.router(target).password;
  if (target.kind === 'pve-node') return creds.nodeRootPassword(target.name) ?? creds.password;
  return creds.password;
}

export function methodsFor(target: SshTarget, creds: SshCredentials): AuthMethod[] {
  if (target.name === creds.mfaHost) return ['keyboard-interactive'];
  return target.kind === 'router' ? ['password'] : ['publickey', 'password'];
}

type AuthMethod = 'publickey' | 'password' | 'keyboard-interactive';

let parsedClientKey: { source: string; key: ParsedKey } | null = null;
function clientPublicKey(creds: SshCredentials): ParsedKey {
  if (parsedClientKey?.source !== creds.clientKey.publicKey) {
    const key = ssh2.utils.parseKey(creds.clientKey.publicKey);
    if (key instanceof Error) throw key;
    parsedClientKey = { source: creds.clientKey.publicKey, key };
  }
  return parsedClientKey.key;
}

/** Decides one authentication request; `target` is null when the login name routes nowhere. */
export function authenticate(
  ctx: AuthContext,
  user: string,
  target: SshTarget | null,
  creds: SshCredentials,
): void {
  if (!target || !usersFor(target, creds).includes(user)) {
    // Same answer as a wrong password, so login names cannot be probed.
    ctx.reject(['publickey', 'password']);
    return;
  }
  const methods = methodsFor(target, creds);
  const method = ctx.method as AuthMethod;
  if (!methods.includes(method)) {
    ctx.reject(methods);
    return;
  }
  switch (ctx.method) {
    case 'password':
      if (same(ctx.password, passwordFor(target, creds))) ctx.accept();
      else ctx.reject(methods);
      return;
    case 'publickey': {
      const key = clientPublicKey(creds);
      const data = key.getPublicSSH();
      if (ctx.key.algo !== key.type || !ctx.key.data.equals(data)) {
        ctx.reject(methods);
        return;
      }
      if (!ctx.signature || !ctx.blob) {
        ctx.accept(); // the client asks whether this key would do
        return;
      }
      if (key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) ctx.accept();
      else ctx.reject(methods);
      return;
    }
    case 'keyboard-interactive':
      ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
        if (!same(answers[0] ?? '', passwordFor(target, creds))) {
          ctx.reject(methods);
          return;
        }
        ctx.prompt([{ prompt: 'Verification code: ', echo: false }], (codes) => {
          const code = (codes[0] ?? '').trim();
          const now = Date.now();
          const ok = [-1, 0, 1].some((step) => totp(creds.totpSecret, now, step) === code);
          if (ok) ctx.accept();
          else ctx.reject(methods);
        });
      });
      return;
    default:
      ctx.reject(methods);
  }
}

/** The code the MFA host accepts right now (for tests and the CLI). */
export function currentTotp(creds: SshCredentials, now = Date.now()): string {
  return totp(creds.totpSecret, now);
}
