/**
 * `pct` on a lab Proxmox node: `list`, `config <vmid>` (the container's settings, its host name
 * among them), `enter <vmid>` (a nested shell as root in the container, `exit` returns to the
 * node) and `exec <vmid> -- <cmd…>`. Commands run in a container are
 * recorded with the guest they ran in, which is what the enrollment wizard checks after an
 * agent install. Messages follow pct 8 (`pct enter` on a stopped CT, unknown VMIDs).
 */
import { machineById, type PveGuest } from '../fleet';
import { hostFacts } from './facts';
import type { CommandIo } from './io';
import { LinuxShell, type PctHost } from './linux-shell';
import type { Program } from './program';

const usage = [
  'USAGE: pct <COMMAND> [ARGS] [OPTIONS]',
  '',
  '       pct config <vmid> [OPTIONS]',
  '       pct enter <vmid> [OPTIONS]',
  '       pct exec <vmid> [<extra-args>] [OPTIONS]',
  '       pct list',
  '',
].join('\n');

export async function pct(
  args: string[],
  io: CommandIo,
  node: LinuxShell,
  host: PctHost,
): Promise<number | Program> {
  const [verb, vmidText, ...rest] = args;
  const guests = host.fleet.proxmox.guests.filter((g) => g.node === host.node && g.type === 'lxc');
  if (verb === 'list') {
    const rows = guests.map((g) => {
      const status = host.status(g.vmid) ?? g.status;
      return `${String(g.vmid).padEnd(11)}${status.padEnd(11)}${''.padEnd(13)}${g.name.padEnd(20)}`;
    });
    await io.out.write(
      `${['VMID       Status     Lock         Name                ', ...rows].join('\n')}\n`,
    );
    return 0;
  }
  if (verb === 'config') return config(vmidText, io, host, guests);
  if (verb !== 'enter' && verb !== 'exec') {
    await io.err.write(verb === undefined ? usage : `400 unknown command 'pct ${verb}'\n${usage}`);
    return 255;
  }
  const vmid = Number(vmidText);
  if (vmidText === undefined || !/^\d+$/.test(vmidText)) {
    await io.err.write(
      `400 not enough arguments\npct ${verb} <vmid>${verb === 'exec' ? ' [<extra-args>]' : ''} [OPTIONS]\n`,
    );
    return 255;
  }
  const guest = guests.find((g) => g.vmid === vmid);
  const machine = guest ? machineById(host.fleet, guest.machine) : undefined;
  if (!guest || !machine) {
    await io.err.write(`Configuration file 'nodes/${host.node}/lxc/${vmid}.conf' does not exist\n`);
    return 2;
  }
  if ((host.status(vmid) ?? guest.status) !== 'running') {
    await io.err.write(`CT ${vmid} not running\n`);
    return 255;
  }
  const shell = new LinuxShell({
    facts: hostFacts(host.fleet, machine, host.labStart),
    user: 'root',
    recorder: node.options.recorder,
    via: verb === 'enter' ? 'pct-enter' : 'pct-exec',
    guest: { vmid, name: guest.name, node: host.node, cluster: host.cluster },
    pct: null,
  });
  // A container's root starts in `/`, not in its home, when entered from the node.
  shell.cwd = '/';
  if (verb === 'enter') return shell;
  const argv = rest[0] === '--' ? rest.slice(1) : rest;
  if (argv.length === 0) {
    await io.err.write('missing command\n');
    return 255;
  }
  const outcome = await shell.run(LinuxShell.display(argv), io, false);
  return outcome.code;
}

/** `pct config <vmid>`: `key: value` lines in pct's order, as of the fleet's definition. */
async function config(
  vmidText: string | undefined,
  io: CommandIo,
  host: PctHost,
  guests: readonly PveGuest[],
): Promise<number> {
  if (vmidText === undefined || !/^\d+$/.test(vmidText)) {
    await io.err.write('400 not enough arguments\npct config <vmid> [OPTIONS]\n');
    return 255;
  }
  const guest = guests.find((g) => g.vmid === Number(vmidText));
  if (guest === undefined) {
    await io.err.write(
      `Configuration file 'nodes/${host.node}/lxc/${vmidText}.conf' does not exist\n`,
    );
    return 2;
  }
  await io.out.write(`arch: amd64\nhostname: ${guest.name}\nostype: debian\nunprivileged: 1\n`);
  return 0;
}
