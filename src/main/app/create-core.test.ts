import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { generateFleet, type Fleet } from '../../../lab/fleet';
import type { Notice } from '../../shared/contract';
import type { SyncProgressEvent } from '../../shared/inventory';
import type { EventHub } from '../core/events';
import { createLogger, silentLogger, type LogRecord } from '../core/logger';
import { useTempDirs } from '../test-support/temp-dir';
import { openSqlite } from '../db/sqlite';
import { sampleProfiles } from '../profiles/fixtures';
import { passwordUserProfile, useAuthKeys } from '../ssh/test-support/auth-keys';
import { openWatched } from '../ssh/test-support/session-harness';
import { passwordUserPassword } from '../ssh/test-support/sshd';
import { openStore } from '../store/open-store';
import { dataBeforeUrlCleanup } from '../store/test-helpers';
import type { ConnectorSet } from '../sync/sync-engine';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import { createCore, type CoreOptions } from './create-core';
import { takeEnvPassphrase } from './env-passphrase';
import { recoveredElsewhereMessage } from './moved-database';

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

/** The notices the core pushes next that `ready` accepts (by their ids). */
function noticesOnceThey(events: EventHub, ready: (ids: string[]) => boolean): Promise<Notice[]> {
  return new Promise((resolve) => {
    const off = events.subscribe((name, payload) => {
      if (name !== 'notices:changed') return;
      const notices = payload as Notice[];
      if (!ready(notices.map((n) => n.id))) return;
      off();
      resolve(notices);
    });
  });
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

describe('an app running on a database another Rackside process moved aside', () => {
  const context = { host: 'browser' } as const;

  it('refuses every save with the reason, keeps showing what is stored, and leaves the moved file alone', async () => {
    const dataDir = await tempDir();
    const options = unlockedCore(dataDir);
    // A first start leaves a profile, in a database closed cleanly (all of it in the file).
    const first = await createCore(options);
    expect((await first.router.dispatch('profiles:save', sampleProfiles[0], context)).ok).toBe(
      true,
    );
    await first.close();
    const auditPage = auditLogPage(path.join(dataDir, 'rackside.db'));

    const core = await createCore(options);
    try {
      const shown = noticesOnceThey(core.events, (ids) => ids.includes('database-recovered'));
      const movedTo = recoverElsewhere(dataDir, auditPage);
      const before = filesOf(movedTo);

      const refusal = {
        ok: false,
        error: { code: 'unavailable', message: recoveredElsewhereMessage },
      };
      expect(recoveredElsewhereMessage).toContain(
        'the data folder was recovered by another Rackside process',
      );
      expect(await core.router.dispatch('profiles:save', sampleProfiles[1], context)).toEqual(
        refusal,
      );
      const listed = await core.router.dispatch('profiles:list', {}, context);
      expect(listed).toMatchObject({ ok: true, data: [{ name: sampleProfiles[0]!.name }] });
      const saved = (listed as { data: { id: string }[] }).data[0]!;
      expect(await core.router.dispatch('profiles:remove', { id: saved.id }, context)).toEqual(
        refusal,
      );
      expect(await core.router.dispatch('sync:start', { profileIds: [saved.id] }, context)).toEqual(
        refusal,
      );
      for (const [channel, payload] of [
        ['inventory:query', { query: '', limit: 10 }],
        ['inventory:facets', {}],
        ['sync:status', {}],
      ] as const) {
        expect(await core.router.dispatch(channel, payload, context)).toMatchObject({ ok: true });
      }
      // The vault still opens, to show what is stored.
      expect(await core.router.dispatch('vault:lock', {}, context)).toMatchObject({ ok: true });
      expect(
        await core.router.dispatch('vault:unlock', { passphrase: options.unlockWith }, context),
      ).toMatchObject({ ok: true, data: { state: 'unlocked' } });
      expect(await core.router.dispatch('profiles:list', {}, context)).toMatchObject({
        ok: true,
        data: [{ id: saved.id }],
      });
      // The banner stays, and says what is true now.
      expect((await shown).map((n) => n.message).join(' ')).toContain('saves nothing');
      expect(filesOf(movedTo)).toEqual(before);
    } finally {
      await core.close();
    }
  });

  it('stops a sync under way, failed, with the reason, storing nothing in the moved file', async () => {
    const dataDir = await tempDir();
    const fleet = generateFleet({ size: 20, seed: 3 });
    let pause = false;
    let reached: () => void = () => undefined;
    const atPage = new Promise<void>((resolve) => (reached = resolve));
    let release: () => void = () => undefined;
    let stopped = false;
    let pagesAfterStop = 0;
    const options = pagedPatchmonCore(dataDir, fleet, async (page) => {
      if (stopped) pagesAfterStop++;
      if (!pause || page !== 1) return;
      pause = false;
      reached();
      await new Promise<void>((resolve) => (release = resolve));
    });
    // The profiles, in a database closed cleanly (all of it in the file).
    const first = await createCore(options);
    const patchmon = addFleetProfiles(first.store.profiles, fleet).get('patchmon')!;
    await first.close();
    const database = path.join(dataDir, 'rackside.db');
    const auditPage = auditLogPage(database);

    const core = await createCore(options);
    try {
      const { progress, ended } = syncProgress(core.events);
      pause = true;
      expect(
        await core.router.dispatch('sync:start', { profileIds: [patchmon] }, context),
      ).toMatchObject({ ok: true });
      await atPage;
      const movedTo = recoverElsewhere(dataDir, auditPage);
      const before = filesOf(movedTo);
      // The next look at the data folder (any command, or the watch) stops the sync.
      expect(await core.router.dispatch('sync:status', {}, context)).toMatchObject({ ok: true });
      stopped = true;
      release();
      await ended;
      expect(progress.at(-1)).toMatchObject({
        profileId: patchmon,
        state: 'failed',
        error: recoveredElsewhereMessage,
      });
      // It stopped there: no further page was asked of the source.
      expect(pagesAfterStop).toBe(0);
      expect(filesOf(movedTo)).toEqual(before);
    } finally {
      release();
      await core.close();
    }
  });

  it('ends a sync still waiting for its turn failed, with the reason, as it ends one under way', async () => {
    const dataDir = await tempDir();
    const fleet = generateFleet({ size: 20, seed: 3 });
    // Two PatchMon profiles sync at once (the default per kind): both hold at their second page.
    let held = 0;
    const bothHeld = deferred();
    const released = deferred();
    const options = pagedPatchmonCore(dataDir, fleet, async (page) => {
      if (page !== 1) return;
      if (++held === 2) bothHeld.resolve();
      await released.promise;
    });
    const first = await createCore(options);
    const patchmon = addFleetProfiles(first.store.profiles, fleet).get('patchmon')!;
    const [second, third] = ['patchmon b', 'patchmon c'].map(
      (name) =>
        first.store.profiles.save({
          name,
          tags: [],
          connection: {
            kind: 'patchmon',
            url: `https://${name.at(-1)!}.patchmon.lab`,
            apiKey: 'k',
          },
        }).id,
    );
    await first.close();
    const auditPage = auditLogPage(path.join(dataDir, 'rackside.db'));

    const core = await createCore(options);
    try {
      const { progress } = syncProgress(core.events);
      expect(
        await core.router.dispatch(
          'sync:start',
          { profileIds: [patchmon, second!, third!] },
          context,
        ),
      ).toMatchObject({ ok: true });
      await bothHeld.promise;
      const movedTo = recoverElsewhere(dataDir, auditPage);
      const before = filesOf(movedTo);
      // The next look at the data folder stops the two under way and the one waiting.
      expect(await core.router.dispatch('sync:status', {}, context)).toMatchObject({ ok: true });
      released.resolve();
      await vi.waitFor(async () => {
        expect(await core.router.dispatch('sync:status', {}, context)).toMatchObject({
          ok: true,
          data: { running: false },
        });
      });
      for (const profileId of [patchmon, second, third]) {
        expect(progress.filter((p) => p.profileId === profileId).at(-1)).toMatchObject({
          state: 'failed',
          error: recoveredElsewhereMessage,
        });
      }
      // The one that waited never reached its source.
      expect(progress.filter((p) => p.profileId === third && p.state === 'running')).toEqual([]);
      expect(filesOf(movedTo)).toEqual(before);
    } finally {
      released.resolve();
      await core.close();
    }
  });
});

describe('a sync save on a database another Rackside process moves aside as it is stored', () => {
  const context = { host: 'browser' } as const;

  it('is refused by the writer thread with the reason, leaving the moved file as it was', async () => {
    const dataDir = await tempDir();
    const fleet = generateFleet({ size: 20, seed: 3 });
    const options = unlockedCore(
      dataDir,
      fleetConnectors(() => fleet),
    );
    const first = await createCore(options);
    const patchmon = addFleetProfiles(first.store.profiles, fleet).get('patchmon')!;
    await first.close();
    const auditPage = auditLogPage(path.join(dataDir, 'rackside.db'));

    const core = await createCore(options);
    // The move comes as the core hands the records to the writer thread: after the core's own
    // look at the data folder, before the thread's commit.
    let moved: { to: string; before: string[] } | undefined;
    const handOver = Object.getOwnPropertyDescriptor(Worker.prototype, 'postMessage')!.value as (
      this: Worker,
      ...args: unknown[]
    ) => void;
    const spy = vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (
      this: Worker,
      message: unknown,
      ...rest: unknown[]
    ) {
      if (moved === undefined && (message as { op?: unknown } | null)?.op === 'rows') {
        const to = recoverElsewhere(dataDir, auditPage);
        moved = { to, before: filesOf(to) };
      }
      handOver.call(this, message, ...rest);
    });
    try {
      const { progress, ended } = syncProgress(core.events);
      expect(
        await core.router.dispatch('sync:start', { profileIds: [patchmon] }, context),
      ).toMatchObject({ ok: true });
      await ended;
      expect(moved).toBeDefined();
      expect(progress.at(-1)).toMatchObject({
        profileId: patchmon,
        state: 'failed',
        error: recoveredElsewhereMessage,
      });
      expect(filesOf(moved!.to)).toEqual(moved!.before);
    } finally {
      spy.mockRestore();
      await core.close();
    }
  });
});

