import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import {
  Connection,
  ProfileSaveInput,
  ProfileView,
  SecretField,
  Sha256Fingerprint,
  hiddenCharacterIn,
  profileNameKey,
  profileNameKeys,
  secretFieldsFor,
  unusedSecretsAfterSave,
  type HasSecret,
  type ProfileSave,
  sshLoginName,
} from '../../shared/profiles';
import type { Logger } from '../core/logger';
import { compareNames } from '../../shared/name-sort';
import type { Sqlite } from '../db/sqlite';
import type { Vault } from '../vault/vault';
import { badRequest } from './issues';

interface ProfileRow {
  id: string;
  name: string;
  kind: string;
  folder: string;
  tags: string;
  notes: string;
  connection: string;
  created_at: string;
  updated_at: string;
}

export type SecretValues = Partial<Record<SecretField, string>>;

/** Options for internal saves made by imports, which check jump chains once at the end. */
export interface SaveOptions {
  deferJumpCheck?: boolean;
}

/** What a save did besides storing the profile: stored secrets its settings do not use. */
export interface SaveOutcome {
  id: string;
  /** Removed: one of the new settings' secrets is stored now, or they use none. */
  removedSecrets: SecretField[];
  /** Kept for going back: the new settings have none of theirs stored yet. */
  keptSecrets: SecretField[];
}

const secretRecordId = (profileId: string, field: SecretField): string => `${profileId}/${field}`;

/**
 * Connection profiles: metadata in SQLite, secrets only as vault ciphertext. Reads never need
 * the vault; reading or writing a secret value does (`vault-locked` otherwise).
 */
