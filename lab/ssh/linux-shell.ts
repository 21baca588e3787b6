/**
 * A bash-like shell for a lab Linux machine: parses a line, runs its pipelines with the
 * commands in `linux-commands.ts`, keeps `$?`, the working directory and the environment, and
 * records every line it runs. Pipeline stages run one after another; a stage's output is
 * captured (bounded) and becomes the next stage's input.
 */
import type { Fleet } from '../fleet';
import type { HostFacts } from './facts';
import { captureSink, discard, type CommandIo } from './io';
import { commands } from './linux-commands';
import { pct } from './pct';
import type { CommandRecorder, Outcome, Program, SshCommandRecord } from './program';
import { parseLine, quoteArgv, ShellSyntaxError, type SimpleCommand } from './shell-parse';

/** Proxmox node context for `pct`. */
export interface PctHost {
  fleet: Fleet;
  node: string;
  cluster: string;
  /** Live power state from the Proxmox simulator when it runs, else the fleet's. */
  status(vmid: number): 'running' | 'stopped' | null;
  labStart: number;
}

export interface LinuxShellOptions {
  facts: HostFacts;
  user: string;
  recorder: CommandRecorder;
  via: SshCommandRecord['via'];
  guest: SshCommandRecord['guest'];
  pct: PctHost | null;
}

const PIPE_LIMIT = 1024 * 1024;

export class ExitRequest {
  constructor(readonly code: number) {}
}

export class LinuxShell implements Program {
  status = 0;
  cwd: string;
  readonly env: Map<string, string>;

  constructor(readonly options: LinuxShellOptions) {
    const { user, facts } = options;
    this.cwd = user === 'root' ? '/root' : `/home/${user}`;
    this.env = new Map([
      ['HOME', this.cwd],
      ['USER', user],
      ['LOGNAME', user],
      ['SHELL', '/bin/bash'],
      ['HOSTNAME', facts.machine.hostname],
      ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ['LANG', 'C.UTF-8'],
      ['TERM', 'xterm-256color'],
    ]);
  }

  get hostname(): string {
    return this.options.facts.machine.hostname;
  }

  prompt(): string {
    const home = this.env.get('HOME') ?? '';
    const dir =
      this.cwd === home
        ? '~'
        : this.cwd.startsWith(`${home}/`)
          ? `~${this.cwd.slice(home.length)}`
          : this.cwd;
    return `${this.options.user}@${this.hostname}:${dir}${this.options.user === 'root' ? '#' : '$'} `;
  }

  banner(): string {
    const m = this.options.facts.machine;
    const distro =
      m.os.name === 'Ubuntu'
        ? `Welcome to Ubuntu ${m.os.version} LTS (GNU/Linux ${this.options.facts.kernel} x86_64)\n\n * Documentation:  https://help.ubuntu.com\n`
        : m.os.family === 'Debian'
          ? `Linux ${m.hostname} ${this.options.facts.kernel} x86_64\n\nThe programs included with the Debian GNU/Linux system are free software;\nthe exact distribution terms for each program are described in the\nindividual files in /usr/share/doc/*/copyright.\n\nDebian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\npermitted by applicable law.\n`
          : '';
    const last = new Date(this.options.facts.fleetNow - 3 * 3600_000)
      .toUTCString()
      .replace(' GMT', '');
    return `${distro}Last login: ${last} from 10.0.0.5\n`;
  }

  async run(line: string, io: CommandIo, interactive: boolean): Promise<Outcome> {
    const trimmed = line.trim();
    if (trimmed === '') return { kind: 'status', code: this.status };
    let outcome: Outcome;
    try {
      outcome = await this.runLine(trimmed, io);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      await io.err.write(`-bash: ${error.message}\n`);
      this.status = 2;
      outcome = { kind: 'status', code: 2 };
    }
    this.options.recorder(
      {
        guest: this.options.guest,
        via: interactive ? this.options.via : this.execVia(),
        command: trimmed,
      },
      outcome.code,
    );
    return outcome;
  }

