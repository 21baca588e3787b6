import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir';

describe('resolveDataDir', () => {
  const base = { env: {}, platform: 'linux' as const, home: '/home/ops' };

  it('takes --data-dir, else RACKSIDE_DATA_DIR, else the per-user folder', () => {
    expect(resolveDataDir({ ...base, flag: 'rel/data' })).toBe(path.resolve('rel/data'));
    expect(resolveDataDir({ ...base, env: { RACKSIDE_DATA_DIR: '/srv/rs' } })).toBe('/srv/rs');
    expect(resolveDataDir(base)).toBe('/home/ops/.config/Rackside');
  });

  it('refuses an empty --data-dir rather than opening the real store', () => {
    for (const flag of ['', '  ']) {
      expect(() => resolveDataDir({ ...base, flag })).toThrow(
        '--data-dir is empty: give the folder to use.',
      );
    }
  });
});
