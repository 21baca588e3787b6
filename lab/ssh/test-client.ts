/**
 * A small ssh2 client for the lab's SSH tests: connect with a config, run an `exec`, or drive an
 * interactive shell and wait for output to match (no sleeps; every wait is bounded).
 */
import type { Duplex } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';

export async function connect(
  config: ConnectConfig,
  sock?: Duplex,
  setup?: (client: Client) => void,
): Promise<Client> {
  const client = new Client();
  setup?.(client);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => {
      resolve();
    });
    client.once('error', reject);
    client.connect({ readyTimeout: 10_000, ...config, ...(sock && { sock }) });
  });
  client.on('error', () => undefined);
  return client;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export function exec(client: Client, command: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) {
        reject(error);
        return;
      }
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      channel.on('data', (d: Buffer) => (stdout += d.toString()));
      channel.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      channel.on('exit', (c: number | null) => (code = c));
      channel.on('close', () => {
        resolve({ stdout, stderr, code });
      });
    });
  });
}

export class ShellDriver {
  output = '';
  exitCode: number | null = null;
  private ended = false;
  private mark = 0;
  private waiters: (() => void)[] = [];

  private constructor(readonly channel: ClientChannel) {
    channel.on('data', (data: Buffer) => {
      this.output += data.toString('latin1');
      if (this.output.length > 4_000_000) {
        // A flood: keep the tail, which is where prompts and ^C appear.
        const cut = this.output.length - 1_000_000;
        this.output = this.output.slice(cut);
        this.mark = Math.max(0, this.mark - cut);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    channel.on('exit', (code: number | null) => (this.exitCode = code));
    channel.on('close', () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(client: Client, window = { rows: 24, cols: 80 }): Promise<ShellDriver> {
    return new Promise((resolve, reject) => {
      client.shell({ term: 'xterm-256color', ...window }, (error, channel) => {
        if (error) reject(error);
        else resolve(new ShellDriver(channel));
      });
    });
  }

  /** A command with a terminal, as `ssh -t host command` runs it. */
  static command(
    client: Client,
    command: string,
    window = { rows: 24, cols: 80 },
  ): Promise<ShellDriver> {
    return new Promise((resolve, reject) => {
      client.exec(command, { pty: { term: 'xterm-256color', ...window } }, (error, channel) => {
        if (error) reject(error);
        else resolve(new ShellDriver(channel));
      });
    });
  }

  send(text: string): void {
    this.channel.write(text);
  }

  /** Output since the last `expect`. */
  get recent(): string {
    return this.output.slice(this.mark);
  }

  /** Waits until output since the last match matches; consumes up to the end of the match. */
  async expect(pattern: RegExp | string, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(this.mark);
      const match =
        typeof pattern === 'string'
          ? rest.includes(pattern)
            ? { index: rest.indexOf(pattern), text: pattern }
            : null
          : (() => {
              const m = pattern.exec(rest);
              return m ? { index: m.index, text: m[0] } : null;
            })();
      if (match) {
        const seen = rest.slice(0, match.index + match.text.length);
        this.mark += match.index + match.text.length;
        return seen;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) {
        throw new Error(
          `timed out waiting for ${String(pattern)}; got: ${JSON.stringify(rest.slice(-400))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a line and returns what it printed before the next prompt. */
  async run(line: string, prompt: RegExp | string): Promise<string> {
    this.send(`${line}\r`);
    const seen = await this.expect(prompt);
    return seen;
  }

  closed(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.ended) resolve(this.exitCode);
      else this.channel.once('close', () => resolve(this.exitCode));
    });
  }
}
