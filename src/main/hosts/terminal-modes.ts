/**
 * The terminal modes a program switched on with escape sequences, followed through a session's
 * output. When a reloaded window is shown only the latest part of that output, the sequences
 * that set these modes may lie before it: the alternate screen of a full-screen program, its
 * cursor keys, its mouse reporting, the shell's bracketed paste. `restore` gives the sequences
 * that set them again, so the replayed screen behaves as it did.
 */

/**
 * DEC private modes worth setting again, each with its state in a fresh terminal, in the order
 * they are set again: the alternate screen first, as switching to it starts a clean screen.
 */
const trackedModes: ReadonlyMap<number, boolean> = new Map([
  [47, false], // alternate screen
  [1047, false], // alternate screen
  [1049, false], // alternate screen, cursor saved
  [1, false], // cursor keys send application sequences
  [25, true], // cursor shown
  [1000, false], // mouse: clicks
  [1002, false], // mouse: drags
  [1003, false], // mouse: all motion
  [1004, false], // focus in / out reported
  [1005, false], // mouse: UTF-8 coordinates
  [1006, false], // mouse: SGR coordinates
  [1015, false], // mouse: urxvt coordinates
  [2004, false], // bracketed paste
]);

const esc = 0x1b;
const privateCsi = Buffer.from('\x1b[?', 'latin1');
const keypadApplication = Buffer.from('\x1b=', 'latin1');
const keypadNormal = Buffer.from('\x1b>', 'latin1');
/** Longest mode sequence kept across a chunk boundary (`ESC [ ? 1049;1006;2004 h` and more). */
const maxSequence = 64;

export class TerminalModes {
  private readonly modes = new Map<number, boolean>();
  private keypad = false;
  /** The start of a sequence cut by the end of the last chunk. */
  private carry: Buffer | null = null;

  /** Follows `bytes` of output, in order. */
  feed(bytes: Uint8Array): void {
    let data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.carry !== null) {
      data = Buffer.concat([this.carry, data]);
      this.carry = null;
    }
    this.scanPrivateModes(data);
    this.scanKeypad(data);
    // A sequence that may continue in the next chunk.
    const lastEsc = data.lastIndexOf(esc);
    if (lastEsc >= 0 && data.byteLength - lastEsc < maxSequence && !ended(data, lastEsc)) {
      this.carry = Buffer.from(data.subarray(lastEsc));
    }
  }

  /** A copy that can be fed further without changing this one. */
  clone(): TerminalModes {
    const copy = new TerminalModes();
    for (const [mode, on] of this.modes) copy.modes.set(mode, on);
    copy.keypad = this.keypad;
    copy.carry = this.carry === null ? null : Buffer.from(this.carry);
    return copy;
  }

  /** Sequences that set every followed mode that differs from a fresh terminal's. */
  restore(): string {
    let out = '';
    for (const [mode, fresh] of trackedModes) {
      const on = this.modes.get(mode) ?? fresh;
      if (on !== fresh) out += `\x1b[?${String(mode)}${on ? 'h' : 'l'}`;
    }
    if (this.keypad) out += '\x1b=';
    return out;
  }

  private scanPrivateModes(data: Buffer): void {
    for (let at = data.indexOf(privateCsi); at >= 0; at = data.indexOf(privateCsi, at + 3)) {
      let end = at + 3;
      while (end < data.byteLength && end - at < maxSequence && isParameter(data[end])) end++;
      const final = data[end];
      if (final !== 0x68 && final !== 0x6c) continue; // h, l
      const on = final === 0x68;
      for (const part of data.toString('latin1', at + 3, end).split(';')) {
        const mode = Number(part);
        if (trackedModes.has(mode)) this.modes.set(mode, on);
      }
    }
  }

  private scanKeypad(data: Buffer): void {
    // Only the last switch counts.
    const application = data.lastIndexOf(keypadApplication);
    const normal = data.lastIndexOf(keypadNormal);
    if (application > normal) this.keypad = true;
    else if (normal > application) this.keypad = false;
  }
}

/** Digits and separators of a mode sequence. */
function isParameter(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || byte === 0x3b);
}

/** The sequence starting at `start` is complete within `data` (or is not a mode sequence). */
function ended(data: Buffer, start: number): boolean {
  if (start + 1 >= data.byteLength) return false;
  if (data[start + 1] !== 0x5b) return true; // ESC x: two bytes, complete
  if (start + 2 >= data.byteLength) return false;
  if (data[start + 2] !== 0x3f) return true; // ESC [ without ?: not followed
  let at = start + 3;
  while (at < data.byteLength && isParameter(data[at])) at++;
  return at < data.byteLength;
}