describe('an SSH login on a database another Rackside process moved aside', () => {
  const { sshd } = useAuthKeys();

  it('tells the terminal the password was not kept in the vault, and leaves the moved file alone', async () => {
    const dataDir = await tempDir();
    const server = await sshd(dataDir, ['PasswordAuthentication yes']);
    const options = unlockedCore(dataDir);
    try {
      const first = await createCore(options);
      const profile = first.store.profiles.save(passwordUserProfile('web', server, 'password'));
      await first.close();
      const auditPage = auditLogPage(path.join(dataDir, 'rackside.db'));

      const core = await createCore(options);
      try {
        core.ssh.on('prompt', (prompt) => {
          core.ssh.answer(
            prompt.promptId,
            prompt.kind === 'password'
              ? { kind: 'password', password: passwordUserPassword, save: true }
              : { kind: 'host-key', answer: 'accept-once' },
          );
        });
        const movedTo = recoverElsewhere(dataDir, auditPage);
        const before = filesOf(movedTo);
        const session = await openWatched(core.ssh, profile.id, { cols: 80, rows: 24 });
        await session.state('open');
        // Said as the session opened, before anything typed after answers.
        core.ssh.write(session.id, 'echo typed-$((6*7))\n');
        await session.output('typed-42');
        expect(session.text()).toContain(
          `[The password was not kept in the vault. ${recoveredElsewhereMessage}]`,
        );
        expect(filesOf(movedTo)).toEqual(before);
        expect(core.store.profiles.getSecrets(profile.id).password).toBeUndefined();
      } finally {
        await core.close();
      }
    } finally {
      await server.stop();
    }
  });
});

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** The `sync:progress` events pushed from now on, and when the first that is not `running` came. */
function syncProgress(events: EventHub): { progress: SyncProgressEvent[]; ended: Promise<void> } {
  const progress: SyncProgressEvent[] = [];
  const ended = new Promise<void>((resolve) => {
    events.subscribe((name, payload) => {
      if (name !== 'sync:progress') return;
      progress.push(payload as SyncProgressEvent);
      if ((payload as SyncProgressEvent).state !== 'running') resolve();
    });
  });
  return { progress, ended };
}

