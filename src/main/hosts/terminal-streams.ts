import { decodeClientFrame } from '../../shared/ssh';
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
}

/**
 * Connects each SSH session's output and input to whichever transport the host attaches —
 * terminal bytes never go through the request/response contract. Flow control stays end to end:
 * the manager only sends up to its high watermark of unacknowledged bytes, and acknowledgements
 * come from the renderer after xterm.js has written them, so nothing here grows without bound.
 * When a transport goes away, what it never acknowledged is acknowledged for it (those bytes are
 * lost with it) so the session is not left paused.
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
      this.streams.set(sessionId, { sink: null, backlog: [], unacked: 0 });
    }
    for (const listener of this.openedListeners) listener(sessionId);
  }

  has(sessionId: string): boolean {
    return this.streams.has(sessionId);
  }

  /** Attaches a transport to a session, replacing (and closing) any previous one. */
  attach(sessionId: string, sink: TerminalSink): TerminalAttachment | null {
    const stream = this.streams.get(sessionId);
    if (stream === undefined) return null;
    this.release(sessionId, stream, 'replaced by a newer stream');
    stream.sink = sink;
    for (const bytes of stream.backlog.splice(0)) {
      stream.unacked += bytes.byteLength;
      sink.send(bytes);
    }
    return {
      receive: (frame) => {
        if (stream.sink !== sink) return true;
        const decoded = decodeClientFrame(frame);
        if (decoded === null) return false;
        if (decoded.kind === 'input') {
          if (decoded.bytes.byteLength > 0)
            this.safely(() => this.ssh.write(sessionId, decoded.bytes));
        } else {
          const count = Math.min(decoded.count, stream.unacked);
          stream.unacked -= count;
          this.safely(() => this.ssh.ack(sessionId, count));
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
    stream.unacked += bytes.byteLength;
    stream.sink.send(bytes);
  }

  private release(sessionId: string, stream: Stream, reason: string | null): void {
    const sink = stream.sink;
    if (sink === null) return;
    stream.sink = null;
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
