import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import {
  Manifest,
  manifestMarker,
  manifestVersion,
  type ManifestProfile,
} from '../../shared/manifest';
import { profileNameKey, type ProfileView, type SecretField } from '../../shared/profiles';
import type { Sqlite } from '../db/sqlite';
import { SyncHistory } from '../sync/sync-history';
import {
  decryptExport,
  encryptExport,
  readEncryptedExport,
  refuseNewerVersion,
} from './export-file';
import { describeIssue } from './issues';
import { refuseHiddenCharacters, type ProfileService } from './profile-service';

export interface ImportSummary {
  created: string[];
  updated: string[];
  /** Entries equal to the stored profile and without secrets: not written again. */
  unchanged: string[];
}

/**
 * Reads a profile file: a manifest (plain export) or an encrypted export, for which
 * `askPassphrase` is called. Errors name the entry and the field; nothing is imported here.
 */
export async function parseProfileFile(
  text: string,
  askPassphrase: () => Promise<string>,
): Promise<Manifest> {
  let json = parseJson(text, 'The file');
  if ((json as { rackside?: unknown } | null)?.rackside === 'profile-export') {
    const envelope = readEncryptedExport(json);
    json = parseJson(await decryptExport(envelope, await askPassphrase()), 'The decrypted export');
  }
  const marker = (json as { rackside?: unknown } | null)?.rackside;
  // Another program's JSON: how its fields differ from a manifest's would say nothing useful.
  if (marker !== manifestMarker) {
    throw new AppError(
      'bad-request',
      'This is not a Rackside profile export or manifest: it has no "rackside" marker.',
    );
  }
  refuseNewerVersion(json, 'profile manifest', manifestVersion);
  const parsed = Manifest.safeParse(json);
  if (parsed.success) return parsed.data;
  const entries = (json as { profiles?: unknown } | null)?.profiles;
  const messages = parsed.error.issues.slice(0, 5).map((issue) => {
    const [top, index] = issue.path;
    if (top === 'profiles' && typeof index === 'number') {
      const entry = Array.isArray(entries)
        ? (entries[index] as { name?: unknown } | undefined)
        : undefined;
      const name = typeof entry?.name === 'string' ? ` "${entry.name.slice(0, 100)}"` : '';
      return `profiles[${index}]${name}: ${describeIssue(issue, 2)}`;
    }
    return describeIssue(issue);
  });
  throw new AppError('bad-request', `Invalid profile file: ${messages.join('; ')}`);
}

function parseJson(text: string, what: string): unknown {
  // Editors on Windows save UTF-8 with a byte-order mark; JSON.parse refuses it.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new AppError('bad-request', notJsonMessage(json, what));
  }
}

/**
 * Why `text` is not JSON, in words and with the line and column where it goes wrong: the
 * parser's own message quotes the text (secrets included) and names no place for a stray token.
 */
export function notJsonMessage(text: string, what: string): string {
  if (text.trim() === '') return `${what} is empty: there is no JSON in it.`;
  const index = jsonReadableLength(text);
  const before = text.slice(0, index);
  const place = `line ${String(before.split('\n').length)}, column ${String(index - before.lastIndexOf('\n'))}`;
  return index >= text.length
    ? `${what} is not valid JSON: it ends at ${place} before the JSON is complete (cut short?).`
    : `${what} is not valid JSON: the first error is at ${place}.`;
}

/**
 * How much of `text` the parser reads before it finds an error: the longest start of it that
 * parses or only ends too early. An error stays where it is however much follows, so a binary
 * search finds it.
 */
