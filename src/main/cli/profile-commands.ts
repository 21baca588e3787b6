import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import {
  ProfileSaveInput,
  SecretField,
  secretFieldsFor,
  type ProfileView,
} from '../../shared/profiles';
import { badRequest } from '../profiles/issues';
import {
  exportFileText,
  importManifest,
  notJsonMessage,
  parseProfileFile,
} from '../profiles/import-export';
import { probeConnection, probeRefusal } from '../profiles/probe';
import { includeReader, sshConfigToManifest } from '../profiles/ssh-config-import';
import { writeFileDurably } from '../core/atomic-file';
import { UsageError } from './cli-io';
import { formatList, formatProbe, formatProfile } from './format';
import { terminalWidth } from './inventory-commands';
import type { CliSession } from './session';

export function listProfiles(s: CliSession): number {
  const profiles = s.store.profiles.list();
  s.print(profiles, () => formatList(profiles, terminalWidth(s)));
  return 0;
}

export function showProfile(s: CliSession, ref: string): number {
  const profile = s.store.profiles.resolve(ref);
  s.print(profile, () => formatProfile(profile));
  return 0;
}

function parseSecretFields(fields: string[] = []): SecretField[] {
  return fields.map((field) => {
    const parsed = SecretField.safeParse(field);
    if (!parsed.success)
      throw new UsageError(
        `Unknown secret field "${field}" (one of: ${SecretField.options.join(', ')}).`,
      );
    return parsed.data;
  });
}

async function readJsonInput(s: CliSession, from: string | undefined): Promise<unknown> {
  const text = from === undefined || from === '-' ? await s.input.readAll() : readFileForCli(from);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('bad-request', notJsonMessage(text, 'The profile given'));
  }
}

function readFileForCli(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'there is no such file'
        : fileProblem(file, error, 'read');
    throw new AppError('not-found', `Cannot read ${file}: ${why}.`, { cause: error });
  }
}

/** Why a file given on the command line could not be read or written, in words. */
function fileProblem(file: string, error: unknown, access: 'read' | 'write'): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EISDIR'
    ? 'it is a folder; name a file in it'
    : code === 'ENOENT' || code === 'ENOTDIR'
      ? `the folder ${path.dirname(path.resolve(file))} does not exist`
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? access === 'read'
          ? 'no permission to read it'
          : 'no permission to write there'
        : (error as Error).message;
}

/** A secret value holds up to 32 Ki characters: up to 4 bytes each as UTF-8, on one line. */
const maxSecretLineBytes = 4 * 32 * 1024;

async function promptSecrets(
  s: CliSession,
  fields: SecretField[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    out[field] = await s.input.secret(`${field}: `, undefined, maxSecretLineBytes);
  }
  return out;
}

function hasSecretValues(input: unknown): boolean {
  const secrets = (input as { secrets?: unknown } | null)?.secrets;
  return (
    typeof secrets === 'object' &&
    secrets !== null &&
    Object.values(secrets).some((v) => typeof v === 'string' && v !== '')
  );
}

/** `profiles add`: a profile as JSON (file or stdin); secret values in the JSON or prompted. */
export async function addProfile(
  s: CliSession,
  opts: { from?: string; secret?: string[] },
): Promise<number> {
  const fields = parseSecretFields(opts.secret);
  if ((opts.from === undefined || opts.from === '-') && fields.length > 0) {
    throw new UsageError(
      'Use --from <file> when prompting for secrets; stdin is needed for the prompts.',
    );
  }
  const input = await readJsonInput(s, opts.from);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AppError('bad-request', 'The profile JSON must be an object.');
  }
  if ('id' in input) throw new UsageError('A new profile cannot carry an id; use "profiles edit".');
  const given = { ...input, ...jumpHostByName(s, input) };
  if (fields.length > 0) {
    // Everything but the secrets is checked before they are asked for, not after.
    const check = ProfileSaveInput.safeParse({ ...given, secrets: {} });
    if (!check.success) throw badRequest(check.error, 'profile');
    const usable: readonly string[] = secretFieldsFor(check.data.connection);
    const unusable = fields.filter((field) => !usable.includes(field));
    if (unusable.length > 0) {
      throw new UsageError(
        `This profile has no secret ${unusable.join(', ')}; it takes ${usable.join(', ') || 'none'}.`,
      );
    }
  }
  const prompted = await promptSecrets(s, fields);
  const secrets = { ...((input as { secrets?: object }).secrets ?? {}), ...prompted };
  const full = { ...given, secrets };
  if (hasSecretValues(full)) await s.unlock();
  const saved = s.store.profiles.save(full);
  s.print(saved, () => `Added "${saved.name}" (${saved.id}).`);
  return 0;
}

