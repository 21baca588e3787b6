import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseFold, electronNativeBinding, foldFunction, openSqlite } from './sqlite';
import { tempDir } from './test-helpers';

describe('openSqlite', () => {
  it('loads an explicit native binding, as the Electron host does', () => {
    const require = createRequire(import.meta.url);
    const nodeBuild = path.join(
      path.dirname(require.resolve('better-sqlite3/package.json')),
      'build',
      'Release',
      'better_sqlite3.node',
    );
    const db = openSqlite(':memory:', { nativeBinding: nodeBuild });
    expect(db.prepare('SELECT 1 + 1 AS two').get()).toEqual({ two: 2 });
    db.close();
    expect(electronNativeBinding(tempDir())).toBeUndefined();
  });
});

describe('caseFold', () => {
  it('folds case as Unicode does, without its Turkish mappings but for İ, in SQL alike', () => {
    const db = openSqlite(':memory:');
    const fold = (text: string | null): unknown =>
      (db.prepare(`SELECT ${foldFunction}(?) AS f`).get(text) as { f: unknown }).f;
    const same = [
      ['Straße', 'STRASSE', 'strasse', 'STRAẞE'],
      ['Zürich', 'ZÜRICH'],
      ['ΟΔΟΣ', 'οδος', 'οδοσ'],
      ['kırmızı', 'KıRMıZı'],
      ['kirmizi', 'KIRMIZI'],
      // The dotted capital İ is i, as Turkish text expects of ISTANBUL.
      ['İstanbul', 'ISTANBUL', 'istanbul'],
    ];
    for (const texts of same) {
      for (const text of texts) {
        expect(caseFold(text), text).toBe(caseFold(texts[0] ?? ''));
        expect(fold(text), text).toBe(caseFold(text));
      }
    }
    // The dotless ı folds to itself, not to i: kırmızı is not KIRMIZI.
    expect(caseFold('ı')).toBe('ı');
    expect(caseFold('kırmızı')).not.toBe(caseFold('KIRMIZI'));
    expect(caseFold('ışık')).not.toBe(caseFold('IŞIK'));
    expect(fold(null)).toBeNull();
    db.close();
  });
});
