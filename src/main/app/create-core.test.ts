import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createLogger, silentLogger, type LogRecord } from '../core/logger';
import { useTempDirs } from '../test-support/temp-dir';
import { openStore } from '../store/open-store';
import { dataBeforeUrlCleanup } from '../store/test-helpers';
import { createCore, type CoreOptions } from './create-core';
import { takeEnvPassphrase } from './env-passphrase';
import { noticesOnceThey } from './notices-test-support';

const tempDir = useTempDirs();

/** Dismisses the notice `id` in one start of the core; the next start shows no notice. */
async function dismissForGood(options: CoreOptions, id: string): Promise<void> {
  const context = { host: 'browser' } as const;
  const core = await createCore(options);
  expect(await core.router.dispatch('notices:dismiss', { id }, context)).toEqual({
    ok: true,
    data: [],
  });
  await core.close();
  const after = await createCore(options);
  expect(await after.router.dispatch('notices:list', {}, context)).toEqual({ ok: true, data: [] });
  await after.close();
}

describe('starting the core with a passphrase (scripted starts such as the demo)', () => {
  it('sets the vault up on first start and unlocks it on later starts', async () => {
    const dataDir = await tempDir();
    const options = { dataDir, host: 'browser', version: '0', logger: silentLogger } as const;
    const first = await createCore({ ...options, unlockWith: 'demo passphrase' });
    expect(first.store.vault.state()).toBe('unlocked');
    await first.close();
    const second = await createCore({ ...options, unlockWith: 'demo passphrase' });
    expect(second.store.vault.state()).toBe('unlocked');
    const info = await second.router.dispatch('app:info', {}, { host: 'browser' });
    expect(info).toMatchObject({
      ok: true,
      data: { vault: 'unlocked', userName: os.userInfo().username },
    });
    await second.close();
    await expect(
      createCore({ ...options, unlockWith: 'another passphrase' }),
    ).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
  });

  it('takes the passphrase out of the environment so children do not inherit it', () => {
    const env: NodeJS.ProcessEnv = { RACKSIDE_PASSPHRASE: 'from env', PATH: '/bin' };
    expect(takeEnvPassphrase(env)).toBe('from env');
    expect(env).toEqual({ PATH: '/bin' });
    expect(takeEnvPassphrase({ RACKSIDE_PASSPHRASE: '' })).toBeUndefined();
  });
});

describe('the idle lock', () => {
  it('starts again on the activity the window reports, not on the page refreshing itself', async () => {
    const dataDir = await tempDir();
    const core = await createCore({
      dataDir,
      host: 'browser',
      version: '0',
      logger: silentLogger,
      unlockWith: 'demo passphrase',
    });
    try {
      const touch = vi.spyOn(core.store.vault, 'touch');
      const context = { host: 'browser' } as const;
      for (const channel of ['sync:status', 'inventory:facets', 'profiles:list'] as const) {
        expect((await core.router.dispatch(channel, {}, context)).ok).toBe(true);
      }
      expect(
        (await core.router.dispatch('inventory:query', { query: '', limit: 10 }, context)).ok,
      ).toBe(true);
      expect(touch).not.toHaveBeenCalled();
      expect(await core.router.dispatch('vault:active', {}, context)).toEqual({
        ok: true,
        data: {},
      });
      expect(touch).toHaveBeenCalledTimes(1);
    } finally {
      await core.close();
    }
  });
});

describe('a settings file the core cannot use', () => {
  const context = { host: 'browser' } as const;

  it('starts anyway when settings.json is a folder, and says so until dismissed', async () => {
    const dataDir = await tempDir();
    await fs.mkdir(path.join(dataDir, 'settings.json'));
    const core = await createCore({ dataDir, host: 'browser', version: '0', logger: silentLogger });
    const pushed: unknown[] = [];
    core.events.subscribe((name, payload) => {
      if (name === 'notices:changed') pushed.push(payload);
    });
    const listed = await core.router.dispatch('notices:list', {}, context);
    expect(listed).toMatchObject({
      ok: true,
      data: [
        {
          id: 'settings',
          dismissible: true,
          message: expect.stringMatching(
            /\(it cannot be read: it is a folder\)\. It was moved to /,
          ) as unknown,
        },
      ],
    });
    expect(await core.router.dispatch('settings:set', { theme: 'dark' }, context)).toMatchObject({
      ok: true,
      data: { theme: 'dark' },
    });
    expect(await core.router.dispatch('notices:dismiss', { id: 'settings' }, context)).toEqual({
      ok: true,
      data: [],
    });
    expect(pushed).toEqual([[]]);
    expect(await core.router.dispatch('notices:list', {}, context)).toEqual({ ok: true, data: [] });
    await core.close();
  });

  it('keeps what is valid in a settings file with one bad saved search, and names it', async () => {
    const dataDir = await tempDir();
    await fs.writeFile(
      path.join(dataDir, 'settings.json'),
      JSON.stringify({
        theme: 'dark',
        lockTimeoutMinutes: 5,
        savedSearches: [
          { name: 'Debian', query: 'os:debian' },
          { name: '   ', query: 'blank name' },
        ],
        telemetry: false,
      }),
    );
    const core = await createCore({ dataDir, host: 'browser', version: '0', logger: silentLogger });
    expect(await core.router.dispatch('settings:get', {}, context)).toMatchObject({
      ok: true,
      data: {
        theme: 'dark',
        lockTimeoutMinutes: 5,
        savedSearches: [{ name: 'Debian', query: 'os:debian' }],
      },
    });
    const listed = await core.router.dispatch('notices:list', {}, context);
    expect(listed).toMatchObject({
      ok: true,
      data: [
        {
          id: 'settings',
          message: expect.stringContaining('the saved search "   " (name: ') as unknown,
        },
      ],
    });
    await core.close();
  });
});

