import { concatBytes } from '../../shared/bytes';
import { decodeClientFrame } from '../../shared/ssh';
import { TerminalModes } from './terminal-modes';
import type { Logger } from '../core/logger';
import type { SshSessionManager } from '../ssh';

/** One transport end for a session's bytes: a MessagePort or a WebSocket. */
export interface TerminalSink {
  send(bytes: Uint8Array): void;
  /** The stream is being replaced or its session is gone. */
  close(reason: string): void;
}

export interface TerminalAttachment {
  /** A frame from the client (input or ack, see src/shared/ssh.ts); false if it was malformed. */
  receive(frame: Uint8Array): boolean;
  /** The transport went away; output waits (bounded by the high watermark) for the next one. */
  detach(): void;
}

interface Stream {
  sink: TerminalSink | null;
  /** Output produced while no transport was attached, replayed to the next one. */
  backlog: Uint8Array[];
  /** Bytes handed to the current sink and not yet acknowledged by it. */
  unacked: number;
  /** The latest output handed to any sink, at most `historyBytes`, oldest first. */
  history: Uint8Array[];
  historySize: number;
  /**
   * The modes set by the output dropped from the front of `history`; null while nothing was
   * dropped (the history then starts with the session).
   */
  dropped: TerminalModes | null;
  /** Replayed history the current sink has not acknowledged; its first acks are for these. */
  replayUnacked: number;
  /** Bytes handed to the current sink, replays included. */
  sentToSink: number;
  /** Bytes handed to the sink before it, until the next one attaches; null if there was none. */
  sentToLast: number | null;
}

/**
 * How much of a session's latest output is kept to be shown again when a new transport
 * attaches — a reloaded window, or a renderer started again after a crash — about half of a
 * terminal's 10 000-line scrollback at typical widths.
 */
export const historyBytes = 512 * 1024;

/**
 * What a transport opened again by the same page is sent first: the output the one before it was
 * given and the page never received — the last `missing` bytes handed out, all still kept (the
 * latest output is the end of `history`). When more is missing than is kept, the page is told how
 * much was skipped and shown the kept output as a new transport is (`replayOf`).
 */
export function resendOf(
  history: readonly Uint8Array[],
  historySize: number,
  dropped: TerminalModes | null,
  missing: number,
): Uint8Array | null {
  if (missing <= 0 || history.length === 0) return null;
  if (missing <= historySize) return concatBytes(history).slice(historySize - missing);
  const skipped = missing - historySize;
  const notice = encoder.encode(
    `\r\n\x1b[2m[${String(skipped)} ${skipped === 1 ? 'byte' : 'bytes'} of output skipped: ` +
      `sent as this terminal's stream dropped, and no longer kept]\x1b[0m\r\n`,
  );
  const kept = replayOf(history, dropped);
  return kept === null ? notice : concatBytes([notice, kept]);
}

/**
 * What a new transport is shown of the kept output: all of it, or — once its start was dropped
 * — from its first whole line, after the sequences that set again the modes the dropped part
 * had set (the alternate screen of a full-screen program, say).
 */
export function replayOf(
  history: readonly Uint8Array[],
  dropped: TerminalModes | null,
): Uint8Array | null {
  if (history.length === 0) return null;
  const joined = concatBytes(history);
  if (dropped === null) return joined;
  const newline = joined.indexOf(0x0a);
  if (newline < 0 || newline + 1 >= joined.byteLength) return null;
  const modes = dropped.clone();
  modes.feed(joined.subarray(0, newline + 1));
  return concatBytes([encoder.encode(modes.restore()), joined.subarray(newline + 1)]);
}

const encoder = new TextEncoder();

/**
 * Connects each SSH session's output and input to whichever transport the host attaches —
 * terminal bytes never go through the request/response contract. Flow control stays end to end:
 * the manager only sends up to its high watermark of unacknowledged bytes, and acknowledgements
 * come from the renderer after xterm.js has written them, so nothing here grows without bound.
 * When a transport goes away, what it never acknowledged is acknowledged for it so the session is
 * not left paused; what it was given and the page never received is sent again on the same page's
 * next transport (`resendOf`). A new window's transport is first shown the session's latest
 * output again (see `historyBytes`), so a reloaded window keeps its screen.
 */
export class TerminalStreams {
  private readonly streams = new Map<string, Stream>();
  private readonly openedListeners = new Set<(sessionId: string) => void>();
  private readonly offData: () => void;

  constructor(
    private readonly ssh: SshSessionManager,
    private readonly logger: Logger,
  ) {
    this.offData = ssh.on('data', (id, bytes) => {
      this.deliver(id, bytes);
    });
  }

  /** Hosts that push a stream to the client (Electron's MessagePorts) listen here. */
  onOpened(listener: (sessionId: string) => void): () => void {
    this.openedListeners.add(listener);
    return () => this.openedListeners.delete(listener);
  }

  /** A session was created: set up its stream and tell hosts that push streams. */
  opened(sessionId: string): void {
    if (!this.streams.has(sessionId)) {
      this.streams.set(sessionId, {
        sink: null,
        backlog: [],
        unacked: 0,
        history: [],
        historySize: 0,
        dropped: null,
        replayUnacked: 0,
        sentToSink: 0,
        sentToLast: null,
      });
    }
    for (const listener of this.openedListeners) listener(sessionId);
  }

