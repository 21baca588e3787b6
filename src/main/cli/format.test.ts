import { describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/profiles';
import { profileView } from '../sources/test-helpers';
import { formatList, formatProbe } from './format';
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
    // `🔥 hot spare` is the widest name (12 columns), `ssh` is padded to its heading's width
    // (KIND, 4), `España` is as wide as its heading (FOLDER, 6); the heading row lines up too.
    expect(starts[0]).toEqual([0, 14, 20, 28]);
    for (const s of starts) expect(s).toEqual(starts[0]);
  });

  it('shows text-direction and zero-width characters of a name as escapes', () => {
    const ssh: Connection = {
      kind: 'ssh',
      host: 'edge.lab',
      port: 22,
      username: 'ops',
      auth: { mode: 'agent' },
      hostKeyPolicy: 'ask',
      jumpHostId: null,
    };
    const text = formatList([profileView('edge\u202e1gpj', ssh), profileView('web\u200b01', ssh)]);
    expect(text).toContain('edge\\u202e1gpj');
    expect(text).toContain('web\\u200b01');
    expect(text).not.toMatch(/[\u202e\u200b]/);
  });
});

describe('a probe', () => {
  it('shows each stage with its time in a column, the message as it reads', () => {
    const text = formatProbe({
      ok: false,
      host: 'fm.lab',
      port: 443,
      address: '10.0.0.5',
      steps: [
        { stage: 'dns', ok: true, ms: 2.4, message: 'fm.lab is 10.0.0.5.' },
        {
          stage: 'tcp',
          ok: false,
          ms: 1503,
          message: 'TCP: connection refused by 10.0.0.5:443 (nothing listens there).',
        },
      ],
      failure: null,
      trust: null,
      certificate: null,
      ssh: null,
    });
    expect(text.split('\n').slice(0, 2)).toEqual([
      'ok   dns      2 ms  fm.lab is 10.0.0.5.',
      'FAIL tcp   1503 ms  TCP: connection refused by 10.0.0.5:443 (nothing listens there).',
    ]);
  });
});
