import { concatBytes } from '../../../../shared/bytes';

/**
 * Output pacing for one terminal. xterm.js paints a frame after every write it parses, and in
 * the DOM renderer each frame rebuilds every changed row — during a flood that is most of the
 * page's time. So output arriving less than `interval` ms after the previous write waits and is
 * joined with whatever else arrives, then handed to xterm.js as one write: at most one write per
 * interval, larger pieces to parse, far fewer frames. Output after a quiet moment is written at
 * once, so a typed character echoes without delay.
 *
 * Bytes are written in arrival order, each exactly once, and reported through `written` only
 * after xterm.js has finished writing them (its write callback) — flow control depends on it.
 */
export interface OutputPacer {
  push(bytes: Uint8Array): void;
  /** Bytes received and not yet handed to xterm.js. */
  queued(): number;
  /** Writes what is queued now (a stream being replaced still shows its last output). */
  drain(): void;
  /** Drops what is still queued; nothing more is written or reported. */
  dispose(): void;
}

export interface PacerOptions {
  /** Shortest time between two writes during a flood, in ms. */
  interval?: number;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** About two frames: a flood is painted at up to 30 frames a second. */
export const outputPaceMs = 33;

export function createOutputPacer(
  write: (bytes: Uint8Array, done: () => void) => void,
  written: (count: number) => void,
  options: PacerOptions = {},
): OutputPacer {
  const interval = options.interval ?? outputPaceMs;
  const now = options.now ?? (() => performance.now());
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer =
    options.clearTimer ??
    ((timer) => {
      clearTimeout(timer as ReturnType<typeof setTimeout>);
    });
  let chunks: Uint8Array[] = [];
  let size = 0;
  let timer: unknown;
  let lastWrite = -Infinity;
  let disposed = false;

  const flush = (): void => {
    timer = undefined;
    if (disposed || size === 0) return;
    lastWrite = now();
    const count = size;
    const bytes = chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : concatBytes(chunks);
    chunks = [];
    size = 0;
    write(bytes, () => {
      if (!disposed) written(count);
    });
  };

  return {
    push(bytes) {
      if (disposed || bytes.byteLength === 0) return;
      chunks.push(bytes);
      size += bytes.byteLength;
      if (timer !== undefined) return;
      const wait = lastWrite + interval - now();
      if (wait <= 0) flush();
      else timer = setTimer(flush, wait);
    },
    queued: () => size,
    drain() {
      if (timer !== undefined) clearTimer(timer);
      flush();
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      chunks = [];
      size = 0;
    },
  };
}
