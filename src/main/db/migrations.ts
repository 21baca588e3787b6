import type { Sqlite } from './sqlite';

/**
 * Schema migrations, as data. Each is applied once, in its own transaction, and its SHA-256 is
 * recorded; editing an applied migration makes the next open fail loudly. Never edit or reorder
 * an entry once it has shipped — add a new one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * What the user must be told about what the SQL is about to change, read just before it runs
   * (null: nothing to say here). Every start shows it until dismissed. Not part of the hash: it
   * only reads.
   */
  readonly notice?: (db: Sqlite) => UpgradeNotice | null;
}

/** A notice from an upgrade of the database: `id` names the notice the app shows. */
export interface UpgradeNotice {
  readonly id: string;
  readonly message: string;
}

/** Profiles named at most in one notice; the rest are counted. */
const namedAtMost = 20;

/**
 * Migration 12 takes passwords out of source URLs, and the user has to enter them again where
 * Rackside keeps them (the profile's secret, in the vault): which profiles lose one. Names only:
 * the password is never written anywhere else.
 */
function urlPasswordsNotice(db: Sqlite): UpgradeNotice | null {
  const rows = db
    .prepare(
      `SELECT name, json_extract(connection, '$.url') AS url FROM profiles
       WHERE kind IN ('foreman', 'proxmox', 'patchmon') ORDER BY name_key`,
    )
    .all() as { name: string; url: unknown }[];
  const names = rows.filter((row) => hasPassword(row.url)).map((row) => `"${row.name}"`);
  if (names.length === 0) return null;
  const named =
    names.length > namedAtMost
      ? [...names.slice(0, namedAtMost), `${String(names.length - namedAtMost)} more`]
      : names;
  const list =
    named.length === 1 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
  return {
    id: 'url-passwords-removed',
    message:
      'Rackside no longer keeps passwords in source URLs, where they were stored unencrypted: ' +
      `the update took the password out of the URL of ${list}. To connect with them again, ` +
      "open each profile and enter its password in the profile's secret, which the vault keeps " +
      'encrypted.',
  };
}

