/**
 * The terminal state a program set with escape sequences, followed through a session's output.
 * When a reloaded window is shown only the latest part of that output, the sequences that set
 * this state may lie before it: the alternate screen of a full-screen program, its cursor keys,
 * its mouse reporting, the shell's bracketed paste, its scroll region, the colours in effect.
 * `restore` gives the sequences that set them again, so the replayed screen looks and behaves as
 * it did.
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

/** What a soft reset (DECSTR, `CSI ! p`) sets back among the followed modes. */
const softResetModes: readonly number[] = [1, 25];

const esc = 0x1b;
/** Longest sequence kept across a chunk boundary (`ESC [ 38;2;255;255;255;48;2;… m` and less). */
const maxSequence = 64;

/**
 * Graphic rendition (SGR) in effect, as the parameters that set it again, one per attribute:
 * `fg` → `38;5;208`, `bold` → `1`. Attributes at their default are absent.
 */
type Rendition = Map<string, string>;

/** Attributes each SGR code switches off. */
const sgrOff: ReadonlyMap<number, readonly string[]> = new Map([
  [22, ['bold', 'dim']],
  [23, ['italic']],
  [24, ['underline']],
  [25, ['blink']],
  [27, ['inverse']],
  [28, ['hidden']],
  [29, ['strike']],
  [39, ['fg']],
  [49, ['bg']],
  [55, ['overline']],
  [59, ['underlineColour']],
]);

/** Attributes each SGR code switches on, by their own code. */
const sgrOn: ReadonlyMap<number, string> = new Map([
  [1, 'bold'],
  [2, 'dim'],
  [3, 'italic'],
  [5, 'blink'],
  [6, 'blink'],
  [7, 'inverse'],
  [8, 'hidden'],
  [9, 'strike'],
  [21, 'underline'],
  [53, 'overline'],
]);

/** Extended colours: 38 foreground, 48 background, 58 underline. */
const extendedColour: ReadonlyMap<number, string> = new Map([
  [38, 'fg'],
  [48, 'bg'],
  [58, 'underlineColour'],
]);

/** Applies the parameters of one SGR sequence (`1;38;5;208`, `4:3`, empty) to `rendition`. */
function applySgr(rendition: Rendition, params: string): void {
  const groups = params === '' ? ['0'] : params.split(';');
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] ?? '';
    const code = Number(group.split(':')[0] ?? '0');
    if (!Number.isInteger(code)) return;
    if (code === 0) rendition.clear();
    else if (code === 4) {
      // `4:0` is no underline; `4:3` curly and so on.
      if (group === '4:0') rendition.delete('underline');
      else rendition.set('underline', group);
    } else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) rendition.set('fg', group);
    else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) {
      rendition.set('bg', group);
    } else if (extendedColour.has(code)) {
      const slot = extendedColour.get(code) ?? 'fg';
      if (group.includes(':')) {
        rendition.set(slot, group);
        continue;
      }
      // `38;5;n` or `38;2;r;g;b`: the colour takes the next groups.
      const kind = groups[i + 1];
      const length = kind === '5' ? 2 : kind === '2' ? 4 : 0;
      if (length === 0 || i + length >= groups.length) return;
      rendition.set(slot, groups.slice(i, i + length + 1).join(';'));
      i += length;
    } else if (sgrOn.has(code)) rendition.set(sgrOn.get(code) ?? '', group);
    else for (const slot of sgrOff.get(code) ?? []) rendition.delete(slot);
  }
}

function inRange(byte: number | undefined, low: number, high: number): boolean {
  return byte !== undefined && byte >= low && byte <= high;
}

export class TerminalModes {
  private readonly modes = new Map<number, boolean>();
  private keypad = false;
  /** The scroll region's parameters (`2;23`), or null for the whole screen. */
  private scrollRegion: string | null = null;
  private readonly rendition: Rendition = new Map();
  /** The start of a sequence cut by the end of the last chunk. */
  private carry: Buffer | null = null;

