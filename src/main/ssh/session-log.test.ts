import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-support/temp-dir';
import { SessionLog } from './session-log';
import { useTestKeys } from './test-support/fixtures';
import { openWatched, rootWithKey, sessionBed } from './test-support/session-harness';
import { startSshd, type Sshd } from './test-support/sshd';

const tempDir = useTempDirs();
const keys = useTestKeys();

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

describe('the session log', () => {
  it('keeps every line of output even when the chunks are handed to another thread at once', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rackside-log-'));
    dirs.push(dir);
    const file = path.join(dir, 'session.log');
    const log = new SessionLog(file);
    const channel = new MessageChannel();
    const expected: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const line = `line ${String(i).padStart(5, '0')} ${'x'.repeat(60)}\r\n`;
      expected.push(line);
      const chunk = new Uint8Array(Buffer.from(line));
      log.output(chunk);
      // What the SSH worker does with each chunk right after logging it.
      channel.port1.postMessage(chunk, [chunk.buffer]);
      expect(chunk.byteLength).toBe(0);
    }
    await log.close();
    channel.port1.close();
    expect(await fs.readFile(file, 'utf8')).toBe(expected.join(''));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });
});

/** A root shell on `server` with its session log in `logFile`, once it is open. */
async function openLogged(dir: string, server: Sshd, logFile: string) {
  const bed = await sessionBed(dir);
  const watch = await openWatched(bed.manager, rootWithKey(server, keys.client.privatePath), {
    cols: 80,
    rows: 24,
    logFile,
  });
  await watch.state('open');
  return { bed, watch };
}

describe('the session log against OpenSSH', () => {
  it('shows the session closed at once when the disk under its log hangs', async () => {
    const dir = await tempDir();
    // Nobody reads this FIFO: opening it for writing blocks, as I/O on a hung disk does.
    const logFile = path.join(dir, 'hung.log');
    await promisify(execFile)('mkfifo', [logFile]);
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    try {
      const { bed, watch } = await openLogged(dir, server, logFile);
      bed.manager.write(watch.id, "echo st''ill here\n");
      await watch.output(/^still here/m);
      bed.manager.write(watch.id, 'exit 4\n');
      await watch.state('closed');
      expect(watch.last()?.reason).toMatchObject({ kind: 'exited' });
      expect(watch.last()?.reason?.message).toContain('status 4');
    } finally {
      // A reader lets the blocked open return, so no thread stays stuck after the test.
      const reader = await fs.open(logFile, constants.O_RDONLY | constants.O_NONBLOCK);
      await reader.close();
      await server.stop();
    }
  });
});

describe('quitting with sessions open', () => {
  it('finishes each session log before the SSH worker stops', async () => {
    const dir = await tempDir();
    const logFile = path.join(dir, 'session.log');
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    try {
      const { bed, watch } = await openLogged(dir, server, logFile);
      bed.manager.write(watch.id, "echo la''st words\n");
      await watch.output(/^last words/m);
      await bed.manager.dispose();
      const log = await fs.readFile(logFile, 'utf8');
      expect(log).toMatch(/^last words/m);
      expect(log).toContain('disconnected: The session was closed.');
    } finally {
      await server.stop();
    }
  });
});