/**
 * `connection.jumpHost` by name, as in a manifest (docs/manifest.md), becomes the stored
 * `jumpHostId`; an unknown name is an error naming it.
 */
function jumpHostByName(s: CliSession, input: object): { connection?: object } {
  const connection = (input as { connection?: unknown }).connection;
  if (typeof connection !== 'object' || connection === null || !('jumpHost' in connection)) {
    return {};
  }
  const { jumpHost, ...rest } = connection;
  if (jumpHost === null || jumpHost === undefined)
    return { connection: { ...rest, jumpHostId: null } };
  if (typeof jumpHost !== 'string') {
    throw new AppError('bad-request', 'connection.jumpHost must be the name of an SSH profile.');
  }
  const jump = s.store.profiles.findByName(jumpHost);
  if (jump === null) {
    throw new AppError('bad-request', `connection.jumpHost: no profile named "${jumpHost}".`);
  }
  return { connection: { ...rest, jumpHostId: jump.id } };
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  if (keys.some((k) => k === '' || k === '__proto__' || k === 'constructor' || k === 'prototype')) {
    throw new UsageError(`Invalid field path "${dotted}".`);
  }
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null)
      throw new UsageError(`"${dotted}" is not a field of this profile.`);
    node = next as Record<string, unknown>;
  }
  node[keys.at(-1) ?? ''] = value;
}

