import { describe, expect, it } from 'vitest';
import { createOutputPacer } from './output-pacer';

/** A pacer on a hand-driven clock; xterm.js is a list of writes whose callbacks run on demand. */
function setup(interval = 30) {
  let clock = 0;
  const timers: { at: number; run: () => void }[] = [];
  const writes: { text: string; done: () => void }[] = [];
  const reported: number[] = [];
  const decoder = new TextDecoder();
  const pacer = createOutputPacer(
    (bytes, done) => writes.push({ text: decoder.decode(bytes), done }),
    (count) => reported.push(count),
    {
      interval,
      now: () => clock,
      setTimer: (run, ms) => {
        const timer = { at: clock + ms, run };
        timers.push(timer);
        return timer;
      },
      clearTimer: (timer) => {
        timers.splice(timers.indexOf(timer as (typeof timers)[number]), 1);
      },
    },
  );
  const advance = (ms: number): void => {
    clock += ms;
    for (const timer of timers.filter((t) => t.at <= clock)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.run();
    }
  };
  const text = (value: string): Uint8Array => new TextEncoder().encode(value);
  return { pacer, writes, reported, advance, text, timers };
}

describe('pacing terminal output', () => {
  it('writes output after a quiet moment at once, so a typed key echoes without delay', () => {
    const { pacer, writes, advance, text } = setup();
    pacer.push(text('a'));
    expect(writes.map((w) => w.text)).toEqual(['a']);
    advance(100);
    pacer.push(text('b'));
    expect(writes.map((w) => w.text)).toEqual(['a', 'b']);
  });

  it('joins a flood into one write per interval, in arrival order', () => {
    const { pacer, writes, advance, text } = setup(30);
    pacer.push(text('1'));
    advance(5);
    pacer.push(text('2'));
    pacer.push(text('3'));
    advance(10);
    pacer.push(text('4'));
    expect(writes.map((w) => w.text)).toEqual(['1']);
    expect(pacer.queued()).toBe(3);
    advance(15);
    expect(writes.map((w) => w.text)).toEqual(['1', '234']);
    pacer.push(text('5'));
    advance(29);
    expect(writes).toHaveLength(2);
    advance(1);
    expect(writes.map((w) => w.text)).toEqual(['1', '234', '5']);
  });

  it('reports bytes only once xterm.js has written them, each byte once', () => {
    const { pacer, writes, reported, advance, text } = setup();
    pacer.push(text('hello'));
    advance(1);
    pacer.push(text('wide'));
    pacer.push(text(' world'));
    expect(reported).toEqual([]);
    writes[0]?.done();
    expect(reported).toEqual([5]);
    advance(40);
    writes[1]?.done();
    expect(reported).toEqual([5, 10]);
    expect(reported.reduce((a, b) => a + b, 0)).toBe('hellowide world'.length);
  });

  it('writes what is queued when the stream is replaced, and nothing after disposal', () => {
    const { pacer, writes, reported, advance, text, timers } = setup();
    pacer.push(text('x'));
    pacer.push(text('last words'));
    pacer.drain();
    expect(writes.map((w) => w.text)).toEqual(['x', 'last words']);
    expect(timers).toHaveLength(0);

    pacer.push(text('y'));
    pacer.dispose();
    advance(100);
    pacer.push(text('z'));
    expect(writes.map((w) => w.text)).toEqual(['x', 'last words']);
    writes[1]?.done();
    expect(reported).toEqual([]);
    expect(pacer.queued()).toBe(0);
  });
});
