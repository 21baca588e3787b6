import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { noteIfCorruption, openDatabase, storageProblem } from './open-database';
import { migrations } from './migrations';
import { tempDir } from './test-helpers';

const clock = () => new Date('2026-11-22T10:00:00.000Z');

const raceChild = path.join(import.meta.dirname, 'open-race-child.ts');

/**
 * Opens `file` from `count` processes at the same moment: each loads first and says ready, then
 * all are told to open at once. Resolves with what each said on failure ('' for success).
 */
async function openAtOnce(file: string, count: number): Promise<string[]> {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', raceChild, file], {
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const outcomes = children.map(
    (child) =>
      new Promise<string>((resolve) => {
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('close', (code) => {
          resolve(code === 0 ? '' : stderr.trim() || `exit ${String(code)}`);
        });
      }),
  );
  await Promise.all(
    children.map((child) => new Promise((resolve) => child.stdout.once('data', resolve))),
  );
  for (const child of children) child.stdin.end('open\n');
  return Promise.all(outcomes);
}

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

  it('opens from several processes at once, new or at an older schema, each waiting its turn', async () => {
    for (let round = 0; round < 6; round += 1) {
      const file = path.join(tempDir(), 'rackside.db');
      // Even rounds: no database yet. Odd rounds: one written by an older Rackside.
      if (round % 2 === 1) {
        openDatabase({ file, logger: silentLogger, migrations: migrations.slice(0, 10) }).close();
      }
      expect(await openAtOnce(file, 3)).toEqual(['', '', '']);
      const opened = openDatabase({ file, logger: silentLogger });
      expect(opened.db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(opened.db.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual(
        migrations.map((migration) => migration.version),
      );
      opened.close();
    }
  }, 120_000);

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
  describe('clean close', () => {
    function fillProfiles(db: ReturnType<typeof openDatabase>['db'], count: number): void {
      const insert = db.prepare(
        `INSERT INTO profiles (id, name, name_key, kind, connection, created_at, updated_at)
         VALUES (?, ?, ?, 'ssh', ?, 't', 't')`,
      );
      db.transaction(() => {
        for (let i = 0; i < count; i += 1) insert.run(`id${i}`, `n${i}`, `n${i}`, 'x'.repeat(200));
      })();
    }

    it('lets the next open skip the full check, and only while the file is unchanged', () => {
      const file = path.join(tempDir(), 'rackside.db');
      const first = openDatabase({ file, logger: silentLogger, clock });
      expect(first.check).toBe('new');
      fillProfiles(first.db, 50);
      first.close();
      expect(fs.existsSync(`${file}-closed`)).toBe(true);

      const second = openDatabase({ file, logger: silentLogger, clock });
      expect(second.check).toBe('clean-close');
      // While a connection is open there is no record: a crash now must not be trusted.
      expect(fs.existsSync(`${file}-closed`)).toBe(false);
      expect(second.db.prepare('SELECT count(*) AS n FROM profiles').get()).toEqual({ n: 50 });
      second.db.close(); // ends without close(): what a crash leaves

      const third = openDatabase({ file, logger: silentLogger, clock });
      expect(third.check).toBe('full');
      third.close();
    });

    it('checks in full, and finds the damage, when the file was written after the clean close', () => {
      const file = path.join(tempDir(), 'rackside.db');
      const first = openDatabase({ file, logger: silentLogger, clock });
      fillProfiles(first.db, 400);
      first.close();
      const bytes = fs.readFileSync(file);
      const pageSize = bytes.readUInt16BE(16);
      for (let offset = pageSize * 2; offset < bytes.length - pageSize; offset += 1) {
        bytes[offset] = (offset * 13) & 0xff;
      }
      fs.writeFileSync(file, bytes);

      const { db, recovered, check } = openDatabase({ file, logger: silentLogger, clock });
      expect(check).toBe('full');
      expect(recovered?.reason).toMatch(/integrity check failed/);
      expect(db.prepare('SELECT count(*) AS n FROM profiles').get()).toEqual({ n: 0 });
      db.close();
    });

    /** Garbage over pages `from`..`to` (0-based), with the record brought up to date after. */
    function damageUnseen(file: string, pages: (count: number) => [number, number]): void {
      const bytes = fs.readFileSync(file);
      const pageSize = bytes.readUInt16BE(16);
      const [from, to] = pages(bytes.length / pageSize);
      for (let offset = pageSize * from; offset < pageSize * to; offset += 1) {
        bytes[offset] = (offset * 13) & 0xff;
      }
      fs.writeFileSync(file, bytes);
      // Damage the record cannot see (a failing disk, a copy that kept the times).
      const stat = fs.statSync(file, { bigint: true });
      const record = JSON.parse(fs.readFileSync(`${file}-closed`, 'utf8')) as object;
      fs.writeFileSync(
        `${file}-closed`,
        JSON.stringify({
          ...record,
          size: String(stat.size),
          ino: String(stat.ino),
          mtimeNs: String(stat.mtimeNs),
        }),
      );
    }

    it('checks in full after a query met damage the record could not see', () => {
      const file = path.join(tempDir(), 'rackside.db');
      const first = openDatabase({ file, logger: silentLogger, clock });
      fillProfiles(first.db, 400);
      first.close();
      // The profiles' rows are the last pages written.
      damageUnseen(file, (count) => [count - 12, count - 1]);

      const second = openDatabase({ file, logger: silentLogger, clock });
      expect(second.check).toBe('clean-close');
      let failure: unknown;
      try {
        second.db.prepare('SELECT count(*), max(connection) FROM profiles').get();
      } catch (error) {
        failure = error;
      }
      expect(noteIfCorruption(failure)).toBe(true);
      second.close();
      expect(fs.existsSync(`${file}-closed`)).toBe(false);

      const third = openDatabase({ file, logger: silentLogger, clock });
      expect(third.check).toBe('full');
      expect(third.recovered?.reason).toMatch(/integrity check failed/);
      third.close();
      // Other errors say nothing about the file.
      expect(noteIfCorruption(new Error('no such table: x'))).toBe(false);
    });

    it('opens again with the full check when opening meets damage the record could not see', () => {
      const file = path.join(tempDir(), 'rackside.db');
      const first = openDatabase({ file, logger: silentLogger, clock });
      fillProfiles(first.db, 400);
      first.close();
      damageUnseen(file, (count) => [2, count - 1]);

      const { db, recovered, check } = openDatabase({ file, logger: silentLogger, clock });
      expect(check).toBe('full');
      expect(recovered?.reason).toMatch(/integrity check failed/);
      expect(db.prepare('SELECT count(*) AS n FROM profiles').get()).toEqual({ n: 0 });
      db.close();
    });

    it('checks in full while another connection has unsaved pages in the WAL', () => {
      const file = path.join(tempDir(), 'rackside.db');
      openDatabase({ file, logger: silentLogger, clock }).close();
      const app = openDatabase({ file, logger: silentLogger, clock });
      const cli = openDatabase({ file, logger: silentLogger, clock });
      expect(cli.check).toBe('full'); // the app's open took the record away
      cli.close(); // the CLI ends first and records its close
      expect(fs.existsSync(`${file}-closed`)).toBe(true);
      fillProfiles(app.db, 10); // the app goes on writing and then dies
      const next = openDatabase({ file, logger: silentLogger, clock });
      expect(next.check).toBe('full');
      expect(next.db.prepare('SELECT count(*) AS n FROM profiles').get()).toEqual({ n: 10 });
      next.close();
      app.db.close();
    });

    it('checks in full at least once a week, and when the record is unreadable', () => {
      const file = path.join(tempDir(), 'rackside.db');
      openDatabase({ file, logger: silentLogger, clock }).close();
      const later = () => new Date(clock().getTime() + 6 * 24 * 3600 * 1000);
      const sixDays = openDatabase({ file, logger: silentLogger, clock: later });
      expect(sixDays.check).toBe('clean-close');
      sixDays.close();
      // The record keeps the date of the last full check, not of the last close.
      const eightDays = () => new Date(clock().getTime() + 8 * 24 * 3600 * 1000);
      const weekOld = openDatabase({ file, logger: silentLogger, clock: eightDays });
      expect(weekOld.check).toBe('full');
      weekOld.close();

      fs.writeFileSync(`${file}-closed`, '{"size": "12", "ino": ');
      const unreadable = openDatabase({ file, logger: silentLogger, clock: eightDays });
      expect(unreadable.check).toBe('full');
      expect(unreadable.recovered).toBeNull();
      unreadable.close();
    });
  });
});

