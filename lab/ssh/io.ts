/**
 * Output plumbing for the lab shells. Commands write through a `Sink`; on an SSH channel the
 * sink honours the channel's flow control (so `yes` cannot outrun a slow terminal) and turns LF
 * into CR LF on a PTY, as a real terminal line discipline (ONLCR) does. Pipelines capture a
 * stage's output into a bounded buffer; when it is full the stage is stopped, like SIGPIPE.
 */
import type { Writable } from 'node:stream';

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface Sink {
  write(chunk: string | Buffer): Promise<void>;
}

export interface CommandIo {
  out: Sink;
  err: Sink;
  /** Aborted on Ctrl-C, on a full pipe and when the channel closes. */
  signal: AbortSignal;
  /** Output of the previous pipeline stage, or null when reading the terminal. */
  stdin: Buffer | null;
  /** Terminal size when the session has a PTY, otherwise null. */
  pty: TerminalSize | null;
}

/** Writes to a channel, waiting for `drain` (or an abort) when the channel is full. */
export function channelSink(
  stream: Writable,
  translateNewlines: () => boolean,
  signal: () => AbortSignal | null,
): Sink {
  return {
    write: (chunk) => {
      if (stream.destroyed || stream.writableEnded) return Promise.resolve();
      let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (translateNewlines()) data = onlcr(data);
      if (stream.write(data)) return Promise.resolve();
      return new Promise((resolve) => {
        const current = signal();
        const done = (): void => {
          stream.off('drain', done);
          stream.off('close', done);
          current?.removeEventListener('abort', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
        current?.addEventListener('abort', done, { once: true });
      });
    },
  };
}

/** LF → CR LF, leaving existing CR LF alone. */
export function onlcr(data: Buffer): Buffer {
  if (!data.includes(0x0a)) return data;
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === 0x0a && (i === 0 || data[i - 1] !== 0x0d)) out.push(0x0d);
    out.push(byte);
  }
  return Buffer.from(out);
}

export const discard: Sink = { write: () => Promise.resolve() };

export interface Capture extends Sink {
  take(): Buffer;
}

/** Collects up to `limit` bytes, then calls `onFull` (the next stage has read enough). */
export function captureSink(limit: number, onFull: () => void): Capture {
  const parts: Buffer[] = [];
  let size = 0;
  return {
    write: (chunk) => {
      if (size >= limit) {
        onFull();
        return Promise.resolve();
      }
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      parts.push(data);
      size += data.length;
      if (size >= limit) onFull();
      // Yield so a flood in a pipeline still lets the event loop breathe.
      return new Promise((resolve) => setImmediate(resolve));
    },
    take: () => Buffer.concat(parts).subarray(0, limit),
  };
}