  /** Follows `bytes` of output, in order. */
  feed(bytes: Uint8Array): void {
    let data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.carry !== null) {
      data = Buffer.concat([this.carry, data]);
      this.carry = null;
    }
    let at = data.indexOf(esc);
    while (at >= 0) {
      const end = this.sequence(data, at);
      if (end === null) {
        // A sequence that continues in the next chunk.
        this.carry = Buffer.from(data.subarray(at));
        return;
      }
      at = data.indexOf(esc, end);
    }
  }

  /** A copy that can be fed further without changing this one. */
  clone(): TerminalModes {
    const copy = new TerminalModes();
    for (const [mode, on] of this.modes) copy.modes.set(mode, on);
    copy.keypad = this.keypad;
    copy.scrollRegion = this.scrollRegion;
    for (const [slot, params] of this.rendition) copy.rendition.set(slot, params);
    copy.carry = this.carry === null ? null : Buffer.from(this.carry);
    return copy;
  }

  /** Sequences that set again everything followed that differs from a fresh terminal. */
  restore(): string {
    let out = '';
    for (const [mode, fresh] of trackedModes) {
      const on = this.modes.get(mode) ?? fresh;
      if (on !== fresh) out += `\x1b[?${String(mode)}${on ? 'h' : 'l'}`;
    }
    if (this.keypad) out += '\x1b=';
    if (this.scrollRegion !== null) out += `\x1b[${this.scrollRegion}r`;
    if (this.rendition.size > 0) out += `\x1b[${[...this.rendition.values()].join(';')}m`;
    return out;
  }

  /**
   * Follows the escape sequence at `start`; returns where scanning goes on, or null when `data`
   * ends before the sequence does (and it is short enough to be kept for the next chunk).
   */
  private sequence(data: Buffer, start: number): number | null {
    const kind = data[start + 1];
    if (kind === undefined) return null;
    if (kind === 0x63)
      this.reset(); // ESC c: full reset
    else if (kind === 0x3d)
      this.keypad = true; // ESC =
    else if (kind === 0x3e) this.keypad = false; // ESC >
    // Not a CSI: nothing more is followed (and a second ESC starts a sequence of its own).
    if (kind !== 0x5b) return kind === esc ? start + 1 : start + 2;
    let at = start + 2;
    // Parameter bytes (digits, `;`, `:`, and the `<=>?` prefixes), then intermediates.
    while (inRange(data[at], 0x30, 0x3f)) at++;
    const paramsEnd = at;
    while (inRange(data[at], 0x20, 0x2f)) at++;
    const final = data[at];
    if (final === undefined) return at - start < maxSequence ? null : at;
    // A broken sequence is not followed; scanning goes on from the byte that broke it.
    if (!inRange(final, 0x40, 0x7e)) return at;
    const params = data.toString('latin1', start + 2, paramsEnd);
    this.csi(params, data.toString('latin1', paramsEnd, at), final);
    return at + 1;
  }

  private csi(params: string, intermediates: string, final: number): void {
    if (intermediates === '!' && final === 0x70 && params === '') {
      this.softReset(); // CSI ! p
      return;
    }
    if (intermediates !== '') return;
    if (params.startsWith('?') && (final === 0x68 || final === 0x6c)) {
      // CSI ? Pm h / l
      const on = final === 0x68;
      for (const part of params.slice(1).split(';')) {
        const mode = Number(part);
        if (trackedModes.has(mode)) this.modes.set(mode, on);
      }
    } else if (final === 0x6d && /^[\d;:]*$/.test(params)) {
      applySgr(this.rendition, params); // CSI Pm m
    } else if (final === 0x72 && /^[\d;]*$/.test(params)) {
      // CSI top ; bottom r — without parameters, the whole screen again.
      this.scrollRegion = params === '' || params === ';' ? null : params;
    }
  }

  private softReset(): void {
    for (const mode of softResetModes) this.modes.delete(mode);
    this.keypad = false;
    this.scrollRegion = null;
    this.rendition.clear();
  }

  private reset(): void {
    this.modes.clear();
    this.softReset();
  }
}
