import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { openDatabase } from './open-database';
import { migrations } from './migrations';
import { tempDir } from './test-helpers';

const clock = () => new Date('2026-11-22T10:00:00.000Z');

describe('openDatabase', () => {
  it('creates a WAL database with full sync and the current schema', () => {
    const file = path.join(tempDir(), 'sub', 'rackside.db');
    const { db, recovered } = openDatabase({ file, logger: silentLogger });
    expect(recovered).toBeNull();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });

  it('moves a file that is not a database aside and starts fresh, keeping the bytes', () => {
    const dir = tempDir();
    const file = path.join(dir, 'rackside.db');
    fs.writeFileSync(file, 'this is not sqlite at all, just some text that is long enough');
    const { db, recovered } = openDatabase({ file, logger: silentLogger, clock });
    expect(recovered?.movedTo).toBe(`${file}.corrupt-2026-11-22T10-00-00.000Z`);
    expect(recovered?.message).toMatch(/is damaged \(not an SQLite file\).*moved to/);
    expect(fs.readFileSync(recovered!.movedTo, 'utf8')).toMatch(/^this is not sqlite/);
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('detects damaged pages behind a valid header', () => {
    const dir = tempDir();
    const file = path.join(dir, 'rackside.db');
    const first = openDatabase({ file, logger: silentLogger });
    const insert = first.db.prepare(
      `INSERT INTO profiles (id, name, name_key, kind, connection, created_at, updated_at)
       VALUES (?, ?, ?, 'ssh', ?, 't', 't')`,
    );
    first.db.transaction(() => {
      for (let i = 0; i < 400; i += 1) insert.run(`id${i}`, `n${i}`, `n${i}`, 'x'.repeat(200));
    })();
    first.db.pragma('wal_checkpoint(TRUNCATE)');
    first.db.close();
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // Overwrite the pages after the schema page with garbage, header untouched.
    for (let offset = pageSize * 2; offset < bytes.length - pageSize; offset += 1) {
      bytes[offset] = (offset * 7) & 0xff;
    }
    fs.writeFileSync(file, bytes);
    const { db, recovered } = openDatabase({ file, logger: silentLogger, clock });
    expect(recovered?.reason).toMatch(/integrity check failed/);
    expect(fs.existsSync(recovered!.movedTo)).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM profiles').get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database from a newer Rackside and leaves it untouched', () => {
    const file = path.join(tempDir(), 'rackside.db');
    openDatabase({ file, logger: silentLogger }).db.close();
    expect(() =>
      openDatabase({ file, logger: silentLogger, migrations: migrations.slice(0, 1) }),
    ).toThrow(/newer version of Rackside/);
    const { db } = openDatabase({ file, logger: silentLogger });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });
});