/** A core on `dataDir` whose vault is set up at its first start and unlocked at later ones. */
function unlockedCore(
  dataDir: string,
  connectors?: ConnectorSet,
): CoreOptions & {
  unlockWith: string;
} {
  return {
    dataDir,
    host: 'browser',
    version: '0',
    logger: silentLogger,
    unlockWith: 'moved-aside passphrase',
    ...(connectors === undefined ? {} : { connectors }),
  };
}

/** `unlockedCore` syncing from `fleet`, PatchMon five hosts a page, `beforePage` run before each. */
function pagedPatchmonCore(
  dataDir: string,
  fleet: Fleet,
  beforePage: (page: number) => Promise<void>,
): ReturnType<typeof unlockedCore> {
  return unlockedCore(
    dataDir,
    fleetConnectors(() => fleet, { patchmon: { pageSize: 5, beforePage } }),
  );
}

/** Where the audit log's first page is in `database`: damage there is found, never read here. */
function auditLogPage(database: string): { offset: number; size: number } {
  const reader = openSqlite(database);
  const size = reader.pragma('page_size', { simple: true }) as number;
  const root = reader
    .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'audit_log'")
    .pluck()
    .get() as number;
  reader.close();
  return { offset: (root - 1) * size, size };
}

/**
 * Damages the page, and has the CLI's open find the damage and move the database aside, as
 * `rackside` does beside a running app; returns where it went.
 */
function recoverElsewhere(dataDir: string, page: { offset: number; size: number }): string {
  const handle = openSync(path.join(dataDir, 'rackside.db'), 'r+');
  writeSync(handle, Buffer.alloc(page.size, 0xa5), 0, page.size, page.offset);
  closeSync(handle);
  const cli = openStore({ dataDir, logger: silentLogger });
  const movedTo = cli.recovered?.movedTo;
  cli.close();
  if (movedTo === undefined) throw new Error('the CLI found no damage');
  return movedTo;
}

/** The moved database and its WAL, as they are on disk. */
function filesOf(movedTo: string): string[] {
  return [movedTo, `${movedTo}-wal`].map((file) => {
    try {
      return readFileSync(file).toString('base64');
    } catch {
      return '';
    }
  });
}

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
