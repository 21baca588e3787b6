import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { SyncProgressEvent } from '../../shared/inventory';
import { ProgressLine } from './progress-line';

function event(
  profile: string,
  phase: string,
  done: number,
  total: number | null,
  extra: Partial<SyncProgressEvent> = {},
): SyncProgressEvent {
  return {
    runId: 1,
    profileId: profile,
    profileName: `Lab ${profile}`,
    system: 'foreman',
    state: 'running',
    phase,
    done,
    total,
    records: 0,
    error: null,
    ...extra,
  };
}

/** The line as a terminal shows it after each update: the text after the last clear. */
function drawn(): { line: ProgressLine; lines: () => string[] } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    line: new ProgressLine(out, 2, 10),
    lines: () => text.split('\r\u001b[2K').filter((l) => l !== ''),
  };
}

const filled = (line: string): number => /\[(#*)/.exec(line)?.[1]?.length ?? -1;

describe('the sync progress line', () => {
  it('moves in every counted phase and never backwards when the next phase starts', () => {
    const { line, lines } = drawn();
    line.update(event('a', 'hosts', 2, 2));
    line.update(event('a', 'details', 0, 800));
    line.update(event('a', 'details', 400, 800));
    line.update(event('b', 'guests', 1, 2));
    line.update(event('a', 'done', 1, 1, { state: 'ok' }));
    const bars = lines().map(filled);
    expect(bars).toEqual([2, 2, 3, 4, 6]);
    for (let i = 1; i < bars.length; i++) expect(bars[i]).toBeGreaterThanOrEqual(bars[i - 1] ?? 0);
    expect(lines().at(-1)).toBe('[######....] 1/2 Lab b: guests 1/2');
  });

  it('names the phase with its count only when there is one', () => {
    const { line, lines } = drawn();
    line.update(event('a', 'connecting', 0, null));
    line.update(event('a', 'details', 9, 883));
    line.update(event('a', 'saving', 0, null, { records: 883 }));
    expect(lines().map((l) => l.slice(l.indexOf('Lab a')))).toEqual([
      'Lab a: connecting',
      'Lab a: details 9/883',
      'Lab a: saving 883 records',
    ]);
  });

  it('names the profile that moved last, and how many others are running', () => {
    const { line, lines } = drawn();
    line.update(event('a', 'hosts', 1, 4));
    line.update(event('b', 'guests', 3, 9));
    line.update(event('b', 'guests', 4, 9));
    line.update(event('b', 'done', 1, 1, { state: 'ok' }));
    expect(lines().map((l) => l.slice(l.indexOf(']') + 2))).toEqual([
      '0/2 Lab a: hosts 1/4',
      '0/2 Lab b: guests 3/9 (+1 running)',
      '0/2 Lab b: guests 4/9 (+1 running)',
      '1/2 Lab a: hosts 1/4',
    ]);
  });

  it('stays within a narrow terminal’s width, so each redraw replaces the line instead of wrapping', () => {
    const out = Object.assign(new PassThrough(), { columns: 40 });
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const line = new ProgressLine(out, 14);
    line.update(event('a', 'connecting', 0, null, { profileName: 'Lab RouterOS rtr-ams-01' }));
    line.update(event('b', 'details', 9, 883, { profileName: 'Lab Proxmox 🖥 pve-ber' }));
    out.columns = 32;
    line.update(event('b', 'details', 10, 883, { profileName: 'Lab Proxmox 🖥 pve-ber' }));
    const drawnLines = text.split('\r\u001b[2K').filter((l) => l !== '');
    expect(drawnLines).toEqual([
      '[........................] 0/14 Lab Rou',
      '[........................] 0/14 Lab Pro',
      '[........................] 0/14',
    ]);
    line.update(event('b', 'details', 10, 883, { profileName: '🖥🖥🖥🖥🖥🖥🖥🖥' }));
    const last = text.split('\r\u001b[2K').at(-1) ?? '';
    expect(last).toBe('[........................] 0/14');
    out.columns = 38;
    line.update(event('b', 'details', 11, 883, { profileName: '🖥🖥🖥🖥🖥🖥🖥🖥' }));
    // Cut after a whole character: no half of a surrogate pair reaches the terminal.
    expect(text.split('\r\u001b[2K').at(-1)).toBe('[........................] 0/14 🖥🖥🖥🖥🖥');
    // A CJK character takes two columns: the five left after the count hold two of them.
    line.update(event('b', 'details', 12, 883, { profileName: '数据库服务器' }));
    expect(text.split('\r\u001b[2K').at(-1)).toBe('[........................] 0/14 数据');
    // A terminal that reports no width (a pseudo-terminal never sized) gets the whole line.
    out.columns = 0;
    line.update(event('b', 'details', 13, 883, { profileName: 'Lab Proxmox pve-ber' }));
    expect(text.split('\r\u001b[2K').at(-1)).toBe(
      '[........................] 0/14 Lab Proxmox pve-ber: details 13/883 (+1 running)',
    );
  });

  it('fills the bar when every profile has ended, failed ones included', () => {
    const { line, lines } = drawn();
    line.update(event('a', 'done', 1, 1, { state: 'ok' }));
    line.update(event('b', 'failed', 0, null, { state: 'failed', error: 'refused' }));
    expect(lines().at(-1)).toBe('[##########] 2/2');
  });
});
