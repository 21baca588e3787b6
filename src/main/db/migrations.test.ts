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

function addProfile(db: Sqlite, id: string): void {
  db.prepare(
    `INSERT INTO profiles (id, name, name_key, kind, connection, created_at, updated_at)
     VALUES (?, ?, ?, 'foreman', '{}', 't', 't')`,
  ).run(id, id, id);
}

function addRecord(db: Sqlite, profile: string, externalId: string): void {
  db.prepare(
    `INSERT INTO source_records (profile_id, system, external_id, kind, name, status, raw,
       fetched_at, hash) VALUES (?, 'foreman', ?, 'host', 'web', 'running', '{}', 't', 'h')`,
  ).run(profile, externalId);
}

describe('migration 4: source records and sync runs', () => {
  it('keeps one record per profile and external id, and drops records and runs with the profile', () => {
    const db = dbAt(4);
    addProfile(db, 'p');
    addRecord(db, 'p', '1');
    expect(() => {
      addRecord(db, 'p', '1');
    }).toThrow(/UNIQUE|PRIMARY/);
    db.prepare(
      "INSERT INTO sync_runs (profile_id, system, started_at, status) VALUES ('p', 'foreman', 't', 'running')",
    ).run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO sync_runs (profile_id, system, started_at, status) VALUES ('p', 'foreman', 't', 'maybe')",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.prepare("INSERT INTO sync_schedules VALUES ('p', 60)").run();
    expect(() => db.prepare("INSERT INTO sync_schedules VALUES ('p', 1)").run()).toThrow();
    db.prepare("DELETE FROM profiles WHERE id = 'p'").run();
    for (const table of ['source_records', 'sync_runs', 'sync_schedules']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    }
  });
});