/** `profiles edit`: change fields with --set path=value, secrets by prompt, or clear them. */
export async function editProfile(
  s: CliSession,
  ref: string,
  opts: { set?: string[]; secret?: string[]; clearSecret?: string[] },
): Promise<number> {
  const promptFields = parseSecretFields(opts.secret);
  const clearFields = parseSecretFields(opts.clearSecret);
  const current = s.store.profiles.resolve(ref);
  const { id, name, folder, tags, notes, connection } = current;
  const draft: Record<string, unknown> = {
    id,
    name,
    folder,
    tags,
    notes,
    connection: structuredClone(connection),
  };
  for (const assignment of opts.set ?? []) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects path=value, got "${assignment}".`);
    const key = assignment.slice(0, eq);
    if (key === 'id' || key.startsWith('secrets'))
      throw new UsageError(`"${key}" cannot be set; secrets are prompted with --secret.`);
    const raw = assignment.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      // A bare word is a string value.
    }
    if (key === 'tags' && typeof value === 'string') {
      // `--set tags=a,b` as it is typed; `--set 'tags=["a","b"]'` works too.
      value = value
        .split(',')
        .map((tag) => tag.trim())
        .filter((tag) => tag !== '');
    }
    if (key === 'connection.jumpHost') {
      // The jump host by name or id, as manifests name it; none clears it.
      const hop =
        value === null || value === '' || value === 'none'
          ? null
          : s.store.profiles.resolve(typeof value === 'string' ? value : raw).id;
      setPath(draft, 'connection.jumpHostId', hop);
      continue;
    }
    setPath(draft, key, value);
  }
  const secrets: Record<string, string | null> = await promptSecrets(s, promptFields);
  for (const field of clearFields) secrets[field] = null;
  draft.secrets = secrets;
  if (hasSecretValues(draft)) await s.unlock();
  const { profile: saved, removedSecrets } = s.store.profiles.saveAndReport(draft);
  s.print({ ...saved, removedSecrets }, () =>
    [`Updated "${saved.name}".`, ...unusedSecretNotes(saved, removedSecrets)].join('\n'),
  );
  return 0;
}

/** What became of stored secrets the profile's settings no longer use. */
function unusedSecretNotes(profile: ProfileView, removed: readonly SecretField[]): string[] {
  const list = (fields: readonly string[]): string => fields.join(' and ');
  const notes: string[] = [];
  if (removed.length > 0) {
    notes.push(`Removed its stored ${list(removed)}: these settings do not use it.`);
  }
  if (profile.keptSecrets.length > 0) {
    const used = secretFieldsFor(profile.connection);
    notes.push(
      `Kept its stored ${list(profile.keptSecrets)}, which these settings do not use, for going back to the earlier ones; ` +
        `it is removed once ${used.join(' or ')} is saved (--secret ${used[0] ?? ''}).`,
    );
  }
  return notes;
}

export function removeProfile(s: CliSession, ref: string): number {
  const profile = s.store.profiles.resolve(ref);
  s.store.profiles.remove(profile.id);
  s.print({ removed: profile.id }, () => `Removed "${profile.name}".`);
  return 0;
}

export async function probeProfile(
  s: CliSession,
  ref: string,
  opts: { timeout?: string; pin?: boolean },
): Promise<number> {
  const profile: ProfileView = s.store.profiles.resolve(ref);
  const timeoutMs = opts.timeout === undefined ? undefined : Number(opts.timeout);
  if (
    timeoutMs !== undefined &&
    (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000)
  ) {
    throw new UsageError(
      '--timeout must be a whole number of milliseconds between 100 and 120000.',
    );
  }
  const refusal = probeRefusal(profile.connection, (id) => s.store.profiles.findById(id)?.name);
  if (refusal !== null) throw new AppError('bad-request', refusal);
  const result = await probeConnection(
    profile.connection,
    timeoutMs === undefined ? {} : { timeoutMs },
  );
  let pinned = false;
  if (opts.pin === true) {
    if (result.certificate === null)
      throw new AppError('bad-request', 'No certificate was seen, so nothing can be pinned.');
    s.store.profiles.pinCertificate(profile.id, result.certificate.fingerprint256);
    pinned = true;
  }
  s.print(
    { ...result, pinned },
    () =>
      formatProbe(result) + (pinned ? `\npinned ${result.certificate?.fingerprint256 ?? ''}` : ''),
  );
  return result.ok || pinned ? 0 : 1;
}

/** The file `profiles import` reads: `-` is stdin, as for other command-line tools. */
async function importText(s: CliSession, file: string | undefined): Promise<string> {
  if (file === undefined) throw new UsageError('profiles import needs a file (or --ssh-config).');
  return file === '-' ? s.input.readAll() : readFileForCli(file);
}

export async function importProfiles(
  s: CliSession,
  file: string | undefined,
  opts: { sshConfig?: boolean },
): Promise<number> {
  const home = os.homedir();
  const fromSsh = opts.sshConfig
    ? sshConfigToManifest(readFileForCli(file ?? path.join(home, '.ssh', 'config')), {
        defaultUser: s.io.env.USER ?? os.userInfo().username,
        home,
        // Relative Include paths are in ~/.ssh, as ssh reads them, whichever file names them.
        include: includeReader(path.join(home, '.ssh'), home),
      })
    : undefined;
  const skipped = fromSsh?.skipped ?? [];
  const notes = fromSsh?.notes ?? [];
  const manifest = fromSsh
    ? fromSsh.manifest
    : await parseProfileFile(await importText(s, file), () => s.exportPassphrase(false));
  if (manifest.profiles.some((p) => Object.keys(p.secrets).length > 0)) await s.unlock();
  const summary = importManifest(s.store.db, s.store.profiles, manifest);
  s.print(
    opts.sshConfig ? { ...summary, skipped, notes } : summary,
    () =>
      `Imported ${summary.created.length} new and ${summary.updated.length} updated profiles` +
      (summary.unchanged.length > 0 ? `; ${summary.unchanged.length} unchanged.` : '.') +
      skipped.map((skip) => `\nSkipped ${skip.name}: ${skip.reason}.`).join('') +
      notes.map((note) => `\nNote: ${note.name}: ${note.reason}.`).join(''),
  );
  return 0;
}

export async function exportProfiles(
  s: CliSession,
  file: string,
  refs: string[],
  opts: { encrypt?: boolean },
): Promise<number> {
  const ids = refs.length === 0 ? 'all' : refs.map((ref) => s.store.profiles.resolve(ref).id);
  let passphrase: string | null = null;
  if (opts.encrypt === true) {
    await s.unlock();
    passphrase = await s.exportPassphrase(true);
  }
  const text = await exportFileText(s.store.db, s.store.profiles, ids, passphrase);
  try {
    writeFileDurably(file, text);
  } catch (error) {
    const why = fileProblem(file, error, 'write');
    throw new AppError('bad-request', `Cannot write ${file}: ${why}.`, { cause: error });
  }
  s.print({ file, encrypted: passphrase !== null }, () =>
    passphrase === null
      ? `Wrote ${file} (without secrets).`
      : `Wrote ${file} (encrypted, with secrets).`,
  );
  return 0;
}
