/**
 * Package and service commands of the lab's Linux shell: `apt list --upgradable` from the
 * machine's PatchMon package list, and `systemctl status` for the units such a machine runs.
 */
import { aptUpgradable, uptimeSeconds } from './facts';
import type { Command } from './linux-commands';
import type { LinuxShell } from './linux-shell';

const units = (shell: LinuxShell): Map<string, string> => {
  const m = shell.options.facts.machine;
  const list = new Map([
    ['ssh', 'OpenBSD Secure Shell server'],
    ['cron', 'Regular background program processing daemon'],
    ['systemd-journald', 'Journal Service'],
  ]);
  if (m.os.family === 'Redhat') {
    list.delete('ssh');
    list.delete('cron');
    list.set('sshd', 'OpenSSH server daemon');
    list.set('crond', 'Command Scheduler');
  }
  if (shell.options.facts.patchmon) list.set('patchmon-agent', 'PatchMon Agent Service');
  if (m.kind === 'pve-node') {
    list.set('pveproxy', 'PVE API Proxy Server');
    list.set('pvedaemon', 'PVE API Daemon');
    list.set('pve-cluster', 'The Proxmox VE cluster filesystem');
  }
  if (m.kind === 'qemu') list.set('qemu-guest-agent', 'QEMU Guest Agent');
  return list;
};

export const serviceCommands: [string, Command][] = [
  [
    'apt',
    async (args, io, sh) => {
      if (sh.options.facts.machine.os.pkg !== 'apt') {
        await io.err.write('-bash: apt: command not found\n');
        return 127;
      }
      if (args[0] === 'list' && args.includes('--upgradable')) {
        if (!io.pty)
          await io.err.write(
            '\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n',
          );
        await io.out.write(aptUpgradable(sh.options.facts));
        return 0;
      }
      if (args[0] === 'update' || args[0] === 'upgrade' || args[0] === 'install') {
        if (sh.options.user !== 'root') {
          await io.err.write(
            'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n',
          );
          return 100;
        }
        await io.out.write('Reading package lists... Done\n');
        return 0;
      }
      await io.err.write(`E: Invalid operation ${args[0] ?? ''}\n`);
      return 100;
    },
  ],
  [
    'systemctl',
    async (args, io, sh) => {
      const [verb = 'list-units', name = ''] = args.filter((a) => !a.startsWith('-'));
      const unit = name.replace(/\.service$/, '');
      const known = units(sh);
      const description = known.get(unit);
      if (verb !== 'status' && verb !== 'is-active') {
        await io.err.write(`lab: systemctl ${verb} is not simulated\n`);
        return 1;
      }
      if (!description) {
        await io.err.write(`Unit ${unit}.service could not be found.\n`);
        return 4;
      }
      if (verb === 'is-active') {
        await io.out.write('active\n');
        return 0;
      }
      const f = sh.options.facts;
      const since = new Date(f.machine.bootTime + 12_000).toUTCString().replace(' GMT', ' UTC');
      const pid = 600 + ((unit.length * 37 + f.machine.cores) % 900);
      await io.out.write(
        [
          `\u25cf ${unit}.service - ${description}`,
          `     Loaded: loaded (/lib/systemd/system/${unit}.service; enabled; preset: enabled)`,
          `     Active: active (running) since ${since}; ${Math.floor(uptimeSeconds(f) / 86400)} days ago`,
          `   Main PID: ${pid} (${unit})`,
          `      Tasks: ${1 + (pid % 5)} (limit: ${f.machine.memoryMiB})`,
          `     Memory: ${(pid % 40) + 2}.${pid % 10}M`,
          `     CGroup: /system.slice/${unit}.service`,
          `             \u2514\u2500${pid} /usr/sbin/${unit}`,
          '',
        ].join('\n'),
      );
      return 0;
    },
  ],
];
