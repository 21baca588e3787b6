/**
 * The external commands of the lab's Linux shell. Output follows coreutils, iproute2, procps,
 * apt and systemd closely enough for people and parsers; values come from the fleet (`facts.ts`).
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as immediate } from 'node:timers/promises';
import { dfH, freeH, ipAddr, ipBrief, osRelease, uname, uptimeLine, uptimeSeconds } from './facts';
import type { CommandIo } from './io';
import type { LinuxShell } from './linux-shell';
import { serviceCommands } from './linux-services';

export type Command = (args: string[], io: CommandIo, shell: LinuxShell) => Promise<number>;

const FLOOD_CHUNK = 8192;

async function flood(io: CommandIo, next: () => Buffer): Promise<number> {
  while (!io.signal.aborted) {
    await io.out.write(next());
    // Let Ctrl-C and window adjustments in between chunks.
    await immediate();
  }
  return io.stdin === null && io.pty ? 130 : 141;
}

function files(shell: LinuxShell): Map<string, () => string> {
  const f = shell.options.facts;
  const m = f.machine;
  return new Map<string, () => string>([
    ['/etc/os-release', () => osRelease(m)],
    ['/usr/lib/os-release', () => osRelease(m)],
    ['/etc/hostname', () => `${m.hostname}\n`],
    ['/etc/machine-id', () => `${m.machineId ?? ''}\n`],
    ['/proc/uptime', () => `${uptimeSeconds(f)}.42 ${(uptimeSeconds(f) * 3.7).toFixed(2)}\n`],
    [
      '/etc/hosts',
      () =>
        `127.0.0.1\tlocalhost\n${m.ip}\t${m.fqdn} ${m.hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
    ],
  ]);
}

function textOf(stdin: Buffer | null): string[] {
  if (!stdin) return [];
  const lines = stdin.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export const commands = new Map<string, Command>([
  ...serviceCommands,
  [
    'hostname',
    async (args, io, sh) => {
      const m = sh.options.facts.machine;
      const flag = args[0] ?? '';
      const value =
        flag === '-f' || flag === '--fqdn'
          ? m.fqdn
          : flag === '-I'
            ? `${m.interfaces.flatMap((n) => (n.ip ? [n.ip] : [])).join(' ')} `
            : flag === '-d'
              ? m.domain
              : m.hostname;
      await io.out.write(`${value}\n`);
      return 0;
    },
  ],
  [
    'uname',
    async (args, io, sh) => {
      await io.out.write(uname(sh.options.facts, args.join('').replace(/-/g, '')));
      return 0;
    },
  ],
  [
    'uptime',
    async (args, io, sh) => {
      if (args[0] === '-p') {
        const up = uptimeSeconds(sh.options.facts);
        await io.out.write(
          `up ${Math.floor(up / 86400)} days, ${Math.floor((up % 86400) / 3600)} hours, ${Math.floor((up % 3600) / 60)} minutes\n`,
        );
      } else await io.out.write(uptimeLine(sh.options.facts));
      return 0;
    },
  ],
  [
    'ip',
    async (args, io, sh) => {
      const brief = args.includes('-brief') || args.includes('-br');
      const rest = args.filter((a) => !a.startsWith('-'));
      const object = rest[0] ?? '';
      if (!['a', 'addr', 'address'].includes(object)) {
        await io.err.write(
          object === ''
            ? 'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n'
            : `Object "${object}" is unknown, try "ip help".\n`,
        );
        return object === '' ? 255 : 1;
      }
      await io.out.write(brief ? ipBrief(sh.options.facts) : ipAddr(sh.options.facts));
      return 0;
    },
  ],
  [
    'cat',
    async (args, io, sh) => {
      if (args.length === 0) {
        if (io.stdin) await io.out.write(io.stdin);
        return 0;
      }
      const known = files(sh);
      let code = 0;
      for (const path of args) {
        if (path === '/dev/urandom' || path === '/dev/zero') {
          return flood(io, () =>
            path === '/dev/zero' ? Buffer.alloc(FLOOD_CHUNK) : randomBytes(FLOOD_CHUNK),
          );
        }
        const read = known.get(path);
        if (read) await io.out.write(read());
        else {
          await io.err.write(`cat: ${path}: No such file or directory\n`);
          code = 1;
        }
      }
      return code;
    },
  ],
  [
    'df',
    async (_args, io, sh) => {
      await io.out.write(dfH(sh.options.facts));
      return 0;
    },
  ],
  [
    'free',
    async (_args, io, sh) => {
      await io.out.write(freeH(sh.options.facts));
      return 0;
    },
  ],
  [
    'whoami',
    async (_args, io, sh) => {
      await io.out.write(`${sh.options.user}\n`);
      return 0;
    },
  ],
  [
    'id',
    async (_args, io, sh) => {
      const u = sh.options.user;
      await io.out.write(
        u === 'root'
          ? 'uid=0(root) gid=0(root) groups=0(root)\n'
          : `uid=1000(${u}) gid=1000(${u}) groups=1000(${u}),27(sudo),100(users)\n`,
      );
      return 0;
    },
  ],
  [
    'pwd',
    async (_args, io, sh) => {
      await io.out.write(`${sh.cwd}\n`);
      return 0;
    },
  ],
  [
    'ls',
    async (args, io, sh) => {
      const dir = args.find((a) => !a.startsWith('-')) ?? sh.cwd;
      const long = args.some((a) => a.startsWith('-') && a.includes('l'));
      const entries: Record<string, string[]> = {
        '/': [
          'bin',
          'boot',
          'dev',
          'etc',
          'home',
          'lib',
          'media',
          'mnt',
          'opt',
          'proc',
          'root',
          'run',
          'sbin',
          'srv',
          'sys',
          'tmp',
          'usr',
          'var',
        ],
        '/etc': ['hostname', 'hosts', 'machine-id', 'os-release', 'passwd', 'ssh'],
        '/home': sh.options.user === 'root' ? ['ops'] : [sh.options.user],
      };
      const names =
        entries[dir.replace(/\/+$/, '') || '/'] ??
        (dir === sh.cwd || dir === '.' || dir === '~' ? [] : null);
      if (names === null) {
        await io.err.write(`ls: cannot access '${dir}': No such file or directory\n`);
        return 2;
      }
      if (long) {
        const lines = [
          `total ${names.length * 4}`,
          ...names.map((n) => `drwxr-xr-x  2 root root 4096 Nov 22 16:00 ${n}`),
        ];
        await io.out.write(`${lines.join('\n')}\n`);
      } else if (names.length > 0) await io.out.write(`${names.join('  ')}\n`);
      return 0;
    },
  ],
  [
    'echo',
    async (args, io) => {
      const newline = args[0] !== '-n';
      await io.out.write(`${(newline ? args : args.slice(1)).join(' ')}${newline ? '\n' : ''}`);
      return 0;
    },
  ],
  ['true', () => Promise.resolve(0)],
  ['false', () => Promise.resolve(1)],
  [
    'clear',
    async (_args, io) => {
      await io.out.write('\x1b[H\x1b[2J\x1b[3J');
      return 0;
    },
  ],
  [
    'yes',
    (args, io) => {
      const line = `${args.length > 0 ? args.join(' ') : 'y'}\n`;
      const chunk = Buffer.from(line.repeat(Math.max(1, Math.floor(FLOOD_CHUNK / line.length))));
      return flood(io, () => chunk);
    },
  ],
  [
    'seq',
    async (args, io) => {
      const nums = args.map(Number);
      if (nums.length === 0 || nums.some((n) => !Number.isFinite(n))) {
        await io.err.write(
          nums.length === 0
            ? 'seq: missing operand\n'
            : `seq: invalid floating point argument: '${args.find((a) => !Number.isFinite(Number(a))) ?? ''}'\n`,
        );
        return 1;
      }
      const [first, step, last] =
        nums.length === 1
          ? [1, 1, nums[0]!]
          : nums.length === 2
            ? [nums[0]!, 1, nums[1]!]
            : [nums[0]!, nums[1]!, nums[2]!];
      let batch: string[] = [];
      for (let n = first; step > 0 ? n <= last : n >= last; n += step) {
        batch.push(String(n));
        if (batch.length === 1000) {
          if (io.signal.aborted) return 130;
          await io.out.write(`${batch.join('\n')}\n`);
          batch = [];
        }
      }
      if (batch.length > 0) await io.out.write(`${batch.join('\n')}\n`);
      return 0;
    },
  ],
  [
    'stty',
    async (args, io) => {
      if (!io.pty) {
        await io.err.write("stty: 'standard input': Inappropriate ioctl for device\n");
        return 1;
      }
      if (args[0] === 'size') await io.out.write(`${io.pty.rows} ${io.pty.cols}\n`);
      return 0;
    },
  ],
  [
    'tput',
    async (args, io) => {
      const size = io.pty ?? { cols: 80, rows: 24 };
      if (args[0] === 'cols') await io.out.write(`${size.cols}\n`);
      else if (args[0] === 'lines') await io.out.write(`${size.rows}\n`);
      else if (args[0] !== 'clear' && args[0] !== 'reset') return 1;
      return 0;
    },
  ],
  [
    'head',
    async (args, io) => {
      const bytes = args.indexOf('-c');
      const data = io.stdin ?? Buffer.alloc(0);
      if (bytes >= 0) {
        await io.out.write(data.subarray(0, Number(args[bytes + 1] ?? 0)));
        return 0;
      }
      const nArg = args.indexOf('-n');
      const count =
        nArg >= 0
          ? Number(args[nArg + 1])
          : Number(args.find((a) => /^-\d+$/.test(a))?.slice(1) ?? 10);
      const lines: Buffer[] = [];
      let start = 0;
      while (lines.length < count && start < data.length) {
        const nl = data.indexOf(0x0a, start);
        const end = nl < 0 ? data.length : nl + 1;
        lines.push(data.subarray(start, end));
        start = end;
      }
      await io.out.write(Buffer.concat(lines));
      return 0;
    },
  ],
  [
    'wc',
    async (args, io) => {
      const lines = textOf(io.stdin);
      await io.out.write(
        args.includes('-l')
          ? `${lines.length}\n`
          : `${String(lines.length).padStart(7)} ${String(lines.join(' ').split(/\s+/).filter(Boolean).length).padStart(7)} ${String(io.stdin?.length ?? 0).padStart(7)}\n`,
      );
      return 0;
    },
  ],
  [
    'grep',
    async (args, io) => {
      const pattern = args.find((a) => !a.startsWith('-')) ?? '';
      const ignore = args.includes('-i');
      const re = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), ignore ? 'i' : '');
      const hits = textOf(io.stdin).filter((l) => re.test(l));
      if (hits.length > 0) await io.out.write(`${hits.join('\n')}\n`);
      return hits.length > 0 ? 0 : 1;
    },
  ],
  [
    'date',
    async (_args, io) => {
      await io.out.write(`${new Date().toUTCString().replace('GMT', 'UTC')}\n`);
      return 0;
    },
  ],
  [
    'env',
    async (_args, io, sh) => {
      await io.out.write(`${[...sh.env].map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
      return 0;
    },
  ],
  // Downloads are stand-ins: an agent install (`curl … | sh`) succeeds without fetching anything.
  ['curl', () => Promise.resolve(0)],
  ['wget', () => Promise.resolve(0)],
]);