  has(sessionId: string): boolean {
    return this.streams.has(sessionId);
  }

  /** A transport is attached to the session's stream (a window shows it now). */
  attached(sessionId: string): boolean {
    return (this.streams.get(sessionId)?.sink ?? null) !== null;
  }

  /**
   * A window that lost its transport asks for the stream again (after a reload): hosts that
   * push streams push a new one, which replaces any previous one. False for an unknown session.
   */
  reopen(sessionId: string): boolean {
    if (!this.streams.has(sessionId)) return false;
    for (const listener of this.openedListeners) listener(sessionId);
    return true;
  }

  /**
   * Attaches a transport to a session, replacing (and closing) any previous one. With `replay`
   * the transport is first sent the session's latest output (a window shown again after a
   * reload); without, only what it has not seen (the same window's socket opened again) — with
   * `received`, the bytes that window received from the transport before this one: what that
   * transport was given beyond them was lost with it, and is sent again first (`resendOf`).
   */
  attach(
    sessionId: string,
    sink: TerminalSink,
    options: { replay?: boolean; received?: number } = {},
  ): TerminalAttachment | null {
    const stream = this.streams.get(sessionId);
    if (stream === undefined) return null;
    this.release(sessionId, stream, 'replaced by a newer stream');
    stream.sink = sink;
    const missing =
      options.received === undefined || stream.sentToLast === null
        ? 0
        : stream.sentToLast - options.received;
    stream.sentToLast = null;
    const replay =
      options.replay === true
        ? replayOf(stream.history, stream.dropped)
        : resendOf(stream.history, stream.historySize, stream.dropped, missing);
    if (replay !== null) {
      // Its bytes were acknowledged for the transport they were lost with.
      stream.replayUnacked = replay.byteLength;
      stream.sentToSink = replay.byteLength;
      sink.send(replay);
    }
    for (const bytes of stream.backlog.splice(0)) this.send(stream, sink, bytes);
    return {
      receive: (frame) => {
        if (stream.sink !== sink) return true;
        const decoded = decodeClientFrame(frame);
        if (decoded === null) return false;
        if (decoded.kind === 'input') {
          if (decoded.bytes.byteLength > 0)
            this.safely(() => this.ssh.write(sessionId, decoded.bytes));
        } else {
          // Acknowledgements come in output order: the replayed history's come first.
          const replayed = Math.min(decoded.count, stream.replayUnacked);
          stream.replayUnacked -= replayed;
          const count = Math.min(decoded.count - replayed, stream.unacked);
          stream.unacked -= count;
          if (count > 0) this.safely(() => this.ssh.ack(sessionId, count));
        }
        return true;
      },
      detach: () => {
        if (stream.sink === sink) this.release(sessionId, stream, null);
      },
    };
  }

  /** The session was discarded: close its transport and forget it. */
  closed(sessionId: string): void {
    const stream = this.streams.get(sessionId);
    if (stream === undefined) return;
    stream.sink?.close('session closed');
    stream.sink = null;
    this.streams.delete(sessionId);
  }

  dispose(): void {
    this.offData();
    for (const id of [...this.streams.keys()]) this.closed(id);
  }

  private deliver(sessionId: string, bytes: Uint8Array): void {
    const stream = this.streams.get(sessionId);
    if (stream === undefined) {
      // Nobody will ever render these; acknowledge so the session does not stall.
      this.safely(() => this.ssh.ack(sessionId, bytes.byteLength));
      return;
    }
    if (stream.sink === null) {
      stream.backlog.push(bytes);
      return;
    }
    this.send(stream, stream.sink, bytes);
  }

  private send(stream: Stream, sink: TerminalSink, bytes: Uint8Array): void {
    stream.unacked += bytes.byteLength;
    stream.sentToSink += bytes.byteLength;
    sink.send(bytes);
    stream.history.push(bytes);
    stream.historySize += bytes.byteLength;
    // Keystroke echoes come a few bytes at a time: keep the list short.
    if (stream.history.length > 1024) stream.history = [concatBytes(stream.history)];
    while (stream.historySize > historyBytes) {
      const first = stream.history[0];
      if (first === undefined) break;
      const over = stream.historySize - historyBytes;
      const gone = first.byteLength <= over ? first : first.subarray(0, over);
      if (gone === first) stream.history.shift();
      else stream.history[0] = first.subarray(over);
      stream.historySize -= gone.byteLength;
      stream.dropped ??= new TerminalModes();
      stream.dropped.feed(gone);
    }
  }

  private release(sessionId: string, stream: Stream, reason: string | null): void {
    const sink = stream.sink;
    if (sink === null) return;
    stream.sink = null;
    stream.replayUnacked = 0;
    stream.sentToLast = stream.sentToSink;
    stream.sentToSink = 0;
    if (reason !== null) sink.close(reason);
    if (stream.unacked > 0) {
      const lost = stream.unacked;
      stream.unacked = 0;
      this.safely(() => this.ssh.ack(sessionId, lost));
    }
  }

  private safely(action: () => void): void {
    try {
      action();
    } catch (error) {
      // The session was discarded between a frame being sent and arriving.
      this.logger.debug('terminal frame for a gone session', { error: String(error) });
    }
  }
}
