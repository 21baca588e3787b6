import { describe, expect, it } from 'vitest';
import { createOutputCoalescer } from './output-coalescer';

/** A terminal whose writes finish only when the test says so, like xterm.js parsing later. */
function slowTerminal() {
  const writes: string[] = [];
  const pending: (() => void)[] = [];
  const acknowledged: number[] = [];
  const coalescer = createOutputCoalescer(
    (bytes, done) => {
      writes.push(new TextDecoder().decode(bytes));
      pending.push(done);
    },
    (count) => acknowledged.push(count),
  );
  const finishOne = (): void => {
    pending.shift()?.();
  };
  return { coalescer, writes, acknowledged, finishOne, inFlight: () => pending.length };
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('terminal output on its way into xterm.js', () => {
  it('writes an idle terminal’s output at once, so an echo is not held back', () => {
    const { coalescer, writes } = slowTerminal();
    coalescer.push(text('l'));
    expect(writes).toEqual(['l']);
  });

  it('joins what arrives during a write into one later write, in order', () => {
    const { coalescer, writes, acknowledged, finishOne, inFlight } = slowTerminal();
    coalescer.push(text('first '));
    for (const part of ['second ', 'third ', 'fourth']) coalescer.push(text(part));
    expect(writes).toEqual(['first ']);
    expect(inFlight()).toBe(1);
    expect(coalescer.queued()).toBe('second third fourth'.length);

    finishOne();
    expect(writes).toEqual(['first ', 'second third fourth']);
    expect(inFlight()).toBe(1);
    finishOne();
    expect(acknowledged).toEqual(['first '.length, 'second third fourth'.length]);
    expect(coalescer.queued()).toBe(0);

    coalescer.push(text('fifth'));
    expect(writes.at(-1)).toBe('fifth');
  });

  it('hands every byte over exactly once through a long flood', () => {
    const { coalescer, writes, acknowledged, finishOne, inFlight } = slowTerminal();
    let sent = '';
    for (let i = 0; i < 500; i += 1) {
      const part = `line ${String(i)}\r\n`;
      sent += part;
      coalescer.push(text(part));
      if (i % 7 === 0) finishOne();
    }
    while (inFlight() > 0) finishOne();
    expect(writes.join('')).toBe(sent);
    expect(writes.length).toBeLessThan(100);
    expect(acknowledged.reduce((a, b) => a + b, 0)).toBe(text(sent).byteLength);
  });

  it('writes and acknowledges nothing more once the terminal is gone', () => {
    const { coalescer, writes, acknowledged, finishOne } = slowTerminal();
    coalescer.push(text('a'));
    coalescer.push(text('b'));
    coalescer.dispose();
    finishOne();
    coalescer.push(text('c'));
    expect(writes).toEqual(['a']);
    expect(acknowledged).toEqual([]);
  });
});
