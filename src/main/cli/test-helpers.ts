import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { ManifestInput } from '../../shared/manifest';
import { silentLogger } from '../core/logger';
import { tempDir } from '../db/test-helpers';
import { correlateIfDirty, markDirty } from '../inventory/asset-store';
import { RecordStore } from '../inventory/record-store';
import { sampleProfiles } from '../profiles/fixtures';
import type { SourceRecord } from '../sources/types';
import { openStore } from '../store/open-store';
import type { CliIo } from './cli-io';
import { runCli } from './run-cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with the given stdin text and environment; with `columns`, its output
 * goes to a terminal that many columns wide instead of a pipe.
 */
export async function cli(
  argv: string[],
  options: {
    stdin?: string;
    env?: NodeJS.ProcessEnv;
    onInterrupt?: CliIo['onInterrupt'];
    columns?: number;
  } = {},
): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout =
    options.columns === undefined
      ? new PassThrough()
      : Object.assign(new PassThrough(), { isTTY: true, columns: options.columns });
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  stdin.end(options.stdin ?? '');
  const code = await runCli(argv, {
    stdin,
    stdout,
    stderr,
    env: options.env ?? {},
    ...(options.onInterrupt === undefined ? {} : { onInterrupt: options.onInterrupt }),
  });
  return { code, stdout: out, stderr: err };
}

/**
 * Runs the CLI in-process on a terminal: stdin is a TTY, and once what stderr shows includes
 * `prompt`, `typed` is typed there (`\r` is Enter, `\u0003` Ctrl-C), as a person would.
 */
export async function cliOnTerminal(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; prompt: string; typed: string },
): Promise<CliRun> {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    if (err.includes(options.prompt) && !stdin.writableEnded) stdin.end(options.typed);
  });
  const code = await runCli(argv, { stdin, stdout, stderr, env: options.env ?? {} });
  return { code, stdout: out, stderr: err };
}

/**
 * A data folder whose inventory holds, for each Proxmox VE profile named, its `records`,
 * correlated into assets as after a sync; its vault opens with `passphrase`.
 */
export async function seededInventory(
  sources: Record<string, SourceRecord[]>,
  passphrase = 'seeded passphrase 1',
): Promise<string> {
  const dir = tempDir();
  const store = openStore({ dataDir: dir, logger: silentLogger });
  await store.vault.setup(passphrase);
  for (const [name, records] of Object.entries(sources)) {
    const profile = store.profiles.save({
      name,
      tags: [],
      connection: {
        kind: 'proxmox',
        url: `https://${name}.lab`,
        auth: { mode: 'token', tokenId: 'root@pam!rs' },
      },
    });
    store.db.transaction(() => {
      new RecordStore(store.db).replaceProfile(profile.id, records, new Date().toISOString());
      markDirty(store.db);
    })();
  }
  correlateIfDirty(store.db);
  store.close();
  return dir;
}

/** The passphrase the CLI tests' vaults are made with, as the environment gives it. */
export const env = { RACKSIDE_PASSPHRASE: 'cli passphrase 1' };

/** A manifest of the sample profiles, with their secrets. */
export const manifest: ManifestInput = {
  rackside: 'profile-manifest',
  version: 1,
  profiles: sampleProfiles.map(({ name, folder, tags, connection, secrets }) => ({
    name,
    folder,
    tags,
    connection: connection.kind === 'ssh' ? { ...connection, jumpHostId: undefined } : connection,
    secrets: secrets as Record<string, string>,
  })),
};

/** `value` as JSON in a file of a new temp folder; its path. */
export function writeJson(value: unknown): string {
  const file = path.join(tempDir(), 'input.json');
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}
