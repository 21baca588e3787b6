/**
 * Drives one SSH session channel: PTY requests and resizes, `shell` (interactive, with the line
 * editor, Ctrl-C and Ctrl-D) and `exec` (one command line, then `exit-status`). Programs stack:
 * `pct enter` typed in a shell pushes a container shell and `exit` pops it; run as the command
 * itself, its shell is the session's, and `exit` ends the session.
 */
import type { ServerChannel, Session } from 'ssh2';
import { channelSink, type CommandIo, type TerminalSize } from './io';
import { LineEditor } from './line-editor';
import type { Outcome, Program } from './program';

/** ssh2 passes no accept function when the client wants no reply. */
function ack(accept: unknown): void {
  if (typeof accept === 'function') (accept as () => void)();
}

export function handleSession(session: Session, makeProgram: () => Program): void {
  let pty: TerminalSize | null = null;
  let active: Interactive | null = null;
  session.on('pty', (accept, _reject, info) => {
    pty = { cols: info.cols || 80, rows: info.rows || 24 };
    ack(accept);
  });
  session.on('window-change', (accept, _reject, info) => {
    if (pty) {
      pty.cols = info.cols;
      pty.rows = info.rows;
    }
    ack(accept);
  });
  session.on('env', (accept) => {
    ack(accept);
  });
  session.on('signal', (accept, _reject, info) => {
    ack(accept);
    if (info.name === 'INT' || info.name === 'TERM' || info.name === 'KILL') active?.interrupt();
  });
  session.on('shell', (accept) => {
    active = new Interactive(accept(), [makeProgram()], pty);
    active.start();
  });
  session.on('exec', (accept, _reject, info) => {
    const channel = accept();
    active = new Interactive(channel, [makeProgram()], pty);
    active.exec(info.command);
  });
  for (const event of ['subsystem', 'x11', 'auth-agent', 'sftp'] as const) {
    session.on(event, (_accept: unknown, reject: (() => void) | undefined) => {
      reject?.();
    });
  }
}

class Interactive {
  private readonly editor = new LineEditor('');
  private running: AbortController | null = null;
  private typeahead = '';
  private closed = false;
  private status = 0;

  constructor(
    private readonly channel: ServerChannel,
    private readonly stack: Program[],
    private readonly pty: TerminalSize | null,
  ) {
    channel.on('close', () => {
      this.closed = true;
      this.running?.abort();
    });
    channel.on('error', () => undefined);
  }

  private get top(): Program | undefined {
    return this.stack.at(-1);
  }

  private write(text: string): void {
    if (!this.closed) this.channel.write(text);
  }

  private io(signal: AbortSignal): CommandIo {
    const translate = (): boolean => this.pty !== null;
    const current = (): AbortSignal | null => this.running?.signal ?? null;
    return {
      out: channelSink(this.channel, translate, current),
      err: channelSink(this.pty ? this.channel : this.channel.stderr, translate, current),
      signal,
      stdin: null,
      pty: this.pty,
    };
  }

  interrupt(): void {
    this.running?.abort();
  }

  /** Starts the top program interactively; a login (`shell`) shows its banner first. */
  start(banner = true): void {
    const top = this.top;
    if (!top) return;
    if (banner) this.write(top.banner().replace(/\r?\n/g, '\r\n'));
    if (!this.pty) {
      this.readLinesWithoutTerminal();
      return;
    }
    this.write(this.editor.start(top.prompt()));
    this.channel.on('data', (data: Buffer) => {
      this.input(data.toString('utf8'));
    });
  }

  exec(command: string): void {
    this.channel.on('data', (data: Buffer) => {
      if (data.includes(0x03)) this.running?.abort();
    });
    void this.runLine(command, false).then((outcome) => {
      // `ssh -t node pct enter 101`: the command's program is the session's only one, as sshd
      // ends the session when the command ends — leaving the container leaves the node too.
      if (outcome.kind === 'enter' && this.pty) {
        this.stack.splice(0, this.stack.length, outcome.program);
        this.start(false);
        return;
      }
      this.finish(outcome.code);
    });
  }

  private readLinesWithoutTerminal(): void {
    let buffered = '';
    let chain = Promise.resolve();
    this.channel.on('data', (data: Buffer) => {
      buffered += data.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        chain = chain.then(async () => {
          if (this.closed || !this.top) return;
          this.settle(await this.runLine(line, false));
        });
      }
    });
    this.channel.on('end', () => {
      void chain.then(() => {
        this.finish(this.status);
      });
    });
  }

  private input(text: string): void {
    if (this.running) {
      if (text.includes('\x03')) {
        this.running.abort();
        this.typeahead = '';
      } else this.typeahead += text;
      return;
    }
    for (const event of this.editor.feed(text)) {
      switch (event.kind) {
        case 'output':
          this.write(event.text);
          break;
        case 'interrupt':
          this.status = 130;
          this.write(this.editor.start(this.top?.prompt() ?? ''));
          this.input(this.editor.takePending());
          break;
        case 'eof':
          this.pop(this.status);
          if (this.top) this.write(this.editor.start(this.top.prompt()));
          break;
        case 'line':
          void this.runTyped(event.line);
          break;
      }
    }
  }

  private async runTyped(line: string): Promise<void> {
    const rest = this.editor.takePending();
    const outcome = await this.runLine(line, true);
    this.settle(outcome);
    if (this.closed || !this.top) return;
    this.write(this.editor.start(this.top.prompt()));
    const pending = rest + this.typeahead;
    this.typeahead = '';
    if (pending) this.input(pending);
  }

  private async runLine(line: string, interactive: boolean): Promise<Outcome> {
    const program = this.top;
    if (!program) return { kind: 'exit', code: this.status };
    const controller = new AbortController();
    this.running = controller;
    try {
      const outcome = await program.run(line, this.io(controller.signal), interactive);
      if (controller.signal.aborted && this.pty && !this.closed) this.write('^C\r\n');
      return outcome;
    } finally {
      this.running = null;
    }
  }

  private settle(outcome: Outcome): void {
    this.status = outcome.code;
    if (outcome.kind === 'enter') this.stack.push(outcome.program);
    if (outcome.kind === 'exit') this.pop(outcome.code);
  }

  /** Leaves the top program; bash says `logout` for the login shell and `exit` otherwise. */
  private pop(code: number): void {
    this.stack.pop();
    this.status = code;
    if (this.pty) this.write(this.stack.length === 0 ? 'logout\r\n' : 'exit\r\n');
    if (this.stack.length === 0) this.finish(code);
  }

  private finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.channel.exit(code);
    this.channel.end();
  }
}