function jsonReadableLength(text: string): number {
  const readsThrough = (end: number): boolean => {
    try {
      JSON.parse(text.slice(0, end));
      return true;
    } catch (error) {
      const message = (error as Error).message;
      if (message.includes('Unexpected end of JSON input')) return true;
      const at = /at position (\d+)/.exec(message)?.[1];
      return at !== undefined && Number(at) >= end;
    }
  };
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (readsThrough(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Whether an entry's secrets are the ones stored (none named: nothing to change). */
function sameSecrets(
  profiles: ProfileService,
  id: string,
  secrets: Readonly<Record<string, string | null | undefined>>,
): boolean {
  const named = Object.entries(secrets);
  if (named.length === 0) return true;
  const stored: Readonly<Record<string, string | undefined>> = profiles.getSecrets(id);
  return named.every(([field, value]) => stored[field] === value);
}

/**
 * Imports every entry in one transaction: all or nothing. Profiles are matched by name; a match is
 * updated in place and keeps its id and any secrets the entry does not name.
 */
export function importManifest(
  db: Sqlite,
  profiles: ProfileService,
  manifest: Manifest,
): ImportSummary {
  return db
    .transaction(() => {
      const summary: ImportSummary = { created: [], updated: [], unchanged: [] };
      const ids = new Map<string, string>();
      const stored = new Map<string, ProfileView>();
      for (const entry of manifest.profiles) {
        const existing = profiles.findByName(entry.name);
        ids.set(profileNameKey(entry.name), existing?.id ?? randomUUID());
        if (existing === null) summary.created.push(entry.name);
        else stored.set(entry.name, existing);
      }
      const created = new Set(summary.created);
      manifest.profiles.forEach((entry, index) => {
        withEntry(index, entry.name, () => {
          const id = ids.get(profileNameKey(entry.name)) ?? '';
          const connection = resolveConnection(entry, ids, profiles);
          const { name, folder, tags, notes, secrets, syncEveryMinutes } = entry;
          const before = stored.get(entry.name);
          if (before !== undefined) {
            const same =
              sameSecrets(profiles, before.id, secrets) &&
              (syncEveryMinutes === undefined || syncEveryMinutes === scheduleOf(db, before.id)) &&
              sameJson(
                {
                  name: before.name,
                  folder: before.folder,
                  tags: before.tags,
                  notes: before.notes,
                  connection: before.connection,
                },
                { name, folder, tags, notes, connection },
              );
            (same ? summary.unchanged : summary.updated).push(entry.name);
            // Left alone: its time of last change stays the time it last changed.
            if (same) return;
          }
          if (created.has(entry.name)) {
            refuseHiddenCharacters(entry.name);
            insertPlaceholder(db, id, entry);
          }
          profiles.saveParsed(
            { id, name, folder, tags, notes, connection, secrets },
            { deferJumpCheck: true },
          );
          if (syncEveryMinutes !== undefined) setSchedule(db, id, syncEveryMinutes);
        });
      });
      manifest.profiles.forEach((entry, index) => {
        withEntry(index, entry.name, () => {
          const saved = profiles.get(ids.get(profileNameKey(entry.name)) ?? '');
          if (saved.connection.kind === 'ssh')
            profiles.checkJumpChain(saved.id, saved.connection.jumpHostId);
        });
      });
      return summary;
    })
    .immediate();
}

/** A source's background sync interval in minutes ("Sync every"), null when it has none. */
function scheduleOf(db: Sqlite, profileId: string): number | null {
  const row = db
    .prepare('SELECT interval_minutes FROM sync_schedules WHERE profile_id = ?')
    .get(profileId) as { interval_minutes: number } | undefined;
  return row?.interval_minutes ?? null;
}

function setSchedule(db: Sqlite, profileId: string, minutes: number | null): void {
  new SyncHistory(db, () => new Date()).setSchedule(profileId, minutes);
}

/** Equal as JSON, whatever the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([, v]) => v !== undefined)
              .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
              .map(([k, v]) => [k, sorted(v)]),
          )
        : value;
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

/** New ids must exist before `saveParsed` treats them as updates; the save fills in the rest. */
function insertPlaceholder(db: Sqlite, id: string, entry: ManifestProfile): void {
  db.prepare(
    `INSERT INTO profiles (id, name, name_key, kind, connection, created_at, updated_at)
     VALUES (?, ?, ?, ?, '{}', ?, ?)`,
  ).run(
    id,
    entry.name,
    profileNameKey(entry.name),
    entry.connection.kind,
    new Date().toISOString(),
    new Date().toISOString(),
  );
}

function resolveConnection(
  entry: ManifestProfile,
  ids: Map<string, string>,
  profiles: ProfileService,
) {
  if (entry.connection.kind !== 'ssh') return entry.connection;
  const { jumpHost, ...rest } = entry.connection;
  if (jumpHost === null) return { ...rest, jumpHostId: null };
  const jumpHostId = ids.get(profileNameKey(jumpHost)) ?? profiles.findByName(jumpHost)?.id;
  if (jumpHostId === undefined) {
    throw new AppError('bad-request', `connection.jumpHost: no SSH profile named "${jumpHost}"`);
  }
  return { ...rest, jumpHostId };
}

function withEntry(index: number, name: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) {
      throw new AppError(error.code, `profiles[${index}] "${name}": ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Builds a manifest from stored profiles. Jump hosts of selected profiles are included so the file
 * imports on its own. With `withSecrets` the vault must be unlocked.
 */
export function exportManifest(
  db: Sqlite,
  profiles: ProfileService,
  ids: readonly string[] | 'all',
  options: { withSecrets: boolean },
): Manifest {
  const all = profiles.list();
  const byId = new Map(all.map((p) => [p.id, p]));
  const chosen = new Map<string, ProfileView>();
  const add = (id: string): void => {
    const profile = byId.get(id);
    if (profile === undefined) throw new AppError('not-found', `No profile with id ${id}.`);
    if (chosen.has(id)) return;
    chosen.set(id, profile);
    if (profile.connection.kind === 'ssh' && profile.connection.jumpHostId !== null)
      add(profile.connection.jumpHostId);
  };
  for (const id of ids === 'all' ? all.map((p) => p.id) : ids) add(id);
  const entries = [...chosen.values()].map((profile): ManifestProfile => {
    const { connection } = profile;
    const secrets: Partial<Record<SecretField, string>> = options.withSecrets
      ? profiles.getSecrets(profile.id)
      : {};
    const schedule = scheduleOf(db, profile.id);
    const common = {
      name: profile.name,
      folder: profile.folder,
      tags: profile.tags,
      notes: profile.notes,
      secrets,
      ...(schedule === null ? {} : { syncEveryMinutes: schedule }),
    };
    if (connection.kind !== 'ssh') return { ...common, connection };
    const { jumpHostId, ...rest } = connection;
    const jumpHost = jumpHostId === null ? null : (byId.get(jumpHostId)?.name ?? null);
    return { ...common, connection: { ...rest, jumpHost } };
  });
  return {
    rackside: manifestMarker,
    version: manifestVersion,
    generator: 'rackside',
    generatedAt: new Date().toISOString(),
    profiles: entries,
  };
}

/** The text of an export file: plain manifest without secrets, or encrypted with secrets. */
export async function exportFileText(
  db: Sqlite,
  profiles: ProfileService,
  ids: readonly string[] | 'all',
  passphrase: string | null,
): Promise<string> {
  const manifest = exportManifest(db, profiles, ids, { withSecrets: passphrase !== null });
  const json = `${JSON.stringify(manifest, null, 2)}\n`;
  return passphrase === null ? json : encryptExport(json, passphrase);
}
