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

  it('leaves alone modes it does not follow, sequences that only look alike and broken ones', () => {
    expect(fed('\x1b[?12h\x1b[?x1049h\x1b[>0c\x1b[>4;1m\x1b[?1;2r\x1b[31;x').restore()).toBe('');
  });

  it('sets again the colours and attributes in effect where the output was cut', () => {
    expect(fed('\x1b[1;31mred and bold', '\r\nstill').restore()).toBe('\x1b[1;31m');
    expect(fed('\x1b[1;31mred\x1b[0m plain').restore()).toBe('');
    expect(fed('\x1b[1;31mred\x1b[m plain').restore()).toBe('');
    expect(fed('\x1b[1;2;3;4;7m', '\x1b[22;24m').restore()).toBe('\x1b[3;7m');
    // 256 colours and true colour, with `;` or `:`; a curly underline; a cut in the middle.
    expect(fed('\x1b[38;5;208m', '\x1b[48;2;10;20;30m').restore()).toBe(
      '\x1b[38;5;208;48;2;10;20;30m',
    );
    expect(fed('x\x1b[38:2::1:2:3;4:3', 'm').restore()).toBe('\x1b[38:2::1:2:3;4:3m');
    expect(fed('\x1b[4:3m\x1b[4:0m').restore()).toBe('');
    expect(fed('\x1b[32m\x1b[39m\x1b[44m').restore()).toBe('\x1b[44m');
    // A colour missing its values ends the sequence, keeping what came before it.
    expect(fed('\x1b[1;38;5m').restore()).toBe('\x1b[1m');
  });

  it('sets again a scroll region, after the screen it belongs to', () => {
    expect(fed('\x1b[?1049h\x1b[2;23r', 'rows').restore()).toBe('\x1b[?1049h\x1b[2;23r');
    expect(fed('\x1b[2;23r', '\x1b[r').restore()).toBe('');
  });

  it('forgets what a full or a soft reset sets back', () => {
    expect(fed('\x1b[?1049h\x1b[?2004h\x1b[31m\x1b[2;9r\x1b=', '\x1bc').restore()).toBe('');
    // A soft reset keeps the screen and paste mode but not colours, region, cursor and keypad keys.
    expect(
      fed('\x1b[?1049h\x1b[?2004h\x1b[?1h\x1b[?25l\x1b[31m\x1b[2;9r\x1b=', '\x1b[!p').restore(),
    ).toBe('\x1b[?1049h\x1b[?2004h');
  });

  it('copies: feeding the copy leaves the original as it was', () => {
    const original = fed('\x1b[?1049h');
    const copy = original.clone();
    copy.feed(Buffer.from('\x1b[?1049l'));
    expect(original.restore()).toBe('\x1b[?1049h');
    expect(copy.restore()).toBe('');
  });
});