/** A URL with a password in it, read as `rackside_url_without_credentials` reads it. */
function hasPassword(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
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
  {
    version: 4,
    name: 'source records and sync runs',
    sql: `
      CREATE TABLE source_records (
        profile_id    TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        system        TEXT NOT NULL,
        external_id   TEXT NOT NULL,
        kind          TEXT NOT NULL,
        name          TEXT NOT NULL,
        fqdn          TEXT,
        status        TEXT NOT NULL,
        os            TEXT,
        ips           TEXT NOT NULL DEFAULT '[]',
        macs          TEXT NOT NULL DEFAULT '[]',
        machine_id    TEXT,
        smbios_uuid   TEXT,
        serial        TEXT,
        cluster       TEXT,
        site          TEXT,
        grp           TEXT,
        organization  TEXT,
        location      TEXT,
        tags          TEXT NOT NULL DEFAULT '[]',
        patch         TEXT,
        last_seen_at  TEXT,
        change_stamp  TEXT,
        raw           TEXT NOT NULL,
        fetched_at    TEXT NOT NULL,
        hash          TEXT NOT NULL,
        PRIMARY KEY (profile_id, external_id)
      ) STRICT;
      CREATE TABLE sync_runs (
        id            INTEGER PRIMARY KEY,
        profile_id    TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        system        TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        status        TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'cancelled', 'interrupted')),
        fetched       INTEGER NOT NULL DEFAULT 0,
        added         INTEGER NOT NULL DEFAULT 0,
        changed       INTEGER NOT NULL DEFAULT 0,
        removed       INTEGER NOT NULL DEFAULT 0,
        warnings      TEXT NOT NULL DEFAULT '[]',
        error_code    TEXT,
        error         TEXT,
        duration_ms   INTEGER
      ) STRICT;
      CREATE INDEX sync_runs_profile ON sync_runs (profile_id, id);
      CREATE TABLE sync_schedules (
        profile_id        TEXT PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
        interval_minutes  INTEGER NOT NULL CHECK (interval_minutes BETWEEN 5 AND 10080)
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'assets, links, overrides and search index',
    sql: `
      CREATE TABLE assets (
        id             INTEGER PRIMARY KEY,
        kind           TEXT NOT NULL,
        name           TEXT NOT NULL,
        fqdn           TEXT,
        status         TEXT NOT NULL,
        os             TEXT,
        ips            TEXT NOT NULL DEFAULT '[]',
        macs           TEXT NOT NULL DEFAULT '[]',
        cluster        TEXT,
        site           TEXT,
        groups         TEXT NOT NULL DEFAULT '[]',
        organization   TEXT,
        location       TEXT,
        tags           TEXT NOT NULL DEFAULT '[]',
        updates        INTEGER,
        security       INTEGER,
        reboot_needed  INTEGER,
        in_foreman     INTEGER NOT NULL DEFAULT 0,
        in_proxmox     INTEGER NOT NULL DEFAULT 0,
        in_patchmon    INTEGER NOT NULL DEFAULT 0,
        in_routeros    INTEGER NOT NULL DEFAULT 0,
        last_seen      TEXT NOT NULL DEFAULT '{}',
        hash           TEXT NOT NULL
      ) STRICT;
      CREATE INDEX assets_name ON assets (name);
      CREATE INDEX assets_status ON assets (status);
      CREATE INDEX assets_kind ON assets (kind);
      CREATE INDEX assets_updates ON assets (updates);
      CREATE TABLE asset_links (
        asset_id     INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
        profile_id   TEXT NOT NULL,
        external_id  TEXT NOT NULL,
        match_key    TEXT NOT NULL,
        confidence   REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
        PRIMARY KEY (profile_id, external_id),
        FOREIGN KEY (profile_id, external_id)
          REFERENCES source_records (profile_id, external_id) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX asset_links_asset ON asset_links (asset_id);
      CREATE TABLE link_overrides (
        id           INTEGER PRIMARY KEY,
        kind         TEXT NOT NULL CHECK (kind IN ('join', 'split')),
        a_profile    TEXT NOT NULL,
        a_external   TEXT NOT NULL,
        b_profile    TEXT NOT NULL,
        b_external   TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        UNIQUE (a_profile, a_external, b_profile, b_external)
      ) STRICT;
      CREATE VIRTUAL TABLE asset_fts USING fts5 (
        name, fqdn, ips, macs, os, groups, tags,
        tokenize = 'unicode61 remove_diacritics 2'
      );
    `,
  },
  {
    version: 6,
    name: 'inventory correlation marker',
    sql: `
      CREATE TABLE inventory_state (
        id              INTEGER PRIMARY KEY CHECK (id = 1),
        dirty           INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),
        correlated_at   TEXT
      ) STRICT;
      INSERT INTO inventory_state (id, dirty) VALUES (1, 0);
    `,
  },
  {
    version: 7,
    name: 'search prefix index and sort indexes',
    // Rebuilds the search index with prefix indexes for 1-3 characters (a short prefix such as
    // "de" reads one list instead of merging every word that starts with it); its text is
    // copied unchanged. Each nullable sort column gets an index for descending order (unknown
    // values come last there anyway) and one on (column IS NULL, column) for ascending order
    // with unknown values last, so a page walks an index instead of sorting every match.
    sql: `
      ALTER TABLE asset_fts RENAME TO asset_fts_v5;
      CREATE VIRTUAL TABLE asset_fts USING fts5 (
        name, fqdn, ips, macs, os, groups, tags,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3'
      );
      INSERT INTO asset_fts (rowid, name, fqdn, ips, macs, os, groups, tags)
        SELECT rowid, name, fqdn, ips, macs, os, groups, tags FROM asset_fts_v5;
      DROP TABLE asset_fts_v5;
      INSERT INTO asset_fts (asset_fts) VALUES ('optimize');
      CREATE INDEX assets_updates_asc ON assets (updates IS NULL, updates);
      CREATE INDEX assets_security ON assets (security);
      CREATE INDEX assets_security_asc ON assets (security IS NULL, security);
      CREATE INDEX assets_os ON assets (os);
      CREATE INDEX assets_os_asc ON assets (os IS NULL, os);
      CREATE INDEX assets_fqdn ON assets (fqdn);
      CREATE INDEX assets_fqdn_asc ON assets (fqdn IS NULL, fqdn);
      CREATE INDEX assets_cluster ON assets (cluster);
      CREATE INDEX assets_cluster_asc ON assets (cluster IS NULL, cluster);
    `,
  },
  {
    version: 8,
    name: 'search prefix index up to 8 characters',
    // Prefixes of 4-8 characters ("ubun", "debian") get their own index too: without it each
    // such prefix merges the lists of every word starting with it before the first match, on
    // every search. The text is copied unchanged; the index grows by about a fifth.
    sql: `
      ALTER TABLE asset_fts RENAME TO asset_fts_v7;
      CREATE VIRTUAL TABLE asset_fts USING fts5 (
        name, fqdn, ips, macs, os, groups, tags,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3 4 5 6 7 8'
      );
      INSERT INTO asset_fts (rowid, name, fqdn, ips, macs, os, groups, tags)
        SELECT rowid, name, fqdn, ips, macs, os, groups, tags FROM asset_fts_v7;
      DROP TABLE asset_fts_v7;
      INSERT INTO asset_fts (asset_fts) VALUES ('optimize');
    `,
  },
  {
    version: 9,
    name: 'sort and group by source group',
    // An asset's source group is the first of its groups (a Foreman hostgroup, a PatchMon host
    // group or a Proxmox pool); assets without one sort last. As for the other nullable sort
    // columns, one index serves descending order and one ascending order with unknowns last.
    sql: `
      CREATE INDEX assets_group ON assets (json_extract(groups, '$[0]'));
      CREATE INDEX assets_group_asc ON assets (
        json_extract(groups, '$[0]') IS NULL, json_extract(groups, '$[0]')
      );
    `,
  },
  {
    version: 10,
    name: 'inventory generation',
    // Moves with every write to the assets, their links or their search text, in the same
    // transaction: a search index kept in memory is current exactly while it is unchanged.
    sql: `
      ALTER TABLE inventory_state ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 11,
    name: 'natural sort order',
    // Text sorts case-folded with numbers by value (web2 before web10, Debian 9 before
    // Debian 12): a key beside each sorted column, written by the asset store, filled here for
    // the assets already stored; the sort indexes move onto the keys under their old names.
    sql: `
      ALTER TABLE assets ADD COLUMN name_sort TEXT NOT NULL DEFAULT '';
      ALTER TABLE assets ADD COLUMN os_sort TEXT;
      ALTER TABLE assets ADD COLUMN fqdn_sort TEXT;
      ALTER TABLE assets ADD COLUMN cluster_sort TEXT;
      ALTER TABLE assets ADD COLUMN group_sort TEXT;
      UPDATE assets SET
        name_sort = rackside_name_sort(name),
        os_sort = rackside_name_sort(os),
        fqdn_sort = rackside_name_sort(fqdn),
        cluster_sort = rackside_name_sort(cluster),
        group_sort = rackside_name_sort(json_extract(groups, '$[0]'));
      DROP INDEX assets_name;
      DROP INDEX assets_os;
      DROP INDEX assets_os_asc;
      DROP INDEX assets_fqdn;
      DROP INDEX assets_fqdn_asc;
      DROP INDEX assets_cluster;
      DROP INDEX assets_cluster_asc;
      DROP INDEX assets_group;
      DROP INDEX assets_group_asc;
      CREATE INDEX assets_name ON assets (name_sort);
      CREATE INDEX assets_os ON assets (os_sort);
      CREATE INDEX assets_os_asc ON assets (os_sort IS NULL, os_sort);
      CREATE INDEX assets_fqdn ON assets (fqdn_sort);
      CREATE INDEX assets_fqdn_asc ON assets (fqdn_sort IS NULL, fqdn_sort);
      CREATE INDEX assets_cluster ON assets (cluster_sort);
      CREATE INDEX assets_cluster_asc ON assets (cluster_sort IS NULL, cluster_sort);
      CREATE INDEX assets_group ON assets (group_sort);
      CREATE INDEX assets_group_asc ON assets (group_sort IS NULL, group_sort);
      UPDATE inventory_state SET generation = generation + 1;
    `,
  },
  {
    version: 12,
    name: 'source URLs without credentials',
    // A user name and password typed into a source's URL were stored in clear, outside the
    // vault, and shown in lists; saves now refuse them. Rows that have them lose them here.
    sql: `
      UPDATE profiles
      SET connection = json_set(connection, '$.url',
        rackside_url_without_credentials(json_extract(connection, '$.url')))
      WHERE kind IN ('foreman', 'proxmox', 'patchmon')
        AND json_extract(connection, '$.url') IS NOT
          rackside_url_without_credentials(json_extract(connection, '$.url'));
    `,
    notice: urlPasswordsNotice,
  },
  {
    version: 13,
    name: 'sync run owners',
    // The app and the command line share a data folder: a run is closed as interrupted only when
    // the process that runs it is gone, not because another process started (SyncHistory).
    sql: `ALTER TABLE sync_runs ADD COLUMN owner TEXT;`,
  },
  {
    version: 14,
    name: 'other names of merged assets',
    // The names and FQDNs an asset's records use besides the ones it shows (a guest renamed in
    // Proxmox, still under its old name in Foreman), searchable as free text. The column starts
    // empty; the inventory is marked for correlation, and merge version 3 rewrites every asset.
    sql: `
      ALTER TABLE assets ADD COLUMN aka TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE asset_fts RENAME TO asset_fts_v13;
      CREATE VIRTUAL TABLE asset_fts USING fts5 (
        name, fqdn, ips, macs, os, groups, tags, aka,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3 4 5 6 7 8'
      );
      INSERT INTO asset_fts (rowid, name, fqdn, ips, macs, os, groups, tags, aka)
        SELECT rowid, name, fqdn, ips, macs, os, groups, tags, '' FROM asset_fts_v13;
      DROP TABLE asset_fts_v13;
      INSERT INTO asset_fts (asset_fts) VALUES ('optimize');
      UPDATE inventory_state SET dirty = 1, generation = generation + 1;
    `,
  },
  {
    version: 15,
    name: 'machines a hand join was made for',
    // A join names records by their ids in the source; Proxmox gives a destroyed guest's VMID to
    // the next one. What identified each machine when the join was made (SMBIOS UUID, machine
    // id, serial, MACs) is kept with it: a record that now describes another machine leaves the
    // join. Joins made before have none, and stay as they are.
    sql: `
      ALTER TABLE link_overrides ADD COLUMN a_identity TEXT;
      ALTER TABLE link_overrides ADD COLUMN b_identity TEXT;
    `,
  },
  {
    version: 16,
    name: 'one spelling per operating system',
    // Merged assets show one name per distribution (`Rocky 9.5` from Foreman and `Rocky Linux
    // 9.5` from PatchMon are both Rocky Linux 9.5), and a guest's name made up while its node
    // was unreachable (`lxc-112`) gives way to the name another source knows. The inventory is
    // marked for correlation, and merge version 4 rewrites every asset.
    sql: `UPDATE inventory_state SET dirty = 1, generation = generation + 1;`,
  },
  {
    version: 17,
    name: 'host filter of each sync run',
    // Drift judges a Foreman profile by the host filter its data was synced with, not by one
    // edited since. Runs before this one are taken to have run with the filter the profile has
    // now, the best there is to know of them.
    sql: `
      ALTER TABLE sync_runs ADD COLUMN host_filter TEXT;
      UPDATE sync_runs SET host_filter = (
        SELECT nullif(trim(json_extract(p.connection, '$.hostFilter')), '') FROM profiles p
        WHERE p.id = sync_runs.profile_id AND p.kind = 'foreman'
      );
    `,
  },
  {
    version: 18,
    name: 'search phrases within one item of a list',
    // The search text of a list (addresses, MACs, groups, tags, other names) has a break between
    // two items, so a phrase is found in one tag, not across two. The inventory is marked for
    // correlation, and merge version 5 writes every asset's search text again.
    sql: `UPDATE inventory_state SET dirty = 1, generation = generation + 1;`,
  },
  {
    version: 19,
    name: 'search words folded as whole values are',
    // The search text is case folded as whole values are compared (ß is ss, the dotless ı stays
    // itself), not only by the tokenizer letter by letter. The inventory is marked for
    // correlation, and merge version 6 writes every asset's search text again.
    sql: `UPDATE inventory_state SET dirty = 1, generation = generation + 1;`,
  },
  {
    version: 20,
    name: 'vault unlock limit',
    // Wrong vault passphrases are counted here, not in one process's memory: the app and every
    // rackside command share one limit, and a restart does not clear it. A count and a time in
    // milliseconds since 1970 before which no attempt is made; nothing secret.
    sql: `
      CREATE TABLE vault_unlock_limit (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        failures    INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
        not_before  INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      INSERT INTO vault_unlock_limit (id) VALUES (1);
    `,
  },
];
