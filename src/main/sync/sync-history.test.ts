import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { describe, expect, it, vi } from 'vitest';
import { unlockedTestStore } from '../store/test-helpers';
import { ownerGone, runOwner, SyncHistory } from './sync-history';

/** A process's state and command name, as `ps` shows them (`/proc` on Linux). */
function inspect(pid: number): { state: string; command: string } {
  if (process.platform === 'linux') {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return {
      state: stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3),
      command: readFileSync(`/proc/${String(pid)}/comm`, 'utf8').trim(),
    };
  }
  const ps = spawnSync('ps', ['-o', 'stat=,comm=', '-p', String(pid)], { encoding: 'utf8' });
  const [state = '', command = ''] = ps.stdout.trim().split(/\s+/);
  return { state: state.slice(0, 1), command: command.split('/').at(-1) ?? '' };
}

const waitOptions = { timeout: 10_000, interval: 20 };

/** Whether signal 0 reaches the process: the check used where there is no `/proc`. */
function answersSignal0(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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

  it('counts a process that ended but was not reaped (a zombie) as gone', async () => {
    // `sh` starts `cat` in the background and becomes `sleep`, which never waits for children:
    // when its input ends, `cat` exits and stays a zombie until `sleep` is stopped.
    const parent = spawn('sh', ['-c', 'exec 3<&0; cat <&3 >/dev/null & echo $!; exec sleep 60'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    try {
      const parentPid = parent.pid ?? 0;
      const lines = createInterface({ input: parent.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const zombie = Number(first);
      // `cat` ends only once no shell is left that could reap it.
      await vi.waitFor(() => expect(inspect(parentPid).command).toBe('sleep'), waitOptions);
      parent.stdin.end();
      await vi.waitFor(() => expect(inspect(zombie).state).toBe('Z'), waitOptions);

      const owner = (pid: number) =>
        JSON.stringify({ host: os.hostname(), pid, mark: 'another process' });
      expect(ownerGone(owner(parentPid))).toBe(false);
      if (process.platform === 'linux') {
        // Signal 0 still reaches it: only its state says it is gone.
        expect(answersSignal0(zombie)).toBe(true);
        expect(ownerGone(owner(zombie))).toBe(true);
      } else {
        expect(ownerGone(owner(zombie))).toBe(!answersSignal0(zombie));
      }
    } finally {
      parent.kill();
    }
  });
});

describe('the freshness of a source', () => {
  it('says when its last sync was cancelled, without calling it offline', async () => {
    const store = await unlockedTestStore();
    const profile = store.profiles.save({
      name: 'pm',
      connection: { kind: 'patchmon', url: 'https://pm.lab', apiKey: 'k' },
    });
    let now = new Date('2026-11-24T10:00:00Z');
    const history = new SyncHistory(store.db, () => now);
    const ok = history.begin(profile.id, 'patchmon');
    history.finish(ok, 'ok', { durationMs: 10 });
    const shown = () => history.freshness(store.profiles.list(), new Set())[0];
    expect(shown()?.message).toBe('data from 2026-11-24T10:00:00.000Z');
    now = new Date('2026-11-24T11:00:00Z');
    const cancelled = history.begin(profile.id, 'patchmon');
    history.finish(cancelled, 'cancelled', { error: 'The sync was cancelled.', durationMs: 5 });
    expect(shown()).toMatchObject({
      offline: false,
      lastStatus: 'cancelled',
      message: 'data from 2026-11-24T10:00:00.000Z (the last sync was cancelled)',
    });
    store.close();
  });
});

describe('a failed source in the freshness', () => {
  it('is unreachable when it could not be talked to, and failed when its answer was no use', async () => {
    const store = await unlockedTestStore();
    const profile = store.profiles.save({
      name: 'pm',
      connection: { kind: 'patchmon', url: 'https://pm.lab', apiKey: 'k' },
    });
    const history = new SyncHistory(store.db, () => new Date('2026-11-24T10:00:00Z'));
    const kindAfter = (errorCode: 'unavailable' | 'timeout' | 'protocol-error' | 'internal') => {
      const run = history.begin(profile.id, 'patchmon');
      history.finish(run, 'failed', { errorCode, error: `failed: ${errorCode}`, durationMs: 5 });
      return history.freshness([profile], new Set())[0]?.offlineKind;
    };
    expect(kindAfter('unavailable')).toBe('unreachable');
    expect(kindAfter('timeout')).toBe('unreachable');
    expect(kindAfter('protocol-error')).toBe('failed');
    expect(kindAfter('internal')).toBe('failed');
    // A reachability check that cannot connect says unreachable, whatever the last sync said.
    const away = new Map([
      [profile.id, { reason: 'cannot reach pm.lab:443', at: '2026-11-24T10:01:00Z' }],
    ]);
    expect(history.freshness([profile], new Set(), away)[0]?.offlineKind).toBe('unreachable');
    store.close();
  });
});
