/**
 * The lab's SSH devices: `startSshLab({ fleet, routers, proxmox })` opens one listener per site
 * on 127.0.0.1 (see server.ts for the login-name routing and the bastion's jump-host forwarding),
 * with an ed25519 host key per site and an ed25519 client key pair per run. Linux machines get a
 * bash-like shell, Proxmox nodes add `pct`, routers get a RouterOS console backed by the same
 * device objects as the API simulator. Every command run is appended to `commandLog`.
 */
import { randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import { sshFingerprint } from '../../src/main/profiles/probe';
import type { Fleet } from '../fleet';
import type { ProxmoxServer } from '../proxmox';
import { defaultPassword, RouterOsDevice, type RouterOsEndpoint } from '../routeros';
import { currentTotp, type SshCredentials } from './auth';
import { hostFacts } from './facts';
import { resolveTarget, sshSites, type SshTarget } from './hosts';
import { ed25519KeyPair } from './keys';
import { LinuxShell } from './linux-shell';
import type { Program, SshCommandRecord } from './program';
import { RouterOsCli } from './routeros-cli';
import { parseLogin, startSiteServer } from './server';

export type { SshCommandRecord } from './program';
export type { SshTarget } from './hosts';
export { parseLogin };

export interface SshLabOptions {
  fleet: Fleet;
  /** The RouterOS simulator's devices, so the console and the API share state. */
  routers?: readonly RouterOsEndpoint[];
  /** The Proxmox simulator: node root passwords and live container power state. */
  proxmox?: readonly ProxmoxServer[];
  /** Password of `root` / `ops` on Linux machines (random by default). */
  password?: string;
}

export interface SshSiteEndpoint {
  /** `ber`, `fra`, … */
  code: string;
  location: string;
  host: '127.0.0.1';
  port: number;
  /** Name of the site's bastion (`bastion-ber`); a login name without `:target` lands there. */
  bastion: string;
  bastionIp: string;
  /** Machines reachable through this listener (bastion not counted). */
  targets: number;
  hostKey: { type: 'ssh-ed25519'; fingerprint: string; publicKey: string };
}

export interface SshLogin {
  host: '127.0.0.1';
  port: number;
  /** Routed login name, e.g. `ops:web01`. */
  username: string;
  site: string;
  target: SshTarget;
}

export interface SshLab {
  sites: SshSiteEndpoint[];
  /** Every machine that answers SSH (bastions not included), site by site. */
  targets: readonly SshTarget[];
  /** Password of `root` and `ops` on Linux machines and `ops` on bastions. */
  password: string;
  /** ed25519 client key authorized on every Linux machine and bastion (OpenSSH formats). */
  clientKey: { privateKey: string; publicKey: string };
  /** The host that wants keyboard-interactive with a verification code. */
  mfa: { host: string; site: string; totpSecret: string } | null;
  /** The verification code the MFA host accepts now. */
  totp(): string;
  /** Every command run on the lab's SSH devices, oldest first. */
  commandLog: SshCommandRecord[];
  /** Where `user` logs in to a machine (short name, FQDN or address), or null. */
  login(machine: string, user?: string): SshLogin | null;
  /** Password for a target (the router's, the node's root@pam, or the lab password). */
  passwordFor(target: SshTarget): string;
  close(): Promise<void>;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export async function startSshLab(options: SshLabOptions): Promise<SshLab> {
  const { fleet } = options;
  const labStart = Date.now();
  const sites = sshSites(fleet);
  const password = options.password ?? `lab-${randomBytes(9).toString('base64url')}`;
  const clientPair = ed25519KeyPair('rackside-lab');
  const clientKey = { privateKey: clientPair.private, publicKey: clientPair.public };
  const totpSecret = [...randomBytes(20)].map((b) => BASE32[b % 32]).join('');
  const mfaTarget =
    sites
      .flatMap((s) => s.targets)
      .find((t) => t.kind === 'linux' && t.machine.kind === 'bare-metal') ??
    sites.flatMap((s) => s.targets).find((t) => t.kind === 'linux') ??
    null;

  const routerEndpoints = new Map((options.routers ?? []).map((r) => [r.device.source.machine, r]));
  const ownDevices = new Map<string, RouterOsDevice>();
  const deviceFor = (target: SshTarget): RouterOsDevice => {
    const shared = routerEndpoints.get(target.machine.id)?.device;
    if (shared) return shared;
    const router = target.router;
    if (!router) throw new Error(`${target.name} is not a router`);
    let device = ownDevices.get(router.machine);
    if (!device) {
      device = new RouterOsDevice(router, { username: 'admin', password: defaultPassword(router) });
      ownDevices.set(router.machine, device);
    }
    return device;
  };
  // A standalone node's server is named after the node, so match servers by the nodes they serve.
  const serverOf = (node: string): ProxmoxServer | undefined =>
    options.proxmox?.find((p) => p.state.nodes.has(node));

  const credentials: SshCredentials = {
    password,
    clientKey,
    mfaHost: mfaTarget?.name ?? null,
    totpSecret,
    nodeRootPassword: (node) => serverOf(node)?.root.password ?? null,
    router: (target) => {
      const device = deviceFor(target);
      return { username: device.username, password: device.password };
    },
  };
  const passwordFor = (target: SshTarget): string =>
    target.kind === 'router'
      ? credentials.router(target).password
      : target.kind === 'pve-node'
        ? (credentials.nodeRootPassword(target.name) ?? password)
        : password;

  const commandLog: SshCommandRecord[] = [];
  const programFor = (target: SshTarget, user: string): Program => {
    const recorder = (
      entry: Pick<SshCommandRecord, 'guest' | 'via' | 'command'>,
      exitCode: number,
    ): void => {
      commandLog.push({
        at: Date.now(),
        site: target.site,
        host: target.name,
        user,
        ...entry,
        exitCode,
      });
    };
    if (target.kind === 'router') return new RouterOsCli(deviceFor(target), user, recorder);
    const pve = serverOf(target.name);
    return new LinuxShell({
      facts: hostFacts(fleet, target.machine, labStart),
      user,
      recorder,
      via: 'shell',
      guest: null,
      pct:
        target.kind === 'pve-node' && target.cluster !== null
          ? {
              fleet,
              node: target.name,
              cluster: target.cluster,
              labStart,
              status: (vmid) => {
                const live = pve?.state.guests.get(vmid);
                if (!live) return null;
                return live.status === 'running' ? 'running' : 'stopped';
              },
            }
          : null,
    });
  };

  const servers: { close(): Promise<void> }[] = [];
  const endpoints: SshSiteEndpoint[] = [];
  try {
    for (const site of sites) {
      const hostKey = ed25519KeyPair();
      const server = await startSiteServer({
        site,
        hostKey: hostKey.private,
        credentials,
        programFor,
      });
      servers.push(server);
      const parsed = ssh2.utils.parseKey(hostKey.public);
      if (parsed instanceof Error) throw parsed;
      endpoints.push({
        code: site.code,
        location: site.location,
        host: '127.0.0.1',
        port: server.port,
        bastion: site.bastion.name,
        bastionIp: site.bastion.ip,
        targets: site.targets.length,
        hostKey: {
          type: 'ssh-ed25519',
          fingerprint: sshFingerprint(parsed.getPublicSSH()),
          publicKey: hostKey.public,
        },
      });
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }

  return {
    sites: endpoints,
    targets: sites.flatMap((s) => s.targets),
    password,
    clientKey,
    mfa: mfaTarget ? { host: mfaTarget.name, site: mfaTarget.site, totpSecret } : null,
    totp: () => currentTotp(credentials),
    commandLog,
    login: (machine, user) => {
      for (const [index, site] of sites.entries()) {
        const found = resolveTarget(site, machine);
        const endpoint = endpoints[index];
        if (!found.ok || !endpoint) continue;
        const t = found.target;
        const who =
          user ??
          (t.kind === 'router'
            ? credentials.router(t).username
            : t.kind === 'pve-node'
              ? 'root'
              : 'ops');
        const unique = resolveTarget(site, t.name);
        const name = unique.ok && unique.target === t ? t.name : t.fqdn;
        const username = t.kind === 'bastion' ? who : `${who}:${name}`;
        return { host: '127.0.0.1', port: endpoint.port, username, site: site.code, target: t };
      }
      return null;
    },
    passwordFor,
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
