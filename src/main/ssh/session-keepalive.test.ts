import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-support/temp-dir';
import { useTestKeys } from './test-support/fixtures';
import { openWatched, sessionBed, rootWithKey } from './test-support/session-harness';
import { startSshd } from './test-support/sshd';

const tempDir = useTempDirs();
const term = { cols: 80, rows: 24 };
const keys = useTestKeys();

/** Every process below `pid` (children first read from /proc), deepest last. */
async function descendants(pid: number): Promise<number[]> {
  const found: number[] = [];
  const visit = async (parent: number): Promise<void> => {
    const tasks = await fs.readdir(`/proc/${String(parent)}/task`).catch(() => []);
    for (const task of tasks) {
      const children = await fs
        .readFile(`/proc/${String(parent)}/task/${task}/children`, 'utf8')
        .catch(() => '');
      for (const child of children.split(' ').filter(Boolean).map(Number)) {
        found.push(child);
        await visit(child);
      }
    }
  };
  await visit(pid);
  return found;
}

describe('SSH keepalive and re-keying against OpenSSH', () => {
  it('closes a session whose server stopped answering, saying no keepalive was answered', async () => {
    const dir = await tempDir();
    const keepalive = { intervalMs: 500, countMax: 2 };
    const bed = await sessionBed(dir, { keepalive });
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    const frozen: number[] = [];
    try {
      const watch = await openWatched(
        bed.manager,
        rootWithKey(server, keys.client.privatePath),
        term,
      );
      await watch.state('open');
      bed.manager.write(watch.id, 'echo "alive $((6*7))"\n');
      await watch.output('alive 42');

      // The server freezes (SIGSTOP): the kernel still holds the TCP connection open, so only
      // keepalives can tell that nothing answers any more.
      for (const pid of await descendants(server.pid)) {
        try {
          process.kill(pid, 'SIGSTOP');
          frozen.push(pid);
        } catch {
          // A short-lived process that ended since it was listed.
        }
      }
      expect(frozen.length).toBeGreaterThan(0);

      await watch.until(() => watch.last()?.state === 'closed', 'the keepalive verdict', 60_000);
      expect(watch.last()?.reason).toMatchObject({ kind: 'timeout', retryable: true });
      expect(watch.last()?.reason?.message).toBe(
        `127.0.0.1:${String(server.port)} gave no answer to keepalives; the connection was dropped.`,
      );
    } finally {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // Already gone.
        }
      }
      await server.stop();
    }
  }, 90_000);

  it('keeps a session open through server-initiated re-keying, with output intact and no new prompt', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    // Re-key after every 512 KiB; DEBUG1 logs each key exchange.
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
      extraConfig: ['RekeyLimit 512K', 'LogLevel DEBUG1'],
    });
    try {
      const watch = await openWatched(bed.manager, rootWithKey(server, keys.client.privatePath), {
        ...term,
        command: 'stty raw -echo; head -c 4194304 /dev/zero | tr "\\0" "k"; echo; echo DONE',
      });
      await watch.until(() => watch.last()?.state === 'closed', 'the end of the output', 60_000);
      expect(watch.last()?.reason?.kind).toBe('exited');
      const output = Buffer.concat(watch.chunks);
      // sshd's DEBUG1 lines may come first; the 4 MiB follow, unbroken and in order.
      const start = output.indexOf('kkkk');
      expect(start).toBeGreaterThanOrEqual(0);
      const body = output.subarray(start, start + 4 * 1024 * 1024);
      expect(createHash('sha256').update(body).digest('hex')).toBe(
        createHash('sha256')
          .update(Buffer.alloc(4 * 1024 * 1024, 'k'))
          .digest('hex'),
      );
      expect(output.subarray(start + 4 * 1024 * 1024).toString('latin1')).toMatch(/^\r?\nDONE/);
      // The first key exchange plus several re-keys, all with the host key accepted once.
      const exchanges = server.log().match(/SSH2_MSG_NEWKEYS sent/g) ?? [];
      expect(exchanges.length).toBeGreaterThan(2);
      expect(bed.prompts.filter((p) => p.kind === 'host-key')).toHaveLength(1);
      expect(watch.statuses.some((s) => s.state === 'open')).toBe(true);
    } finally {
      await server.stop();
    }
  }, 90_000);
});
