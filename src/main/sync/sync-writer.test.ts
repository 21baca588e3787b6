import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../core/logger';
import { RecordStore } from '../inventory/record-store';
import { proxmoxGuest } from '../sources/test-helpers';
import type { SourceRecord } from '../sources/types';
import type { Store } from '../store/open-store';
import { unlockedTestStore } from '../store/test-helpers';
import { moveDatabaseAside } from '../test-support/move-aside';
import { SyncHistory } from './sync-history';
import {
  epochNow,
  sourceSyncWriterWorker,
  workerSyncWriter,
  type SyncWriter,
  type SyncWriterWorkerFactory,
} from './sync-writer';

const open: SyncWriter[] = [];
const stores: Store[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
  for (const store of stores.splice(0)) store.close();
});

async function setup(createWorker: SyncWriterWorkerFactory = sourceSyncWriterWorker) {
  const store = await unlockedTestStore();
  stores.push(store);
  const profile = (name: string) =>
    store.profiles.save({
      name,
      connection: {
        kind: 'proxmox',
        url: `https://${name}.lab`,
        auth: { mode: 'token', tokenId: 'root@pam!rs' },
      },
    }).id;
  const warnings: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (message) => warnings.push(message),
    child: () => logger,
  };
  const writer = workerSyncWriter({ db: store.db, createWorker, logger });
  open.push(writer);
  return { store, profile, writer, warnings, records: new RecordStore(store.db) };
}

/**
 * A run begun and its records prepared (the thread has the file open, and has written to it),
 * then the database moved aside as another Rackside process's recovery does, then the run's save
 * handed over.
 */
async function saveAfterMove(createWorker: SyncWriterWorkerFactory) {
  const { store, profile, writer, records } = await setup(createWorker);
  const id = profile('pve');
  const at = new Date().toISOString();
  const runId = await writer.begin(id, 'proxmox', at, null);
  const batch = await records.prepareBatch(id, guests(50, 'v1'), at);
  const moved = moveDatabaseAside(store.db.name);
  const before = moved.files();
  const refused = writer.save({
    profileId: id,
    runId,
    batch,
    warnings: [],
    startedAt: epochNow(),
    at,
  });
  // Awaited by the caller; not reported unhandled meanwhile.
  refused.catch(() => undefined);
  return { refused, moved, before, writer, id, store };
}

/** `count` guests of one cluster, named with `version` so two syncs of them differ. */
function guests(count: number, version: string, notes = 500): SourceRecord[] {
  return Array.from({ length: count }, (_, i) =>
    proxmoxGuest({
      externalId: `pve/qemu/${100 + i}`,
      name: `${version}-${i}`,
      raw: { resource: { vmid: 100 + i, name: `${version}-${i}` }, notes: 'x'.repeat(notes) },
    }),
  );
}

async function save(
  writer: SyncWriter,
  records: RecordStore,
  profileId: string,
  fleet: SourceRecord[],
) {
  const at = new Date().toISOString();
  const runId = await writer.begin(profileId, 'proxmox', at, null);
  const batch = await records.prepareBatch(profileId, fleet, at);
  const counts = await writer.save({
    profileId,
    runId,
    batch,
    warnings: ['a warning'],
    startedAt: epochNow(),
    at,
  });
  return { runId, counts };
}

function namesOf(store: Store, profileId: string): Set<string> {
  const rows = store.db
    .prepare('SELECT name FROM source_records WHERE profile_id = ?')
    .pluck()
    .all(profileId) as string[];
  return new Set(rows.map((name) => name.split('-')[0] ?? ''));
}

