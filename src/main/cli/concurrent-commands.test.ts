import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { tempDir } from '../db/test-helpers';
import { openStore } from '../store/open-store';

const bin = path.resolve(import.meta.dirname, '../../../bin/rackside.mjs');
const passphrase = 'concurrent passphrase 1';

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `rackside` as its own process; resolves with how it ended, whatever the exit status. */
async function rackside(dataDir: string, args: string[]): Promise<Exit> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [bin, '--data-dir', dataDir, ...args],
      { env: { ...process.env, RACKSIDE_PASSPHRASE: passphrase } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as Exit;
    return { code, stdout, stderr };
  }
}

function manifestFile(name: string): string {
  const file = path.join(tempDir(), `${name}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      rackside: 'profile-manifest',
      version: 1,
      profiles: [
        {
          name,
          connection: {
            kind: 'ssh',
            host: '10.0.0.1',
            username: 'ops',
            auth: { mode: 'password' },
          },
          secrets: { password: `pw-${name}` },
        },
      ],
    }),
  );
  return file;
}

describe('rackside commands run at the same time on one data folder', () => {
  it('create one vault between them when both are the first to store secrets', async () => {
    const alpha = manifestFile('alpha');
    const beta = manifestFile('beta');
    for (let round = 0; round < 3; round += 1) {
      const dir = tempDir();
      // The database exists, the vault not yet: each command's first secret sets it up.
      openStore({ dataDir: dir, logger: silentLogger }).close();
      const runs = await Promise.all([
        rackside(dir, ['profiles', 'import', alpha]),
        rackside(dir, ['profiles', 'import', beta]),
      ]);
      expect(runs.map((run) => run.code)).toEqual([0, 0]);
      const store = openStore({ dataDir: dir, logger: silentLogger });
      try {
        await store.vault.unlock(passphrase);
        const secrets = store.profiles
          .list()
          .map((profile) => store.profiles.getSecrets(profile.id))
          .sort((a, b) => String(a.password).localeCompare(String(b.password)));
        expect(secrets).toEqual([{ password: 'pw-alpha' }, { password: 'pw-beta' }]);
      } finally {
        store.close();
      }
      const said = runs.map((run) => run.stderr).join('');
      expect(said.match(/created a new vault/g)).toHaveLength(1);
    }
  }, 90_000);
});
