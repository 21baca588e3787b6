/**
 * Terminal output on its way into xterm.js: at most one write is in flight. Bytes that arrive
 * while xterm.js is still parsing the previous write are joined and handed over as one write when
 * it finishes. An idle terminal writes a keystroke's echo at once; a flood is parsed in large
 * pieces, so the page paints once per piece instead of once per network message — painting the
 * screen, not parsing, is what a flood costs in a browser.
 */
export interface OutputCoalescer {
  push(bytes: Uint8Array): void;
  /** Bytes received and not yet handed to the terminal. */
  queued(): number;
  dispose(): void;
}

/**
 * `write` hands bytes to the terminal and calls `done` once they are parsed; `written` reports
 * each finished write's size (for acknowledgements). Order is kept; nothing is dropped or
 * written twice before `dispose`.
 */
export function createOutputCoalescer(
  write: (bytes: Uint8Array, done: () => void) => void,
  written: (count: number) => void,
): OutputCoalescer {
  let waiting: Uint8Array[] = [];
  let waitingBytes = 0;
  let busy = false;
  let disposed = false;

  const joined = (): Uint8Array => {
    const [only] = waiting;
    if (waiting.length === 1 && only !== undefined) return only;
    const all = new Uint8Array(waitingBytes);
    let offset = 0;
    for (const part of waiting) {
      all.set(part, offset);
      offset += part.byteLength;
    }
    return all;
  };

  const start = (bytes: Uint8Array): void => {
    busy = true;
    write(bytes, () => {
      busy = false;
      if (disposed) return;
      written(bytes.byteLength);
      if (waitingBytes === 0) return;
      const next = joined();
      waiting = [];
      waitingBytes = 0;
      start(next);
    });
  };

  return {
    push(bytes) {
      if (disposed || bytes.byteLength === 0) return;
      if (busy) {
        waiting.push(bytes);
        waitingBytes += bytes.byteLength;
      } else start(bytes);
    },
    queued: () => waitingBytes,
    dispose() {
      disposed = true;
      waiting = [];
      waitingBytes = 0;
    },
  };
}
