import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { migrate } from './migrate';
import { migrations } from './migrations';
import { openSqlite, type Sqlite } from './sqlite';
import { tempDir } from './test-helpers';

function dbAt(version: number): Sqlite {
  const db = openSqlite(path.join(tempDir(), 'm.db'));
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, version), silentLogger);
  return db;
}

function tables(db: Sqlite): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((row) => row.name);
}

describe('migration 1: profiles and secrets', () => {
  it('enforces unique names and removes secrets with their profile', () => {
    const db = dbAt(1);
    const insert = db.prepare(
      `INSERT INTO profiles (id, name, name_key, kind, connection, created_at, updated_at)
       VALUES (?, ?, ?, 'ssh', '{}', 't', 't')`,
    );
    insert.run('a', 'Web', 'web');
    expect(() => insert.run('b', 'WEB', 'web')).toThrow(/UNIQUE/);
    db.prepare("INSERT INTO secrets VALUES ('a', 'password', x'00', 't')").run();
    db.prepare("DELETE FROM profiles WHERE id = 'a'").run();
    expect(db.prepare('SELECT count(*) AS n FROM secrets').get()).toEqual({ n: 0 });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
  });
});

describe('migration 2: audit log', () => {
  it('adds an append-only style audit table keyed by time', () => {
    const db = dbAt(2);
    expect(tables(db)).toContain('audit_log');
    db.prepare(
      "INSERT INTO audit_log (at, actor, action, result) VALUES ('2026-01-01', 'cli', 'profiles:remove', 'ok')",
    ).run();
    expect(db.prepare('SELECT action, target, detail FROM audit_log').get()).toEqual({
      action: 'profiles:remove',
      target: '',
      detail: '{}',
    });
  });
});

describe('migration 3: known hosts', () => {
  it('stores one key per host, port and key type', () => {
    const db = dbAt(3);
    const insert = db.prepare(
      "INSERT INTO known_hosts VALUES ('h', 22, 'ssh-ed25519', 'AAAA', 'SHA256:x', 't')",
    );
    insert.run();
    expect(() => insert.run()).toThrow(/UNIQUE|PRIMARY/);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
  });
});

describe('migration runner', () => {
  it('fails loudly when an applied migration was edited', () => {
    const file = path.join(tempDir(), 'm.db');
    const db = openSqlite(file);
    migrate(db, migrations, silentLogger);
    const edited = migrations.map((m) => (m.version === 2 ? { ...m, sql: `${m.sql} ` } : m));
    expect(() => {
      migrate(db, edited, silentLogger);
    }).toThrow(/Migration 2 \("audit log"\) differs/);
  });

  it('applies nothing twice and refuses a newer database', () => {
    const db = dbAt(migrations.length);
    migrate(db, migrations, silentLogger);
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({
      n: migrations.length,
    });
    expect(() => {
      migrate(db, migrations.slice(0, 1), silentLogger);
    }).toThrow(/newer version of Rackside/);
  });
});
