import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { generateFleet, type Fleet } from '../../../lab/fleet';
import type { SyncProgressEvent } from '../../shared/inventory';
import type { EventHub } from '../core/events';
import { silentLogger } from '../core/logger';
import { useTempDirs } from '../test-support/temp-dir';
import { openSqlite } from '../db/sqlite';
import { sampleProfiles } from '../profiles/fixtures';
import { passwordUserProfile, useAuthKeys } from '../ssh/test-support/auth-keys';
import { openWatched } from '../ssh/test-support/session-harness';
import { passwordUserPassword } from '../ssh/test-support/sshd';
import { openStore } from '../store/open-store';
import type { ConnectorSet } from '../sync/sync-engine';
import { addFleetProfiles, fleetConnectors } from '../sync/test-fleet';
import { createCore, type CoreOptions } from './create-core';
import { recoveredElsewhereMessage } from './moved-database';
import { noticesOnceThey } from './notices-test-support';

const tempDir = useTempDirs();

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
