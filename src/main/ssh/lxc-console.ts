import { AppError } from '../../shared/errors';
import { lxcHostname } from '../../shared/ssh';
import type { Client } from 'ssh2';
import type { DisconnectReason } from './session-types';
import type { ExpectedContainer } from './worker-protocol';

/**
 * How to open Proxmox container `vmid`'s console on its node: `pct enter`, and, with the host
 * name the inventory knows, the container the node must have under that id. Node names such as
 * `pve1` repeat across clusters, and an SSH profile found by the node's name may reach another
 * cluster's node, whose container 101 is someone else's; that one is not entered.
 */
export function lxcConsoleCommand(container: { vmid: number; hostname: string | null }): {
  command: string;
  container?: ExpectedContainer;
} {
  const { vmid, hostname } = container;
  if (!Number.isInteger(vmid) || vmid < 100 || vmid > 999_999_999) {
    throw new AppError('bad-request', `${vmid} is not a Proxmox guest id (100–999999999).`);
  }
  if (hostname !== null && !lxcHostname.test(hostname)) {
    throw new AppError('bad-request', `"${hostname}" is not a container host name.`);
  }
  const command = `pct enter ${vmid}`;
  return hostname === null ? { command } : { command, container: { vmid, hostname } };
}

/** The host name in `pct config` output (`hostname: web01`), or null without one. */
export function configuredHostname(config: string): string | null {
  return /^hostname:[ \t]*(\S+)[ \t]*$/m.exec(config)?.[1] ?? null;
}

/**
 * Asks the node for container `expected.vmid`'s configuration over `client` (a channel of its
 * own, before the console's PTY): null when it has the expected host name, else why the console
 * is not opened.
 */
export function checkContainer(
  client: Client,
  expected: ExpectedContainer,
  node: string,
  timeoutMs = 20_000,
): Promise<DisconnectReason | null> {
  const refused = (message: string): DisconnectReason => ({
    kind: 'wrong-container',
    retryable: false,
    message,
  });
  return new Promise((resolve, reject) => {
    client.exec(`pct config ${expected.vmid}`, (error, channel) => {
      if (error !== undefined) {
        reject(error);
        return;
      }
      let out = '';
      let err = '';
      const timer = setTimeout(() => {
        channel.close();
        resolve(
          refused(`${node} did not answer "pct config ${expected.vmid}" in time; not entered.`),
        );
      }, timeoutMs);
      // Configurations are a few hundred bytes; anything past 64 KiB is not one.
      channel.on('data', (chunk: Buffer) => {
        if (out.length < 65_536) out += chunk.toString('utf8');
      });
      channel.stderr.on('data', (chunk: Buffer) => {
        if (err.length < 1_024) err += chunk.toString('utf8');
      });
      channel.on('close', () => {
        clearTimeout(timer);
        // A container created without a host name is called CT<vmid> (pve-container's default).
        const found =
          configuredHostname(out) ?? (/^\w+:/m.test(out) ? `CT${String(expected.vmid)}` : null);
        if (found !== null && found.toLowerCase() === expected.hostname.toLowerCase()) {
          resolve(null);
          return;
        }
        const said = printable(err) || printable(out);
        resolve(
          refused(
            found === null
              ? `${node} has no container ${expected.vmid}${said === '' ? '' : ` (${said})`}: this SSH profile may reach a node of that name in another cluster. Not entered.`
              : `Container ${expected.vmid} on ${node} is ${found}, not ${expected.hostname}: this SSH profile may reach a node of that name in another cluster. Not entered.`,
          ),
        );
      });
    });
  });
}

/** A short, printable line of what a command said. */
function printable(text: string): string {
  return text
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 160);
}
