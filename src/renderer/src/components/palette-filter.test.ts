import { describe, expect, it } from 'vitest';
import { paletteScore, paletteValue } from './palette-filter';

describe('the palette order', () => {
  const profile = paletteValue('Connect', 'lab-shell', 'connect:p1');
  const split = paletteValue('Terminals', 'Split terminals side by side', 'terminals:split');
  const splitKeywords = ['ssh', 'terminal', 'split', 'pane'];

  it('puts what the label says before keywords and scattered letters', () => {
    expect(paletteScore(profile, 'lab-sh', ['ssh', '127.0.0.1'])).toBeGreaterThan(
      paletteScore(split, 'lab-sh', splitKeywords),
    );
    expect(paletteScore(profile, 'LAB', [])).toBe(1);
    expect(paletteScore(profile, 'shell', [])).toBe(0.95);
    expect(paletteScore(profile, 'hell', [])).toBe(0.9);
    // A profile found by its host, which only its keywords hold.
    expect(paletteScore(profile, '127.0.0', ['ssh', '127.0.0.1'])).toBe(0.8);
    expect(paletteScore(split, 'pane', splitKeywords)).toBe(0.8);
  });

  it('puts a match at the start of a word before one inside a word', () => {
    const bastion = paletteValue('Connect', 'Lab SSH bastion-vie', 'connect:p2');
    const overview = paletteValue('Fleet', 'Fleet overview', 'inventory:overview');
    expect(paletteScore(bastion, 'vie', [])).toBeGreaterThan(paletteScore(overview, 'vie', []));
    expect(paletteScore(overview, 'over', [])).toBeGreaterThan(paletteScore(bastion, 'ion', []));
  });

  it('keeps fuzzy matches, below the rest, and drops what does not match at all', () => {
    const fuzzy = paletteScore(split, 'spl trm', splitKeywords);
    expect(fuzzy).toBeGreaterThan(0);
    expect(fuzzy).toBeLessThan(0.8);
    expect(paletteScore(split, 'zzqx', splitKeywords)).toBe(0);
    expect(paletteScore(split, '  ', splitKeywords)).toBe(1);
  });
});