describe('a damaged database another Rackside process moved aside', () => {
  const context = { host: 'browser' } as const;

  it('is reported at every start until the notice is dismissed', async () => {
    const dataDir = await tempDir();
    const options = { dataDir, host: 'browser', version: '0', logger: silentLogger } as const;
    // The database a first start leaves. No vault is set up: its key derivation, the slowest
    // part of a start by far, has nothing to do with this notice.
    await (await createCore(options)).close();
    const database = path.join(dataDir, 'rackside.db');
    await fs.truncate(database, 8192);
    // The CLI (any other process) finds the damage and moves the file aside.
    const finder = openStore({ dataDir, logger: silentLogger });
    expect(finder.recovered).not.toBeNull();
    finder.close();

    for (let start = 0; start < 2; start++) {
      const core = await createCore(options);
      expect(await core.router.dispatch('notices:list', {}, context)).toEqual({
        ok: true,
        data: [
          {
            id: 'database-recovered',
            dismissible: true,
            message: expect.stringMatching(
              new RegExp(
                `^The database ${database} is damaged \\(integrity check failed: .*\\)\\. It was moved to ${database}\\.corrupt-`,
              ),
            ) as unknown,
          },
        ],
      });
      await core.close();
    }

    await dismissForGood(options, 'database-recovered');
  });

  it('is reported to an app already running, and goes when the CLI dismisses it', async () => {
    const dataDir = await tempDir();
    const options = { dataDir, host: 'browser', version: '0', logger: silentLogger } as const;
    // No vault is set up, as above.
    const core = await createCore(options);
    try {
      const shown = noticesOnceThey(core.events, (ids) => ids.includes('database-recovered'));
      const database = path.join(dataDir, 'rackside.db');
      await fs.writeFile(database, 'not a database');
      // The CLI finds the damage and moves the file aside while the app runs.
      const finder = openStore({ dataDir, logger: silentLogger });
      expect(finder.recovered).not.toBeNull();
      finder.close();

      expect(await shown).toEqual([
        {
          id: 'database-recovered',
          dismissible: true,
          message: expect.stringMatching(
            new RegExp(
              `^The database ${database} is damaged \\(not an SQLite file\\)\\. It was moved to ${database}\\.corrupt-.* Restart Rackside to use the new one: until then it shows what the moved file holds and saves nothing\\.$`,
            ),
          ) as unknown,
        },
      ]);
      expect(await core.router.dispatch('notices:list', {}, context)).toMatchObject({
        ok: true,
        data: [{ id: 'database-recovered' }],
      });

      // `rackside recovery --dismiss` in a terminal: the banner goes in the running app too.
      const gone = noticesOnceThey(core.events, (ids) => ids.length === 0);
      const cli = openStore({ dataDir, logger: silentLogger });
      cli.dismissRecoveries();
      cli.close();
      expect(await gone).toEqual([]);
    } finally {
      await core.close();
    }
  });

  it('ignores a record of damaged databases that is not one', async () => {
    const dataDir = await tempDir();
    const options = { dataDir, host: 'browser', version: '0', logger: silentLogger } as const;
    for (const content of ['', 'not json', '{"version":1,"recoveries":[{"at":1}]}', '[]']) {
      await fs.writeFile(path.join(dataDir, 'database-recovered.json'), content);
      const core = await createCore(options);
      expect(await core.router.dispatch('notices:list', {}, context)).toEqual({
        ok: true,
        data: [],
      });
      await core.close();
    }
    // A new damage replaces it with a record that is one.
    await fs.writeFile(path.join(dataDir, 'rackside.db'), 'not a database');
    const core = await createCore(options);
    expect(await core.router.dispatch('notices:list', {}, context)).toMatchObject({
      ok: true,
      data: [{ id: 'database-recovered' }],
    });
    await core.close();
    const again = await createCore(options);
    expect(await again.router.dispatch('notices:list', {}, context)).toMatchObject({
      ok: true,
      data: [{ id: 'database-recovered' }],
    });
    await again.close();
  });
});

describe('passwords an upgrade took out of source URLs', () => {
  const context = { host: 'browser' } as const;
  const password = 'Hunter2-in-the-url';

  it('names the profiles that lost one and says to enter it in their secret, until dismissed', async () => {
    const dataDir = await tempDir();
    dataBeforeUrlCleanup(dataDir, password);
    const logged: LogRecord[] = [];
    const logger = createLogger({ level: 'debug', sink: (record) => logged.push(record) });
    const options = { dataDir, host: 'browser', version: '0', logger } as const;
    const expected = {
      ok: true,
      data: [
        {
          id: 'url-passwords-removed',
          dismissible: true,
          message:
            'Rackside no longer keeps passwords in source URLs, where they were stored unencrypted: the update took the password out of the URL of "Foreman prod" and "Patches". To connect with them again, open each profile and enter its password in the profile\'s secret, which the vault keeps encrypted.',
        },
      ],
    };
    for (let start = 0; start < 2; start++) {
      const core = await createCore(options);
      expect(await core.router.dispatch('notices:list', {}, context)).toEqual(expected);
      await core.close();
    }
    // The CLI says it too, at every command, until it is dismissed here or there.
    const cli = openStore({ dataDir, logger: silentLogger });
    expect(cli.recoveries().map((r) => r.message)).toEqual([expected.data[0]!.message]);
    cli.close();

    await dismissForGood(options, 'url-passwords-removed');

    // The password itself is in no log and no file in the data folder.
    expect(JSON.stringify(logged)).not.toContain(password);
    for (const name of await fs.readdir(dataDir)) {
      expect(await fs.readFile(path.join(dataDir, name), 'latin1')).not.toContain(password);
    }
  });
});