describe('workerSyncWriter', () => {
  it('stores a large source on its own thread while the core reads the previous records whole', async () => {
    const { store, profile, writer, records } = await setup();
    const id = profile('pve');
    // Fewer rows than go in one message, so the core hands them over without pausing: what it
    // reads while the save is under way, it reads while the thread writes.
    const count = 900;
    await save(writer, records, id, guests(count, 'old', 20_000));
    const at = new Date().toISOString();
    const runId = await writer.begin(id, 'proxmox', at, null);
    const batch = await records.prepareBatch(id, guests(count, 'new', 20_000), at);

    const seen: Set<string>[] = [];
    let saving = true;
    const reads = (async () => {
      while (saving) {
        seen.push(namesOf(store, id));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const counts = await writer.save({
      profileId: id,
      runId,
      batch,
      warnings: ['a warning'],
      startedAt: epochNow(),
      at,
    });
    saving = false;
    await reads;

    expect(counts).toEqual({ fetched: count, added: 0, changed: count, removed: 0 });
    // The core answered meanwhile, and never saw half a source.
    expect(seen.length).toBeGreaterThan(1);
    for (const names of seen) expect([['old'], ['new']]).toContainEqual([...names]);
    expect([...namesOf(store, id)]).toEqual(['new']);
    const run = new SyncHistory(store.db, () => new Date()).outcome(runId, store.profiles.get(id));
    expect(run).toMatchObject({ status: 'ok', changed: count, warnings: ['a warning'] });
    expect(store.db.prepare('SELECT dirty FROM inventory_state').pluck().get()).toBe(1);
  });

  it('fails a save the database refuses with its reason, keeps nothing of it, and goes on', async () => {
    const { store, profile, writer, records } = await setup();
    const gone = profile('gone');
    const kept = profile('kept');
    const at = new Date().toISOString();
    const runId = await writer.begin(gone, 'proxmox', at, null);
    const batch = await records.prepareBatch(gone, guests(50, 'v1'), at);
    store.profiles.remove(gone);
    await expect(
      writer.save({ profileId: gone, runId, batch, warnings: [], startedAt: epochNow(), at }),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect(store.db.prepare('SELECT count(*) FROM source_records').pluck().get()).toBe(0);

    const { counts } = await save(writer, records, kept, guests(50, 'v1'));
    expect(counts.added).toBe(50);
  });

  it('refuses a save handed over after the database file was moved aside, writing nothing to it', async () => {
    const { refused, moved, before } = await saveAfterMove(sourceSyncWriterWorker);
    await expect(refused).rejects.toMatchObject({
      code: 'SQLITE_READONLY_DBMOVED',
      message: 'The database file was moved or replaced since Rackside opened it.',
    });
    expect(moved.files()).toEqual(before);
  });

  it('runs begun on its thread belong to this process: a second engine does not close them', async () => {
    const { store, profile, writer } = await setup();
    const runId = await writer.begin(profile('pve'), 'proxmox', new Date().toISOString(), null);
    new SyncHistory(store.db, () => new Date()).closeInterrupted();
    expect(store.db.prepare('SELECT status FROM sync_runs WHERE id = ?').pluck().get(runId)).toBe(
      'running',
    );
  });

  it('writes on the core thread instead when its thread cannot start, and says so once', async () => {
    const { store, profile, writer, records, warnings } = await setup(() => {
      throw new Error('no threads here');
    });
    const id = profile('pve');
    await save(writer, records, id, guests(20, 'v1'));
    await save(writer, records, id, guests(20, 'v2'));
    expect([...namesOf(store, id)]).toEqual(['v2']);
    expect(warnings).toEqual(['sync writer thread failed; writing on the core thread']);
  });

  it('writes nothing on the core thread either into a database file moved aside', async () => {
    // The thread cannot start (as when the file is gone from its path): the core's connection,
    // which still has the moved file open, is where the writes would otherwise go.
    const { refused, moved, before, writer, id, store } = await saveAfterMove(() => {
      throw new Error('no threads here');
    });
    await expect(refused).rejects.toMatchObject({ code: 'SQLITE_READONLY_DBMOVED' });
    await expect(writer.begin(id, 'proxmox', new Date().toISOString(), null)).rejects.toMatchObject(
      { code: 'SQLITE_READONLY_DBMOVED' },
    );
    expect(moved.files()).toEqual(before);
    expect(fs.existsSync(store.db.name)).toBe(false);
  });

  it('finishes the writes it was given on the core thread when its thread stops', async () => {
    // A thread that stops before it answers anything.
    const { store, profile, writer, records, warnings } = await setup(
      () => new Worker('process.exit(3)', { eval: true }),
    );
    const id = profile('pve');
    const { runId, counts } = await save(writer, records, id, guests(3_000, 'v1'));
    expect(counts.added).toBe(3_000);
    expect(store.db.prepare('SELECT status FROM sync_runs WHERE id = ?').pluck().get(runId)).toBe(
      'ok',
    );
    expect(warnings).toHaveLength(1);
  });

  it('fails a save its thread stops in the middle of, keeps the previous records, and goes on', async () => {
    // The thread is stopped as soon as the first slice of rows is handed to it; with 30 slices
    // it is gone while the rest are still being handed over, before the caller awaits the save.
    const { store, profile, writer, records, warnings } = await setup((data) => {
      const thread = sourceSyncWriterWorker(data);
      const post = thread.postMessage.bind(thread);
      thread.postMessage = (message: { op?: string }) => {
        post(message);
        if (message.op === 'rows') void thread.terminate();
      };
      return thread;
    });
    const id = profile('pve');
    await expect(save(writer, records, id, guests(30_000, 'v1'))).rejects.toThrow(
      /stopped while storing this source; its previous records were kept/,
    );
    expect(store.db.prepare('SELECT count(*) FROM source_records').pluck().get()).toBe(0);
    expect(warnings).toHaveLength(1);
    // The next sync of it is stored, on the core's connection.
    const { counts } = await save(writer, records, id, guests(2_500, 'v1'));
    expect(counts.added).toBe(2_500);
  });

  it('reports a save stored when its thread stops after the commit, before its answer', async () => {
    const { store, profile, writer, records, warnings } = await setup((data) => {
      const thread = sourceSyncWriterWorker(data);
      const on = thread.on.bind(thread) as (
        event: string,
        listener: (...args: unknown[]) => void,
      ) => Worker;
      (thread as unknown as { on: typeof on }).on = (event, listener) => {
        if (event !== 'message') return on(event, listener);
        return on('message', (reply) => {
          const answer = reply as { ok?: boolean; value?: { added?: unknown } };
          // A save's answer: its transaction is committed, and the thread stops before the
          // answer reaches the core.
          if (answer.ok === true && typeof answer.value?.added === 'number') {
            void thread.terminate();
          } else listener(reply);
        });
      };
      return thread;
    });
    const id = profile('pve');
    const { runId, counts } = await save(writer, records, id, guests(2_500, 'v1'));
    expect(counts).toMatchObject({ added: 2_500, changed: 0, removed: 0 });
    expect(store.db.prepare('SELECT count(*) FROM source_records').pluck().get()).toBe(2_500);
    expect(new SyncHistory(store.db, () => new Date()).storedCounts(runId)).toEqual(counts);
    expect(warnings).toHaveLength(1);
    // Later syncs are stored on the core's connection.
    const next = await save(writer, records, id, guests(2_500, 'v2'));
    expect(next.counts.changed).toBe(2_500);
  });

  it('gives the memory of a large source back: the thread that stored it is replaced once idle', async () => {
    let threads = 0;
    const { store, profile, writer, records } = await setup((data) => {
      threads += 1;
      return sourceSyncWriterWorker(data);
    });
    const id = profile('pve');
    await save(writer, records, id, guests(1_000, 'small', 10));
    expect(threads).toBe(1);
    await save(writer, records, id, guests(20_000, 'large', 10));
    expect(threads).toBe(2);
    // The new thread takes the next sync; nothing was lost on the way.
    const { counts } = await save(writer, records, id, guests(20_000, 'next', 10));
    expect(counts.changed).toBe(20_000);
    expect([...namesOf(store, id)]).toEqual(['next']);
  });

  it('fails a save whose rows cannot be handed over, keeps nothing of it, and goes on', async () => {
    const { store, profile, writer, records } = await setup();
    const id = profile('pve');
    await save(writer, records, id, guests(10, 'v1'));
    const at = new Date().toISOString();
    const runId = await writer.begin(id, 'proxmox', at, null);
    const batch = await records.prepareBatch(id, guests(10, 'v2'), at);
    // A value no thread can be handed (rows are text by construction; this one is not).
    batch.rows[0]?.push((() => 'a function') as unknown as string);
    await expect(
      writer.save({ profileId: id, runId, batch, warnings: [], startedAt: epochNow(), at }),
    ).rejects.toThrow(/could not be cloned/);
    expect([...namesOf(store, id)]).toEqual(['v1']);
    const { counts } = await save(writer, records, id, guests(10, 'v3'));
    expect(counts.changed).toBe(10);
  });

  it('lets a save under way finish before it closes', async () => {
    const { store, profile, writer, records } = await setup();
    const id = profile('pve');
    const at = new Date().toISOString();
    const runId = await writer.begin(id, 'proxmox', at, null);
    const batch = await records.prepareBatch(id, guests(5_000, 'v1'), at);
    const saving = writer.save({ profileId: id, runId, batch, warnings: [], startedAt: 0, at });
    await writer.close();
    await expect(saving).resolves.toMatchObject({ added: 5_000 });
    expect(store.db.prepare('SELECT count(*) FROM source_records').pluck().get()).toBe(5_000);
  });
});
