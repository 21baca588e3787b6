import type { Sqlite } from '../db/sqlite';
import { sha256Fingerprint } from './fingerprint';

export interface StoredHostKey {
  host: string;
  port: number;
  keyType: string;
  keyBase64: string;
  fingerprint: string;
  addedAt: string;
}

interface Row {
  host: string;
  port: number;
  key_type: string;
  key_base64: string;
  fingerprint: string;
  added_at: string;
}

const toKey = (row: Row): StoredHostKey => ({
  host: row.host,
  port: row.port,
  keyType: row.key_type,
  keyBase64: row.key_base64,
  fingerprint: row.fingerprint,
  addedAt: row.added_at,
});

/** Host keys the user accepted in Rackside: table `known_hosts`, one key per host, port and type. */
export class HostKeyStore {
  constructor(
    private readonly db: Sqlite,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  keysFor(host: string, port: number): StoredHostKey[] {
    return (
      this.db
        .prepare('SELECT * FROM known_hosts WHERE host = ? AND port = ? ORDER BY key_type')
        .all(host.toLowerCase(), port) as Row[]
    ).map(toKey);
  }

  list(): StoredHostKey[] {
    return (
      this.db.prepare('SELECT * FROM known_hosts ORDER BY host, port, key_type').all() as Row[]
    ).map(toKey);
  }

  /**
   * Remembers a key unless the host and port have one of its type already: a different key
   * remembered first (another tab's, at the same moment) is never written over — a changed key
   * is forgotten first, explicitly. Returns the key of that type remembered now.
   */
  remember(host: string, port: number, keyType: string, key: Buffer): StoredHostKey {
    const row: Row = {
      host: host.toLowerCase(),
      port,
      key_type: keyType,
      key_base64: key.toString('base64'),
      fingerprint: sha256Fingerprint(key),
      added_at: this.clock().toISOString(),
    };
    this.db
      .prepare(
        `INSERT INTO known_hosts (host, port, key_type, key_base64, fingerprint, added_at)
         VALUES (@host, @port, @key_type, @key_base64, @fingerprint, @added_at)
         ON CONFLICT (host, port, key_type) DO NOTHING`,
      )
      .run(row);
    return this.keysFor(host, port).find((stored) => stored.keyType === keyType) ?? toKey(row);
  }

  /** Removes a host's keys (all types, or one); returns how many were removed. */
  forget(host: string, port: number, keyType?: string): number {
    const result =
      keyType === undefined
        ? this.db
            .prepare('DELETE FROM known_hosts WHERE host = ? AND port = ?')
            .run(host.toLowerCase(), port)
        : this.db
            .prepare('DELETE FROM known_hosts WHERE host = ? AND port = ? AND key_type = ?')
            .run(host.toLowerCase(), port, keyType);
    return result.changes;
  }
}
