/**
 * Schema migrations, as data. Each is applied once, in its own transaction, and its SHA-256 is
 * recorded; editing an applied migration makes the next open fail loudly. Never edit or reorder
 * an entry once it has shipped — add a new one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'profiles and secrets',
    sql: `
      CREATE TABLE profiles (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        name_key    TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL,
        folder      TEXT NOT NULL DEFAULT '',
        tags        TEXT NOT NULL DEFAULT '[]',
        notes       TEXT NOT NULL DEFAULT '',
        connection  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX profiles_kind ON profiles (kind);
      CREATE TABLE secrets (
        profile_id  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        field       TEXT NOT NULL,
        ciphertext  BLOB NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (profile_id, field)
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'audit log',
    sql: `
      CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        profile_id  TEXT,
        target      TEXT NOT NULL DEFAULT '',
        result      TEXT NOT NULL,
        detail      TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX audit_log_at ON audit_log (at);
    `,
  },
  {
    version: 3,
    name: 'known hosts',
    sql: `
      CREATE TABLE known_hosts (
        host        TEXT NOT NULL,
        port        INTEGER NOT NULL,
        key_type    TEXT NOT NULL,
        key_base64  TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        added_at    TEXT NOT NULL,
        PRIMARY KEY (host, port, key_type)
      ) STRICT;
    `,
  },
];
