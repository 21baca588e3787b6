/**
 * One ssh2 listener per site. The login name picks the machine: `ops:web01` (user `ops` on
 * `web01`), `admin:rtr-ber-01`, `root:10.16.0.10` or `root:web01.lab.example.com`; a plain
 * `ops` logs in to the site's bastion. Through the bastion, `direct-tcpip` to a site machine's
 * address on port 22 (what `ssh -J` and Rackside's jump hosts open) reaches that machine with no
 * routing suffix: the bastion connects back to this listener and the accepted connection is
 * bound to the target by its source port.
 */
import net from 'node:net';
import ssh2, { type Connection } from 'ssh2';
import { authenticate, type SshCredentials } from './auth';
import { resolveTarget, type SshSite, type SshTarget } from './hosts';
import type { Program } from './program';
import { handleSession } from './session';

export interface SiteServerOptions {
  site: SshSite;
  hostKey: string;
  credentials: SshCredentials;
  programFor(target: SshTarget, user: string): Program;
}

export interface SiteServer {
  port: number;
  close(): Promise<void>;
}

/** `user:target` → its parts; a name without `:` has no target. */
export function parseLogin(username: string): { user: string; target: string | null } {
  const colon = username.indexOf(':');
  return colon < 0
    ? { user: username, target: null }
    : { user: username.slice(0, colon), target: username.slice(colon + 1) };
}

export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const { site, credentials } = options;
  /** Source port of a bastion's connection back to this listener → the machine it opens. */
  const forwarded = new Map<number, SshTarget>();
  const clients = new Set<Connection>();
  const server = new ssh2.Server(
    // Debian's sshd banner: clients and scanners key behaviour off it.
    { hostKeys: [options.hostKey], ident: 'OpenSSH_9.2p1 Debian-2+deb12u3' },
    (client, info) => {
      clients.add(client);
      let login: { user: string; target: SshTarget } | null = null;
      client.on('authentication', (ctx) => {
        const bound = forwarded.get(info.port);
        const parsed = parseLogin(ctx.username);
        let target: SshTarget | null = null;
        if (bound) target = parsed.target === null ? bound : null;
        else if (parsed.target === null) target = site.bastion;
        else {
          const found = resolveTarget(site, parsed.target);
          target = found.ok ? found.target : null;
        }
        login = target ? { user: parsed.user, target } : null;
        authenticate(ctx, parsed.user, target, credentials);
      });
      client.on('ready', () => {
        const session = login;
        if (!session) {
          client.end();
          return;
        }
        client.on('session', (accept) => {
          handleSession(accept(), () => options.programFor(session.target, session.user));
        });
        client.on('tcpip', (accept, reject, request) => {
          const destination =
            session.target.kind === 'bastion' && request.destPort === 22
              ? resolveTarget(site, request.destIP)
              : null;
          if (!destination?.ok) {
            reject();
            return;
          }
          const socket = net.connect(port, '127.0.0.1');
          socket.once('error', () => {
            reject();
          });
          socket.once('connect', () => {
            const local = socket.localPort ?? 0;
            forwarded.set(local, destination.target);
            socket.once('close', () => forwarded.delete(local));
            const channel = accept();
            channel.on('error', () => socket.destroy());
            socket.on('error', () => channel.destroy());
            channel.pipe(socket).pipe(channel);
          });
        });
      });
      client.on('close', () => clients.delete(client));
      client.on('error', () => undefined);
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end();
        server.close(() => {
          resolve();
        });
      }),
  };
}
