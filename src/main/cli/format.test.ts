import { describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/profiles';
import { profileView } from '../sources/test-helpers';
import { formatList } from './format';
import { displayWidth } from './format-width';

describe('the profile list', () => {
  it('lines up columns with CJK, emoji and accented names', () => {
    const ssh = (host: string): Connection => ({
      kind: 'ssh',
      host,
      port: 22,
      username: 'ops',
      auth: { mode: 'agent' },
      hostKeyPolicy: 'ask',
      jumpHostId: null,
    });
    const profiles = [
      { ...profileView('東京ラック', ssh('tokyo.lab')), folder: '本番' },
      { ...profileView('🔥 hot spare', ssh('spare.lab')), folder: 'lab' },
      { ...profileView('Ma\u0301laga', ssh('malaga.lab')), folder: 'España' },
    ];
    const lines = formatList(profiles).split('\n');
    const starts = lines.map((line) =>
      [...line.matchAll(/\S+(?: \S+)*/g)].map((m) => displayWidth(line.slice(0, m.index))),
    );
    // `🔥 hot spare` is the widest name (12 columns), `ssh` is padded to the least width (4),
    // `España` is the widest folder (6).
    expect(starts[0]).toEqual([0, 14, 20, 28]);
    for (const s of starts) expect(s).toEqual(starts[0]);
  });
});