  private execVia(): SshCommandRecord['via'] {
    return this.options.via === 'shell' ? 'exec' : this.options.via;
  }

  /** Runs a line without recording it (for `bash -c` inside a recorded line). */
  async runLine(line: string, io: CommandIo): Promise<Outcome> {
    const items = parseLine(line, (name) => this.variable(name));
    for (const item of items) {
      if (item.op === '&&' && this.status !== 0) continue;
      if (item.op === '||' && this.status === 0) continue;
      if (io.signal.aborted) break;
      const result = await this.runPipeline(item.pipeline, io);
      if (result instanceof ExitRequest) return { kind: 'exit', code: result.code };
      if (typeof result !== 'number') return { kind: 'enter', program: result, code: 0 };
      this.status = result;
    }
    return { kind: 'status', code: this.status };
  }

  private variable(name: string): string {
    if (name === '?') return String(this.status);
    if (name === '$') return String(4000 + (this.options.facts.machine.cores % 1000));
    if (name === 'PWD') return this.cwd;
    return this.env.get(name) ?? '';
  }

  private async runPipeline(
    pipeline: SimpleCommand[],
    io: CommandIo,
  ): Promise<number | ExitRequest | Program> {
    let stdin = io.stdin;
    for (const [index, command] of pipeline.entries()) {
      const last = index === pipeline.length - 1;
      if (last) {
        return this.runCommand(command.argv, {
          ...io,
          stdin,
          out: command.discardStdout ? discard : io.out,
          err: command.discardStderr ? discard : io.err,
        });
      }
      const stage = new AbortController();
      const onAbort = (): void => {
        stage.abort();
      };
      io.signal.addEventListener('abort', onAbort, { once: true });
      const capture = captureSink(PIPE_LIMIT, () => {
        stage.abort();
      });
      try {
        await this.runCommand(command.argv, {
          ...io,
          stdin,
          out: capture,
          err: command.discardStderr ? discard : io.err,
          signal: stage.signal,
        });
      } finally {
        io.signal.removeEventListener('abort', onAbort);
      }
      stdin = capture.take();
    }
    return 0;
  }

  async runCommand(argv: string[], io: CommandIo): Promise<number | ExitRequest | Program> {
    const [name = '', ...args] = argv;
    switch (name) {
      case 'exit':
      case 'logout':
        return new ExitRequest(args[0] === undefined ? this.status : Number(args[0]) & 255);
      case 'cd': {
        const home = this.env.get('HOME') ?? '/';
        const to = args[0] === undefined || args[0] === '~' ? home : args[0];
        const path = to.startsWith('/') ? to : `${this.cwd.replace(/\/$/, '')}/${to}`;
        const known = ['/', '/root', '/home', '/etc', '/tmp', '/var', '/var/log', '/usr', home];
        const normal = path.replace(/\/+$/, '') || '/';
        if (!known.includes(normal)) {
          await io.err.write(`-bash: cd: ${to}: No such file or directory\n`);
          return 1;
        }
        this.cwd = normal;
        return 0;
      }
      case 'export':
        for (const pair of args) {
          const eq = pair.indexOf('=');
          if (eq > 0) this.env.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        return 0;
      case 'bash':
      case 'sh':
        if (args[0] === '-c' && args[1] !== undefined) {
          const outcome = await this.runLine(args[1], io);
          return outcome.kind === 'enter' ? outcome.program : outcome.code;
        }
        // `curl … | sh` runs a downloaded script; the lab's downloads are empty.
        return 0;
      case 'sudo':
        return args.length === 0 ? 1 : this.runCommand(args, io);
      case 'pct':
        if (this.options.pct) return pct(args, io, this, this.options.pct);
        break;
    }
    const command = commands.get(name);
    if (!command) {
      await io.err.write(`-bash: ${name}: command not found\n`);
      return 127;
    }
    return command(args, io, this);
  }

  /** The line a command ran as, for logs. */
  static display(argv: readonly string[]): string {
    return quoteArgv(argv);
  }
}