export class ProfileService {
  constructor(
    private readonly db: Sqlite,
    private readonly vault: Vault,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  list(): ProfileView[] {
    const rows = this.db.prepare('SELECT * FROM profiles').all() as ProfileRow[];
    // Folder, then name, as the inventory sorts names: pve2 before pve10.
    return rows
      .sort((a, b) => compareNames(a.folder, b.folder) || compareNames(a.name, b.name))
      .map((row) => this.toView(row));
  }

  get(id: string): ProfileView {
    const found = this.findById(id);
    if (found === null) throw new AppError('not-found', `No profile with id ${id}.`);
    return found;
  }

  findById(id: string): ProfileView | null {
    const row = this.db.prepare('SELECT * FROM profiles WHERE id = ?').get(id) as
      ProfileRow | undefined;
    return row === undefined ? null : this.toView(row);
  }

  findByName(name: string): ProfileView | null {
    const keys = profileNameKeys(name);
    const row = this.db
      .prepare(
        `SELECT * FROM profiles WHERE name_key IN (${keys.map(() => '?').join(', ')})
         ORDER BY name_key = ? DESC LIMIT 1`,
      )
      .get(...keys, keys[0]) as ProfileRow | undefined;
    return row === undefined ? null : this.toView(row);
  }

  /** A profile by id or (case-insensitive) name — what the CLI accepts. */
  resolve(idOrName: string): ProfileView {
    const byId = this.db.prepare('SELECT * FROM profiles WHERE id = ?').get(idOrName) as
      ProfileRow | undefined;
    if (byId !== undefined) return this.toView(byId);
    const byName = this.findByName(idOrName);
    if (byName === null) throw new AppError('not-found', `No profile named "${idOrName}".`);
    return byName;
  }

  /** Creates (no id) or replaces (with id) a profile; secrets follow `SecretsPatch` rules. */
  save(input: unknown): ProfileView {
    return this.saveAndReport(input).profile;
  }

  /** `save`, also saying which stored secrets the new settings do not use were removed. */
  saveAndReport(input: unknown): { profile: ProfileView; removedSecrets: SecretField[] } {
    const parsed = ProfileSaveInput.safeParse(input);
    if (!parsed.success) throw badRequest(parsed.error, 'profile');
    const outcome = this.db.transaction(() => this.saveParsed(parsed.data)).immediate();
    return { profile: this.get(outcome.id), removedSecrets: outcome.removedSecrets };
  }

  /** The write behind `save` and imports; callers provide the transaction. */
  saveParsed(input: ProfileSave, options: SaveOptions = {}): SaveOutcome {
    // Checked here, not in the schema, so that a profile stored before keeps loading.
    if (input.connection.kind === 'ssh' && !sshLoginName.test(input.connection.username)) {
      throw new AppError(
        'bad-request',
        'connection.username: A login name has no spaces, @ or control characters and does not start with -.',
      );
    }
    const now = this.clock().toISOString();
    const existing =
      input.id === undefined
        ? undefined
        : (this.db
            .prepare('SELECT id, name, kind, created_at FROM profiles WHERE id = ?')
            .get(input.id) as
            { id: string; name: string; kind: string; created_at: string } | undefined);
    if (input.id !== undefined && existing === undefined) {
      throw new AppError('not-found', `No profile with id ${input.id}.`);
    }
    // Its synced records, joins and sync history are of its kind: another kind is another profile.
    if (existing !== undefined && existing.kind !== input.connection.kind) {
      throw new AppError(
        'bad-request',
        `connection.kind: "${existing.name}" is a ${existing.kind} profile and cannot become a ${input.connection.kind} one; give the ${input.connection.kind} profile another name, or remove "${existing.name}" first.`,
      );
    }
    if (existing !== undefined && input.editedFrom !== undefined) {
      const stored = this.db
        .prepare('SELECT name, updated_at FROM profiles WHERE id = ?')
        .get(existing.id) as { name: string; updated_at: string };
      if (stored.updated_at !== input.editedFrom) {
        throw new AppError(
          'stale',
          `“${stored.name}” was changed elsewhere (the command line, another window) after this form was opened. Nothing was saved; cancel and edit it again to start from what is stored now.`,
        );
      }
    }
    const id = existing?.id ?? randomUUID();
    const keys = profileNameKeys(input.name);
    const nameKey = profileNameKey(input.name);
    const clash = this.db
      .prepare(
        `SELECT id FROM profiles WHERE name_key IN (${keys.map(() => '?').join(', ')}) AND id != ?`,
      )
      .get(...keys, id) as { id: string } | undefined;
    if (clash !== undefined) {
      throw new AppError('conflict', `A profile named "${input.name}" already exists.`);
    }
    // Checked here, not in the schema, so that a name stored before keeps loading and saving.
    const stored = existing
      ? (this.db.prepare('SELECT name FROM profiles WHERE id = ?').get(id) as { name: string })
      : undefined;
    if (stored?.name !== input.name) refuseHiddenCharacters(input.name);
    const allowed = secretFieldsFor(input.connection);
    const patch = Object.entries(input.secrets) as [SecretField, string | null][];
    const storedBefore = (
      this.db.prepare('SELECT field FROM secrets WHERE profile_id = ?').all(id) as {
        field: SecretField;
      }[]
    ).map((row) => row.field);
    for (const [field, value] of patch) {
      // A kept secret of other settings can be deleted, not given a value.
      const deletesKept = (value === null || value === '') && storedBefore.includes(field);
      if (!allowed.includes(field) && !deletesKept) {
        throw new AppError(
          'bad-request',
          `secrets.${field}: a ${input.connection.kind} profile with this authentication does not use "${field}" (it uses: ${allowed.join(', ') || 'none'}).`,
        );
      }
    }
    if (
      patch.some(([, value]) => typeof value === 'string' && value !== '') &&
      this.vault.state() !== 'unlocked'
    ) {
      throw new AppError('vault-locked', 'The vault is locked; unlock it to save secrets.');
    }
    if (input.connection.kind === 'ssh' && !options.deferJumpCheck) {
      this.checkJumpChain(id, input.connection.jumpHostId);
    }

    this.db
      .prepare(
        `INSERT INTO profiles (id, name, name_key, kind, folder, tags, notes, connection, created_at, updated_at)
         VALUES (@id, @name, @nameKey, @kind, @folder, @tags, @notes, @connection, @now, @now)
         ON CONFLICT (id) DO UPDATE SET name = @name, name_key = @nameKey, kind = @kind,
           folder = @folder, tags = @tags, notes = @notes, connection = @connection, updated_at = @now`,
      )
      .run({
        id,
        name: input.name,
        nameKey,
        kind: input.connection.kind,
        folder: input.folder,
        tags: JSON.stringify(input.tags),
        notes: input.notes,
        connection: JSON.stringify(input.connection),
        now,
      });
    const remove = this.db.prepare('DELETE FROM secrets WHERE profile_id = ? AND field = ?');
    const upsert = this.db.prepare(
      `INSERT INTO secrets (profile_id, field, ciphertext, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (profile_id, field) DO UPDATE SET ciphertext = excluded.ciphertext,
         updated_at = excluded.updated_at`,
    );
    const storedAfter = new Set(storedBefore);
    for (const [field, value] of patch) {
      if (value === null || value === '') {
        remove.run(id, field);
        storedAfter.delete(field);
      } else {
        upsert.run(id, field, this.vault.sealRecord(secretRecordId(id, field), value), now);
        storedAfter.add(field);
      }
    }
    const unused = unusedSecretsAfterSave(input.connection, [...storedAfter]);
    if (!unused.kept) for (const field of unused.fields) remove.run(id, field);
    this.logger.info(existing === undefined ? 'profile created' : 'profile updated', {
      id,
      kind: input.connection.kind,
      ...(unused.fields.length > 0
        ? { [unused.kept ? 'keptSecrets' : 'removedSecrets']: unused.fields }
        : {}),
    });
    return {
      id,
      removedSecrets: unused.kept ? [] : unused.fields,
      keptSecrets: unused.kept ? unused.fields : [],
    };
  }

  /**
   * Stores one secret of a profile (a password or key passphrase typed at a login prompt with
   * "save in the vault"), leaving the profile's settings as they are.
   */
  saveSecret(id: string, field: SecretField, value: string): void {
    const connection = this.get(id).connection;
    if (!secretFieldsFor(connection).includes(field)) {
      throw new AppError('bad-request', `This profile does not use "${field}".`);
    }
    if (this.vault.state() !== 'unlocked') {
      throw new AppError('vault-locked', 'The vault is locked; unlock it to save secrets.');
    }
    const now = this.clock().toISOString();
    this.db
      .transaction(() => {
        this.db
          .prepare(
            `INSERT INTO secrets (profile_id, field, ciphertext, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (profile_id, field) DO UPDATE SET ciphertext = excluded.ciphertext,
             updated_at = excluded.updated_at`,
          )
          .run(id, field, this.vault.sealRecord(secretRecordId(id, field), value), now);
        this.db.prepare('UPDATE profiles SET updated_at = ? WHERE id = ?').run(now, id);
      })
      .immediate();
    this.logger.info('profile secret saved', { id, field });
  }

  /**
   * Removes a profile, its secrets and its synced records; refused while another profile jumps
   * through it.
   */
  remove(id: string): void {
    const profile = this.get(id);
    const users = this.list().filter(
      (other) => other.connection.kind === 'ssh' && other.connection.jumpHostId === id,
    );
    if (users.length > 0) {
      throw new AppError(
        'conflict',
        `"${profile.name}" is the jump host of ${users.map((u) => `"${u.name}"`).join(', ')}; change those first.`,
      );
    }
    this.db
      .transaction(() => {
        const synced = this.db
          .prepare('SELECT 1 FROM source_records WHERE profile_id = ? LIMIT 1')
          .get(id);
        // Its records go with it (ON DELETE CASCADE): the assets they made are merged again
        // without them, here or at the next start (the inventory's dirty mark, as a sync sets).
        this.db.prepare('DELETE FROM profiles WHERE id = ?').run(id);
        // So do the joins and splits made by hand with its records: a profile added again later
        // is a new one, whose records get new ids. The other records of a hand join stay joined.
        forgetOverridesOf(this.db, id);
        if (synced !== undefined) {
          this.db.prepare('UPDATE inventory_state SET dirty = 1 WHERE id = 1').run();
        }
      })
      .immediate();
    this.logger.info('profile removed', { id });
  }

  /**
   * Decrypted secrets of one profile, those its settings use (not the ones kept from other
   * settings). Needs the vault unlocked.
   */
  getSecrets(id: string): SecretValues {
    const used = secretFieldsFor(this.get(id).connection);
    if (this.vault.state() !== 'unlocked') {
      throw new AppError('vault-locked', 'The vault is locked; unlock it to use secrets.');
    }
    const rows = this.db
      .prepare('SELECT field, ciphertext FROM secrets WHERE profile_id = ?')
      .all(id) as {
      field: SecretField;
      ciphertext: Buffer;
    }[];
    const out: SecretValues = {};
    for (const row of rows) {
      if (!used.includes(row.field)) continue;
      out[row.field] = this.vault.openRecord(secretRecordId(id, row.field), row.ciphertext);
    }
    return out;
  }

  /** Trust on first use made explicit: pin this leaf certificate (turns "insecure" off). */
  pinCertificate(id: string, fingerprint: string): ProfileView {
    const pin = Sha256Fingerprint.safeParse(fingerprint);
    if (!pin.success) throw badRequest(pin.error, 'fingerprint');
    const profile = this.get(id);
    if (profile.connection.kind === 'ssh') {
      throw new AppError('bad-request', 'SSH profiles use host keys, not certificate pins.');
    }
    const connection = {
      ...profile.connection,
      tls: { ...profile.connection.tls, insecure: false, pinnedSha256: pin.data },
    };
    const { name, folder, tags, notes } = profile;
    return this.save({ id, name, folder, tags, notes, connection, secrets: {} });
  }

  /** Fails when `jumpHostId` is missing, not SSH, or leads back to `id`. */
  checkJumpChain(id: string, jumpHostId: string | null): void {
    const seen = new Set([id]);
    let next = jumpHostId;
    while (next !== null) {
      if (seen.has(next))
        throw new AppError(
          'bad-request',
          'connection.jumpHostId: the jump host chain loops back on itself.',
        );
      seen.add(next);
      const row = this.db
        .prepare('SELECT name, connection FROM profiles WHERE id = ?')
        .get(next) as { name: string; connection: string } | undefined;
      if (row === undefined)
        throw new AppError('bad-request', `connection.jumpHostId: no profile with id ${next}.`);
      const hop = Connection.parse(JSON.parse(row.connection));
      if (hop.kind !== 'ssh')
        throw new AppError(
          'bad-request',
          `connection.jumpHostId: "${row.name}" is not an SSH profile.`,
        );
      next = hop.jumpHostId;
    }
  }

  private toView(row: ProfileRow): ProfileView {
    const connection = Connection.safeParse(JSON.parse(row.connection));
    if (!connection.success) {
      throw new AppError('data-corrupt', `Stored profile "${row.name}" has invalid settings.`);
    }
    const stored = new Set(
      (
        this.db.prepare('SELECT field FROM secrets WHERE profile_id = ?').all(row.id) as {
          field: string;
        }[]
      ).map((r) => r.field),
    );
    const hasSecret: HasSecret = {};
    const used = secretFieldsFor(connection.data);
    for (const field of used) hasSecret[field] = stored.has(field);
    const keptSecrets = SecretField.options.filter((f) => stored.has(f) && !used.includes(f));
    return ProfileView.parse({
      id: row.id,
      name: row.name,
      folder: row.folder,
      tags: JSON.parse(row.tags) as unknown,
      notes: row.notes,
      connection: connection.data,
      hasSecret,
      keptSecrets,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
}

/**
 * Refuses a new name with invisible or text-direction characters: they make two names that look
 * the same different, or show a name the wrong way round.
 */
export function refuseHiddenCharacters(name: string): void {
  const hidden = hiddenCharacterIn(name);
  if (hidden === null) return;
  throw new AppError(
    'bad-request',
    `name: A name cannot contain invisible or text-direction characters (${hidden} found): two names that look the same would be different.`,
  );
}

interface JoinRow {
  a_profile: string;
  a_external: string;
  a_identity: string | null;
  b_profile: string;
  b_external: string;
  b_identity: string | null;
}

/**
 * Removes the hand decisions about profile `id`'s records. A hand join is stored as pairs with
 * one record in common; where that record was one of the profile's, the join's other records
 * are paired with one of them instead, so they stay one machine.
 */
function forgetOverridesOf(db: Sqlite, id: string): void {
  const joins = db
    .prepare(
      `SELECT a_profile, a_external, a_identity, b_profile, b_external, b_identity
       FROM link_overrides WHERE kind = 'join'`,
    )
    .all() as JoinRow[];
  const key = (profile: string, external: string): string => `${profile}\u0000${external}`;
  const parent = new Map<string, string>();
  const root = (k: string): string => {
    let r = k;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) ?? r;
    parent.set(k, r);
    return r;
  };
  const nodes = new Map<string, { profile: string; external: string; identity: string | null }>();
  for (const row of joins) {
    const a = key(row.a_profile, row.a_external);
    const b = key(row.b_profile, row.b_external);
    nodes.set(a, { profile: row.a_profile, external: row.a_external, identity: row.a_identity });
    nodes.set(b, { profile: row.b_profile, external: row.b_external, identity: row.b_identity });
    parent.set(root(a), root(b));
  }
  const groups = new Map<string, string[]>();
  for (const k of nodes.keys()) groups.set(root(k), [...(groups.get(root(k)) ?? []), k]);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO link_overrides (kind, a_profile, a_external, b_profile, b_external,
       created_at, a_identity, b_identity) VALUES ('join', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const at = new Date().toISOString();
  for (const members of groups.values()) {
    const records = members.flatMap((k) => nodes.get(k) ?? []);
    if (!records.some((r) => r.profile === id)) continue;
    const [lead, ...rest] = records.filter((r) => r.profile !== id);
    if (lead === undefined) continue;
    for (const r of rest) {
      insert.run(lead.profile, lead.external, r.profile, r.external, at, lead.identity, r.identity);
    }
  }
  db.prepare('DELETE FROM link_overrides WHERE a_profile = ? OR b_profile = ?').run(id, id);
}
