import type { Socket } from 'node:net';

import {
  concatBytes,
  encodeSentenceFrames,
  type WordInput,
} from '../../src/main/sources/routeros/codec';

/**
 * How reply bytes are cut into socket writes (§5 item 2), so a client's reader is tested against
 * every split TCP can produce:
 * - `sentence`: one write per sentence (the default);
 * - `byte`: one byte per write;
 * - `split-prefix`: each word's first byte alone, so multi-byte length prefixes arrive split;
 * - `word`: each word in its own write, as some clients and devices do;
 * - `coalesce`: all sentences produced in one event-loop turn in a single write.
 */
export type ChunkingMode = 'sentence' | 'byte' | 'split-prefix' | 'word' | 'coalesce';

export const chunkingModes: readonly ChunkingMode[] = [
  'sentence',
  'byte',
  'split-prefix',
  'word',
  'coalesce',
];

export class SentenceWriter {
  private pending: Uint8Array[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly chunking: ChunkingMode = 'sentence',
  ) {}

  get open(): boolean {
    return this.socket.writable && !this.socket.destroyed;
  }

  send(words: readonly WordInput[]): void {
    if (!this.open) return;
    const frames = encodeSentenceFrames(words);
    switch (this.chunking) {
      case 'sentence':
        this.write(concatBytes(frames));
        return;
      case 'word':
        for (const frame of frames) this.write(frame);
        return;
      case 'split-prefix':
        for (const frame of frames) {
          this.write(frame.subarray(0, 1));
          if (frame.length > 1) this.write(frame.subarray(1));
        }
        return;
      case 'byte':
        for (const frame of frames) {
          for (let index = 0; index < frame.length; index += 1) {
            this.write(frame.subarray(index, index + 1));
          }
        }
        return;
      case 'coalesce':
        if (this.pending.length === 0) setImmediate(() => this.flush());
        this.pending.push(...frames);
        return;
    }
  }

  /** Bytes exactly as given, for injected faults (control bytes, cut sentences). */
  sendRaw(bytes: Uint8Array): void {
    this.flush();
    if (this.open) this.write(bytes);
  }

  /** Writes anything coalesced so far; called before closing. */
  flush(): void {
    if (this.pending.length === 0) return;
    const bytes = concatBytes(this.pending);
    this.pending = [];
    if (this.open) this.write(bytes);
  }

  private write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }
}
