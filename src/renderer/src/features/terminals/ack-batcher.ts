/**
 * Flow control from the renderer's side: bytes are acknowledged only after xterm.js has
 * written them (its write callback), batched so a flood is not answered frame by frame. Every
 * painted byte is acknowledged exactly once — small remainders on the next scheduled flush — so
 * the host never waits forever, and nothing unpainted is ever acknowledged.
 */
export interface AckBatcher {
  /** xterm.js finished writing `count` bytes. */
  painted(count: number): void;
  /** Bytes painted and not yet acknowledged. */
  pending(): number;
  dispose(): void;
}

export function createAckBatcher(
  send: (count: number) => void,
  options: { threshold?: number; schedule?: (flush: () => void) => void } = {},
): AckBatcher {
  const threshold = options.threshold ?? 64 * 1024;
  const schedule =
    options.schedule ??
    ((flush: () => void) => {
      setTimeout(flush, 0);
    });
  let pending = 0;
  let scheduled = false;
  let disposed = false;

  const flush = (): void => {
    scheduled = false;
    if (disposed || pending === 0) return;
    const count = pending;
    pending = 0;
    send(count);
  };

  return {
    painted(count) {
      if (disposed || count <= 0) return;
      pending += count;
      if (pending >= threshold) flush();
      else if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    pending: () => pending,
    dispose() {
      disposed = true;
    },
  };
}
