import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { unlockedTestStore } from '../store/test-helpers';
import { runOwner, SyncHistory } from './sync-history';

describe('sync runs left running', () => {
  it('are closed as interrupted only when the process that began them is gone', async () => {
    const store = await unlockedTestStore();
    const profile = store.profiles.save({
      name: 'pm',
      connection: { kind: 'patchmon', url: 'https://pm.lab', apiKey: 'k' },
    });
    const history = new SyncHistory(store.db, () => new Date('2026-11-24T10:00:00Z'));
    const owner = (host: string, pid: number, mark = 'another process') =>
      JSON.stringify({ host, pid, mark });
    // A process that has ended, and one that is still running (the app while a command syncs).
    const ended = spawnSync(process.execPath, ['-e', '0']).pid;
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      const runs = {
        mine: history.begin(profile.id, 'patchmon'),
        ended: history.begin(profile.id, 'patchmon'),
        alive: history.begin(profile.id, 'patchmon'),
        samePidEarlierProcess: history.begin(profile.id, 'patchmon'),
        otherMachine: history.begin(profile.id, 'patchmon'),
        noOwner: history.begin(profile.id, 'patchmon'),
      };
      const setOwner = store.db.prepare('UPDATE sync_runs SET owner = ? WHERE id = ?');
      setOwner.run(owner(os.hostname(), ended), runs.ended);
      setOwner.run(owner(os.hostname(), alive.pid ?? 0), runs.alive);
      setOwner.run(owner(os.hostname(), process.pid), runs.samePidEarlierProcess);
      setOwner.run(owner(`${os.hostname()}-copy`, alive.pid ?? 0), runs.otherMachine);
      setOwner.run(null, runs.noOwner);
      expect(
        store.db.prepare('SELECT owner FROM sync_runs WHERE id = ?').pluck().get(runs.mine),
      ).toBe(runOwner);

      history.closeInterrupted();
      const status = store.db.prepare('SELECT status FROM sync_runs WHERE id = ?').pluck();
      expect(
        Object.fromEntries(Object.entries(runs).map(([k, id]) => [k, status.get(id)])),
      ).toEqual({
        mine: 'running',
        ended: 'interrupted',
        alive: 'running',
        samePidEarlierProcess: 'interrupted',
        otherMachine: 'interrupted',
        noOwner: 'interrupted',
      });
    } finally {
      alive.kill();
      store.close();
    }
  });
});
