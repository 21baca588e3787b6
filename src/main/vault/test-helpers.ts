import type { SecretBox } from './secret-box';
import type { Timers } from './vault';

/** Timers a test fires by hand: `advance(ms)` runs whatever became due. */
export function manualTimers(): Timers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let next = 1;
  const due = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout: (callback, ms) => {
      const id = next++;
      due.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout: (handle) => {
      due.delete(handle as number);
    },
    advance: (ms) => {
      now += ms;
      for (const [id, entry] of [...due]) {
        if (entry.at <= now) {
          due.delete(id);
          entry.callback();
        }
      }
    },
    pending: () => due.size,
  };
}

/** A keychain stand-in: XOR "encryption" tagged with its backend name. */
export function fakeSecretBox(
  backend: string,
  available = true,
): SecretBox & { backendName: string } {
  const box = {
    backendName: backend,
    isAvailable: () => available,
    backend: () => box.backendName,
    encrypt: (plain: Buffer) => Buffer.concat([Buffer.from('box:'), plain.map((b) => b ^ 0x5a)]),
    decrypt: (blob: Buffer) => {
      if (!blob.subarray(0, 4).equals(Buffer.from('box:'))) throw new Error('not ours');
      return Buffer.from(blob.subarray(4).map((b) => b ^ 0x5a));
    },
  };
  return box;
}
