import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionLog } from './session-log';

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