describe('migration 5: assets, links, overrides and search index', () => {
  it('links records to assets, unlinks them when a record goes, and finds assets by words', () => {
    const db = dbAt(5);
    addProfile(db, 'p');
    addRecord(db, 'p', '1');
    db.prepare(
      "INSERT INTO assets (id, kind, name, status, hash) VALUES (7, 'vm', 'web-01', 'running', 'h')",
    ).run();
    db.prepare("INSERT INTO asset_links VALUES (7, 'p', '1', 'mac', 0.95)").run();
    expect(() =>
      db.prepare("INSERT INTO asset_links VALUES (7, 'p', '1', 'x', 2)").run(),
    ).toThrow();
    db.prepare(
      "INSERT INTO asset_fts (rowid, name, fqdn, ips, macs, os, groups, tags) VALUES (7, 'web-01', 'web-01.lab', '10.0.3.5', '', 'Debian 12', '', 'prod')",
    ).run();
    const hit = (q: string) =>
      db.prepare('SELECT rowid AS id FROM asset_fts WHERE asset_fts MATCH ?').all(q);
    expect(hit('"web"*')).toEqual([{ id: 7 }]);
    expect(hit('ips : "10.0.3.5"')).toEqual([{ id: 7 }]);
    expect(hit('ips : "10.0.3.50"')).toEqual([]);
    db.prepare(
      "INSERT INTO link_overrides (kind, a_profile, a_external, b_profile, b_external, created_at) VALUES ('split', 'p', '1', 'q', '2', 't')",
    ).run();
    db.prepare("DELETE FROM source_records WHERE external_id = '1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM asset_links').get()).toEqual({ n: 0 });
    // Manual decisions outlive the records they name: the record may come back next sync.
    expect(db.prepare('SELECT count(*) AS n FROM link_overrides').get()).toEqual({ n: 1 });
  });
});

describe('migration 6: inventory correlation marker', () => {
  it('holds exactly one clean marker row', () => {
    const db = dbAt(6);
    expect(db.prepare('SELECT id, dirty, correlated_at FROM inventory_state').all()).toEqual([
      { id: 1, dirty: 0, correlated_at: null },
    ]);
    expect(() => db.prepare('INSERT INTO inventory_state (id) VALUES (2)').run()).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE inventory_state SET dirty = 2').run()).toThrow(/CHECK/);
  });
});

describe('migration 7: search prefix index and sort indexes', () => {
  it('keeps every indexed asset findable, now also by 1-3 character prefixes, and sorts by index', () => {
    const file = path.join(tempDir(), 'm.db');
    const db = openSqlite(file);
    migrate(db, migrations.slice(0, 6), silentLogger);
    const insertAsset = db.prepare(
      "INSERT INTO assets (id, kind, name, status, os, updates, hash) VALUES (?, 'vm', ?, 'running', ?, ?, 'h')",
    );
    insertAsset.run(7, 'web-01', 'Debian 12', 4);
    insertAsset.run(8, 'db-02', null, null);
    const insertFts = db.prepare(
      'INSERT INTO asset_fts (rowid, name, fqdn, ips, macs, os, groups, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insertFts.run(
      7,
      'web-01',
      'web-01.lab',
      '10.0.3.5',
      'bc:24:11:aa:bb:cc',
      'Debian 12',
      '',
      'prod',
    );
    insertFts.run(8, 'db-02', '', '', '', '', 'Ops | Berlin', '');
    migrate(db, migrations.slice(0, 7), silentLogger);

    const hit = (q: string) =>
      (
        db
          .prepare('SELECT rowid AS id FROM asset_fts WHERE asset_fts MATCH ? ORDER BY rowid')
          .all(q) as {
          id: number;
        }[]
      ).map((row) => row.id);
    expect(hit('"d"*')).toEqual([7, 8]);
    expect(hit('"de"*')).toEqual([7]);
    expect(hit('"ber"*')).toEqual([8]);
    expect(hit('ips : "10.0.3.5"')).toEqual([7]);
    expect(hit('"bc 24 11"*')).toEqual([7]);
    expect(hit('groups : "ops"')).toEqual([8]);
    expect(
      db.prepare("SELECT sql FROM sqlite_master WHERE name = 'asset_fts'").get(),
    ).toMatchObject({ sql: expect.stringContaining("prefix = '1 2 3'") as unknown });
    expect(tables(db)).not.toContain('asset_fts_v5');

    // Unknown values last, read straight from an index.
    const ordered = (sql: string) =>
      (db.prepare(sql).all() as { id: number }[]).map((row) => row.id);
    const ascending =
      'SELECT a.id FROM assets a INDEXED BY assets_updates_asc ORDER BY a.updates IS NULL, a.updates, a.id';
    expect(ordered(ascending)).toEqual([7, 8]);
    expect(
      ordered('SELECT a.id FROM assets a INDEXED BY assets_os ORDER BY a.os DESC, a.id DESC'),
    ).toEqual([7, 8]);
    expect(
      (db.prepare(`EXPLAIN QUERY PLAN ${ascending}`).all() as { detail: string }[]).map(
        (row) => row.detail,
      ),
    ).toEqual(['SCAN a USING COVERING INDEX assets_updates_asc']);
  });
});

describe('migration 8: search prefix index up to 8 characters', () => {
  it('finds assets by prefixes of 4 to 8 characters and keeps every word it had', () => {
    const db = dbAt(7);
    db.prepare(
      "INSERT INTO asset_fts (rowid, name, fqdn, ips, macs, os, groups, tags) VALUES (3, 'kubernetes-07', '', '', '', 'Ubuntu 22.04', '', 'prod')",
    ).run();
    migrate(db, migrations.slice(0, 8), silentLogger);
    const hit = (q: string) =>
      db.prepare('SELECT rowid AS id FROM asset_fts WHERE asset_fts MATCH ?').all(q);
    for (const q of ['"ubun"*', '"ubuntu"*', '"kuber"*', '"kubernet"*', '"kubernetes"*']) {
      expect(hit(q), q).toEqual([{ id: 3 }]);
    }
    expect(hit('"kubernetes 07"')).toEqual([{ id: 3 }]);
    expect(hit('tags : "prod"')).toEqual([{ id: 3 }]);
    expect(hit('"ubuntux"*')).toEqual([]);
    expect(
      db.prepare("SELECT sql FROM sqlite_master WHERE name = 'asset_fts'").get(),
    ).toMatchObject({ sql: expect.stringContaining("prefix = '1 2 3 4 5 6 7 8'") as unknown });
    expect(tables(db)).not.toContain('asset_fts_v7');
  });
});

describe('migration 9: sort and group by source group', () => {
  it('orders assets by their first group from an index, those without a group last', () => {
    const db = dbAt(8);
    const insert = db.prepare(
      "INSERT INTO assets (id, kind, name, status, groups, hash) VALUES (?, 'vm', ?, 'running', ?, 'h')",
    );
    insert.run(1, 'mail', '["Web","Ops"]');
    insert.run(2, 'gw', '[]');
    insert.run(3, 'db', '["Databases"]');
    insert.run(4, 'ci', '["Web"]');
    migrate(db, migrations.slice(0, 9), silentLogger);
    const first = "json_extract(a.groups, '$[0]')";
    const ascending = `SELECT a.id FROM assets a INDEXED BY assets_group_asc ORDER BY ${first} IS NULL, ${first} ASC, a.id ASC`;
    const descending = `SELECT a.id FROM assets a INDEXED BY assets_group ORDER BY ${first} DESC, a.id DESC`;
    const ordered = (sql: string) =>
      (db.prepare(sql).all() as { id: number }[]).map((row) => row.id);
    expect(ordered(ascending)).toEqual([3, 1, 4, 2]);
    expect(ordered(descending)).toEqual([4, 1, 3, 2]);
    for (const sql of [ascending, descending]) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map(
        (row) => row.detail,
      );
      expect(plan.join('\n')).not.toContain('TEMP B-TREE');
    }
  });
});

