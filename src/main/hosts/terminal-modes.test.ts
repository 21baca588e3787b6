import { describe, expect, it } from 'vitest';
import { TerminalModes } from './terminal-modes';

const fed = (...chunks: string[]): TerminalModes => {
  const modes = new TerminalModes();
  for (const chunk of chunks) modes.feed(Buffer.from(chunk, 'latin1'));
  return modes;
};

describe('the terminal modes a session’s output has set', () => {
  it('sets again the alternate screen and cursor keys of a program still running', () => {
    expect(fed('\x1b[?1h\x1b[?1049h\x1b=', 'screen of vim').restore()).toBe(
      '\x1b[?1049h\x1b[?1h\x1b=',
    );
    // The program quit: nothing to set again.
    expect(fed('\x1b[?1049h\x1b[?1h\x1b=', 'vim', '\x1b[?1l\x1b[?1049l\x1b>').restore()).toBe('');
  });

  it('reads a sequence cut by the end of a chunk, and several modes in one sequence', () => {
    expect(fed('top\x1b[?10', '49h', 'rows').restore()).toBe('\x1b[?1049h');
    expect(fed('x\x1b', '[?1000;1006h').restore()).toBe('\x1b[?1000h\x1b[?1006h');
    expect(fed('\x1b[?2004h$ ', 'ls\r\n\x1b[?2004l', 'a b\r\n\x1b[?2004h$ ').restore()).toBe(
      '\x1b[?2004h',
    );
    expect(fed('\x1b[?25l', 'progress').restore()).toBe('\x1b[?25l');
    expect(fed('keypad\x1b', '=').restore()).toBe('\x1b=');
  });

  it('leaves alone colours, scroll regions, modes it does not follow and broken sequences', () => {
    expect(fed('\x1b[31mred\x1b[0m\x1b[1;23r\x1b[?12h\x1b[?x1049h\x1b[>0c').restore()).toBe('');
  });

  it('copies: feeding the copy leaves the original as it was', () => {
    const original = fed('\x1b[?1049h');
    const copy = original.clone();
    copy.feed(Buffer.from('\x1b[?1049l'));
    expect(original.restore()).toBe('\x1b[?1049h');
    expect(copy.restore()).toBe('');
  });
});
