/**
 * A readline-style line editor for the lab's interactive shells, written by hand because it runs
 * on an SSH channel rather than a TTY. It turns keystrokes into echo output and events: a
 * completed line, Ctrl-C (interrupt) or Ctrl-D on an empty line (end of input). Supports cursor
 * movement, Home/End, Backspace/Delete, Ctrl-A/E/K/U/W/L and history with the arrow keys.
 */

export type EditorEvent =
  | { kind: 'output'; text: string }
  | { kind: 'line'; line: string }
  | { kind: 'interrupt' }
  | { kind: 'eof' };

const ESC = '\x1b';

/** Escape sequences the editor understands, longest first so prefixes do not shadow them. */
const keys: readonly (readonly [string, string])[] = [
  [`${ESC}[3~`, 'delete'],
  [`${ESC}[1~`, 'home'],
  [`${ESC}[4~`, 'end'],
  [`${ESC}[A`, 'up'],
  [`${ESC}[B`, 'down'],
  [`${ESC}[C`, 'right'],
  [`${ESC}[D`, 'left'],
  [`${ESC}[H`, 'home'],
  [`${ESC}[F`, 'end'],
  [`${ESC}OA`, 'up'],
  [`${ESC}OB`, 'down'],
  [`${ESC}OC`, 'right'],
  [`${ESC}OD`, 'left'],
  [`${ESC}OH`, 'home'],
  [`${ESC}OF`, 'end'],
];

export class LineEditor {
  private buffer = '';
  private cursor = 0;
  private readonly history: string[] = [];
  /** Position while browsing history; equals `history.length` on the line being typed. */
  private browse = 0;
  private draft = '';
  private pending = '';

  constructor(
    private prompt: string,
    private readonly historyLimit = 500,
  ) {}

  /** Starts a fresh line with this prompt and returns the text to show. */
  start(prompt: string): string {
    this.prompt = prompt;
    this.buffer = '';
    this.cursor = 0;
    this.browse = this.history.length;
    return prompt;
  }

  get historyEntries(): readonly string[] {
    return this.history;
  }