describe('a database path that is a folder', () => {
  it('is refused with a message that says so, and left as it is', () => {
    const dir = tempDir();
    const file = path.join(dir, 'rackside.db');
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'keep.txt'), 'keep');
    expect(() => openDatabase({ file, logger: silentLogger })).toThrow(
      `Cannot open the database ${file}: it is a folder, not a file. Move it out of the way.`,
    );
    expect(fs.readFileSync(path.join(file, 'keep.txt'), 'utf8')).toBe('keep');
  });
});

describe('errors about the disk', () => {
  it('are said in words that name the disk, not as a bare SQLite error', () => {
    expect(
      storageProblem(new Database.SqliteError('database or disk is full', 'SQLITE_FULL')),
    ).toBe(
      'The disk that holds the data folder is full (SQLite: database or disk is full). Free some space and try again; nothing stored was lost.',
    );
    expect(
      storageProblem(new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE')),
    ).toMatch(
      /^The data folder could not be read or written \(SQLite: disk I\/O error\): its disk may be full or failing\./,
    );
    expect(
      storageProblem(
        new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY'),
      ),
    ).toMatch(/^The data folder cannot be written to/);
    expect(storageProblem(new Database.SqliteError('no such table: x', 'SQLITE_ERROR'))).toBeNull();
    expect(storageProblem(new Error('other'))).toBeNull();
  });
});