describe('migration 11: natural name order', () => {
  it('sorts the stored assets by name case-folded, with numbers by value, from an index', () => {
    const db = dbAt(10);
    const insert = db.prepare(
      "INSERT INTO assets (id, kind, name, os, status, hash) VALUES (?, 'vm', ?, ?, 'running', 'h')",
    );
    const os = ['Debian 12', 'Debian 9', null, 'debian 11', 'Debian 12'];
    ['web10', 'Web2', 'web1', 'db-03', 'DB-1'].forEach((name, i) => insert.run(i + 1, name, os[i]));
    const generation = () =>
      (db.prepare('SELECT generation FROM inventory_state').get() as { generation: number })
        .generation;
    const before = generation();
    migrate(db, migrations.slice(0, 11), silentLogger);
    const sql = 'SELECT a.name FROM assets a INDEXED BY assets_name ORDER BY a.name_sort, a.id';
    expect((db.prepare(sql).all() as { name: string }[]).map((row) => row.name)).toEqual([
      'DB-1',
      'db-03',
      'web1',
      'Web2',
      'web10',
    ]);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map(
      (row) => row.detail,
    );
    expect(plan.join('\n')).not.toContain('TEMP B-TREE');
    const byOs = (
      db
        .prepare(
          'SELECT a.id FROM assets a INDEXED BY assets_os_asc ORDER BY a.os_sort IS NULL, a.os_sort, a.id',
        )
        .all() as { id: number }[]
    ).map((row) => row.id);
    expect(byOs).toEqual([2, 4, 1, 5, 3]);
    // The in-memory search index is rebuilt: the order it read is no longer the stored one.
    expect(generation()).toBe(before + 1);
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

describe('migration 12: source URLs without credentials', () => {
  it('takes user names and passwords out of stored source URLs and leaves the rest', () => {
    const db = dbAt(11);
    const insert = db.prepare(
      `INSERT INTO profiles (id, name, name_key, kind, connection, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 't', 't')`,
    );
    const url = (u: string) =>
      JSON.stringify({ kind: 'foreman', url: u, auth: { mode: 'token', username: 'api' } });
    insert.run('a', 'a', 'a', 'foreman', url('https://user:pw@fm.lab:8443/api'));
    insert.run('b', 'b', 'b', 'foreman', url('https://fm.lab/'));
    insert.run(
      'c',
      'c',
      'c',
      'ssh',
      JSON.stringify({ kind: 'ssh', host: 'x', url: 'https://u:p@x/' }),
    );
    const notices: unknown[] = [];
    migrate(db, migrations, silentLogger, (recorded) => notices.push(...recorded));
    // The user is told which profile lost a password, never the password.
    expect(notices).toEqual([
      { id: 'url-passwords-removed', message: expect.stringContaining('URL of "a".') as unknown },
    ]);
    expect(JSON.stringify(notices)).not.toContain('pw');
    const stored = (id: string) =>
      JSON.parse(
        (
          db.prepare('SELECT connection FROM profiles WHERE id = ?').get(id) as {
            connection: string;
          }
        ).connection,
      ) as { url: string; auth?: unknown };
    expect(stored('a')).toEqual({
      kind: 'foreman',
      url: 'https://fm.lab:8443/api',
      auth: { mode: 'token', username: 'api' },
    });
    expect(stored('b').url).toBe('https://fm.lab/');
    // Only source profiles have URLs to clean.
    expect(stored('c').url).toBe('https://u:p@x/');
    expect(JSON.stringify(db.prepare('SELECT * FROM profiles').all())).not.toContain('pw@');
    db.close();
  });
});

describe('migration 14: other names of merged assets', () => {
  it('keeps every asset searchable, adds the column for other names and marks the inventory for correlation', () => {
    const db = dbAt(13);
    db.prepare(
      `INSERT INTO assets (id, kind, name, status, ips, macs, groups, tags, in_proxmox, hash)
       VALUES (7, 'vm', 'web01', 'running', '[]', '[]', '[]', '[]', 1, 'h')`,
    ).run();
    db.prepare(
      `INSERT INTO asset_fts (rowid, name, fqdn, ips, macs, os, groups, tags)
       VALUES (7, 'web01', 'web01.lab', '', '', 'Debian 12', '', 'prod')`,
    ).run();
    migrate(db, migrations, silentLogger);
    const match = (query: string) =>
      db.prepare('SELECT rowid AS id FROM asset_fts WHERE asset_fts MATCH ?').all(query);
    expect(match('web01')).toEqual([{ id: 7 }]);
    expect(match('os:debian tags:prod')).toEqual([{ id: 7 }]);
    expect(match('aka:web01')).toEqual([]);
    expect(db.prepare('SELECT aka FROM assets WHERE id = 7').get()).toEqual({ aka: '[]' });
    expect(db.prepare('SELECT dirty FROM inventory_state').get()).toEqual({ dirty: 1 });
    db.prepare(
      "INSERT INTO asset_fts (rowid, name, aka) VALUES (8, 'web02', 'web02-old web02.corp')",
    ).run();
    expect(match('"web02-old"')).toEqual([{ id: 8 }]);
    db.close();
  });
});

describe('migration 15: machines a hand join was made for', () => {
  it('keeps the joins made before, with no identity to check', () => {
    const db = dbAt(14);
    db.prepare(
      `INSERT INTO link_overrides (kind, a_profile, a_external, b_profile, b_external, created_at)
       VALUES ('join', 'p1', 'pve-ber/qemu/113', 'p2', 'uuid-1', '2026-11-01T00:00:00Z')`,
    ).run();
    migrate(db, migrations, silentLogger);
    expect(db.prepare('SELECT kind, a_identity, b_identity FROM link_overrides').all()).toEqual([
      { kind: 'join', a_identity: null, b_identity: null },
    ]);
    db.close();
  });
});

describe('migration 16: one spelling per operating system', () => {
  it('marks the inventory for correlation, so every asset is merged again', () => {
    const db = dbAt(15);
    // An inventory correlated since the last migration that asked for it.
    db.prepare('UPDATE inventory_state SET dirty = 0').run();
    const { generation } = db.prepare('SELECT generation FROM inventory_state').get() as {
      generation: number;
    };
    migrate(db, migrations.slice(0, 16), silentLogger);
    expect(db.prepare('SELECT dirty, generation FROM inventory_state').get()).toEqual({
      dirty: 1,
      generation: generation + 1,
    });
    db.close();
  });
});

describe('migration 17: host filter of each sync run', () => {
  it("takes the runs before it to have synced with the Foreman profile's filter of now", () => {
    const db = dbAt(16);
    const profile = db.prepare(
      `INSERT INTO profiles (id, name, name_key, kind, connection, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 't', 't')`,
    );
    profile.run(
      'fm',
      'fm',
      'fm',
      'foreman',
      JSON.stringify({ kind: 'foreman', hostFilter: 'hostgroup_title ~ base/web' }),
    );
    profile.run('all', 'all', 'all', 'foreman', JSON.stringify({ kind: 'foreman' }));
    profile.run('pve', 'pve', 'pve', 'proxmox', JSON.stringify({ kind: 'proxmox' }));
    const run = db.prepare(
      `INSERT INTO sync_runs (profile_id, system, started_at, status)
       VALUES (?, ?, '2026-11-01T00:00:00Z', 'ok')`,
    );
    run.run('fm', 'foreman');
    run.run('all', 'foreman');
    run.run('pve', 'proxmox');
    migrate(db, migrations, silentLogger);
    expect(db.prepare('SELECT profile_id, host_filter FROM sync_runs ORDER BY id').all()).toEqual([
      { profile_id: 'fm', host_filter: 'hostgroup_title ~ base/web' },
      { profile_id: 'all', host_filter: null },
      { profile_id: 'pve', host_filter: null },
    ]);
    db.close();
  });
});

describe('migration 18: search phrases within one item of a list', () => {
  it("marks the inventory for correlation, so every asset's search text is written again", () => {
    const db = dbAt(17);
    db.prepare('UPDATE inventory_state SET dirty = 0').run();
    const { generation } = db.prepare('SELECT generation FROM inventory_state').get() as {
      generation: number;
    };
    migrate(db, migrations.slice(0, 18), silentLogger);
    expect(db.prepare('SELECT dirty, generation FROM inventory_state').get()).toEqual({
      dirty: 1,
      generation: generation + 1,
    });
    db.close();
  });
});

describe('migration 19: search words folded as whole values are', () => {
  it("marks the inventory for correlation, so every asset's search text is written again", () => {
    const db = dbAt(18);
    db.prepare('UPDATE inventory_state SET dirty = 0').run();
    const { generation } = db.prepare('SELECT generation FROM inventory_state').get() as {
      generation: number;
    };
    migrate(db, migrations, silentLogger);
    expect(db.prepare('SELECT dirty, generation FROM inventory_state').get()).toEqual({
      dirty: 1,
      generation: generation + 1,
    });
    db.close();
  });
});

describe('migration 20: vault unlock limit', () => {
  it('starts with no wrong passphrases counted and keeps exactly one count', () => {
    const db = dbAt(20);
    expect(db.prepare('SELECT id, failures, not_before FROM vault_unlock_limit').all()).toEqual([
      { id: 1, failures: 0, not_before: 0 },
    ]);
    expect(() =>
      db.prepare('INSERT INTO vault_unlock_limit (id, failures) VALUES (2, 1)').run(),
    ).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE vault_unlock_limit SET failures = -1').run()).toThrow(/CHECK/);
    expect(db.pragma('user_version', { simple: true })).toBe(20);
    db.close();
  });
});