  feed(data: string): EditorEvent[] {
    const events: EditorEvent[] = [];
    let input = this.pending + data;
    this.pending = '';
    while (input.length > 0) {
      if (input.startsWith(ESC)) {
        const match = keys.find(([seq]) => input.startsWith(seq));
        if (match) {
          this.key(match[1], events);
          input = input.slice(match[0].length);
          continue;
        }
        if (keys.some(([seq]) => seq.startsWith(input))) {
          this.pending = input; // an escape sequence split across packets
          break;
        }
        // Unknown sequence: drop ESC and the CSI parameters up to the final byte.
        const unknown = /^.(\[[0-9;]*[@-~]|O.|.)?/.exec(input); // input starts with ESC
        input = input.slice(unknown?.[0].length ?? 1);
        continue;
      }
      const ch = input[0] ?? '';
      input = input.slice(1);
      if (ch === '\r' || ch === '\n') {
        if (ch === '\r' && input.startsWith('\n')) input = input.slice(1); // CR LF clients
        events.push({ kind: 'output', text: '\r\n' });
        const line = this.buffer;
        if (line.trim() !== '' && this.history.at(-1) !== line) {
          this.history.push(line);
          if (this.history.length > this.historyLimit) this.history.shift();
        }
        this.buffer = '';
        this.cursor = 0;
        this.browse = this.history.length;
        events.push({ kind: 'line', line });
        // The rest belongs to the next line; the caller restarts the editor after running it.
        if (input.length > 0) this.pending = input;
        break;
      } else if (ch === '\x03') {
        this.buffer = '';
        this.cursor = 0;
        events.push({ kind: 'output', text: '^C\r\n' }, { kind: 'interrupt' });
        break;
      } else if (ch === '\x04') {
        if (this.buffer === '') {
          events.push({ kind: 'eof' });
          break;
        }
        this.key('delete', events);
      } else if (ch === '\x7f' || ch === '\b') this.key('backspace', events);
      else if (ch === '\x01') this.key('home', events);
      else if (ch === '\x05') this.key('end', events);
      else if (ch === '\x02') this.key('left', events);
      else if (ch === '\x06') this.key('right', events);
      else if (ch === '\x10') this.key('up', events);
      else if (ch === '\x0e') this.key('down', events);
      else if (ch === '\x0b') this.edit(this.buffer.slice(0, this.cursor), this.cursor, events);
      else if (ch === '\x15') this.edit(this.buffer.slice(this.cursor), 0, events);
      else if (ch === '\x17') {
        const before = this.buffer.slice(0, this.cursor).replace(/\S+\s*$/, '');
        this.edit(before + this.buffer.slice(this.cursor), before.length, events);
      } else if (ch === '\x0c') {
        events.push({ kind: 'output', text: `${ESC}[H${ESC}[2J` });
        this.redraw(events);
      } else if (ch === '\t') events.push({ kind: 'output', text: '\x07' });
      else if (ch >= ' ') {
        const next = this.buffer.slice(0, this.cursor) + ch + this.buffer.slice(this.cursor);
        if (this.cursor === this.buffer.length) {
          this.buffer = next;
          this.cursor += 1;
          events.push({ kind: 'output', text: ch });
        } else {
          this.edit(next, this.cursor + 1, events);
        }
      }
    }
    return merge(events);
  }

  /** Input left over after a completed line (typed ahead while a command ran). */
  takePending(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  private key(name: string, events: EditorEvent[]): void {
    switch (name) {
      case 'left':
        if (this.cursor > 0) this.move(this.cursor - 1, events);
        break;
      case 'right':
        if (this.cursor < this.buffer.length) this.move(this.cursor + 1, events);
        break;
      case 'home':
        this.move(0, events);
        break;
      case 'end':
        this.move(this.buffer.length, events);
        break;
      case 'backspace':
        if (this.cursor > 0) {
          const b = this.buffer;
          this.edit(b.slice(0, this.cursor - 1) + b.slice(this.cursor), this.cursor - 1, events);
        }
        break;
      case 'delete':
        if (this.cursor < this.buffer.length) {
          const b = this.buffer;
          this.edit(b.slice(0, this.cursor) + b.slice(this.cursor + 1), this.cursor, events);
        }
        break;
      case 'up':
        if (this.browse > 0) {
          if (this.browse === this.history.length) this.draft = this.buffer;
          this.browse -= 1;
          const entry = this.history[this.browse] ?? '';
          this.edit(entry, entry.length, events);
        }
        break;
      case 'down':
        if (this.browse < this.history.length) {
          this.browse += 1;
          const entry =
            this.browse === this.history.length ? this.draft : (this.history[this.browse] ?? '');
          this.edit(entry, entry.length, events);
        }
        break;
    }
  }

  private move(to: number, events: EditorEvent[]): void {
    const delta = to - this.cursor;
    if (delta < 0) events.push({ kind: 'output', text: `${ESC}[${-delta}D` });
    if (delta > 0) events.push({ kind: 'output', text: `${ESC}[${delta}C` });
    this.cursor = to;
  }

  private edit(buffer: string, cursor: number, events: EditorEvent[]): void {
    this.buffer = buffer;
    this.cursor = cursor;
    this.redraw(events);
  }

  /** Rewrites the whole line: simple and correct for lines shorter than the terminal. */
  private redraw(events: EditorEvent[]): void {
    const back = this.buffer.length - this.cursor;
    events.push({
      kind: 'output',
      text: `\r${this.prompt}${this.buffer}${ESC}[K${back > 0 ? `${ESC}[${back}D` : ''}`,
    });
  }
}

function merge(events: EditorEvent[]): EditorEvent[] {
  const out: EditorEvent[] = [];
  for (const event of events) {
    const last = out.at(-1);
    if (event.kind === 'output' && last?.kind === 'output') last.text += event.text;
    else out.push(event.kind === 'output' ? { ...event } : event);
  }
  return out;
}
