import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract';
import type { SessionPrompt } from '../../shared/ssh';
import { EventHub } from '../core/events';
import { silentLogger } from '../core/logger';
import { TerminalStreams } from '../hosts/terminal-streams';
import { sshProfile, useTestKeys } from '../ssh/test-support/fixtures';
import {
  fileContains,
  openWatched,
  rootWithKey,
  sessionBed,
  Watch,
} from '../ssh/test-support/session-harness';
import { startSshd } from '../ssh/test-support/sshd';
import { useTempDirs } from '../test-support/temp-dir';
import { sshHandlers } from './ssh-handlers';

const tempDir = useTempDirs();
const keys = useTestKeys();
const browser = { host: 'browser' } as const;

describe('ssh:attach', () => {
  it('asks a window shown after a reload the question its session still has open; its answer connects', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    // The window that was asked went away without answering.
    bed.answer = () => null;
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    const events = new EventHub();
    const streams = new TerminalStreams(bed.manager, silentLogger);
    const ssh = sshHandlers(bed.manager, streams, events, dir);
    const shown: SessionPrompt[] = [];
    events.subscribe((name: EventName, payload) => {
      if (name === 'ssh:prompt') shown.push(payload as SessionPrompt);
    });
    try {
      const session = await openWatched(bed.manager, rootWithKey(server, keys.client.privatePath), {
        cols: 80,
        rows: 24,
      });
      streams.opened(session.id);
      await bed.until(() => bed.prompts.length === 1, 'the host-key question');
      const asked = bed.prompts[0];
      shown.length = 0;

      const view = await ssh.handlers['ssh:attach']({ sessionId: session.id }, browser);
      expect(view).toMatchObject({ id: session.id, status: { state: 'connecting' } });
      expect(shown).toEqual([asked]);
      await ssh.handlers['ssh:answer'](
        { promptId: asked?.promptId ?? '', answer: { kind: 'host-key', answer: 'accept-once' } },
        browser,
      );
      await session.state('open');

      // Nothing left to ask: attaching again shows no question.
      shown.length = 0;
      await ssh.handlers['ssh:attach']({ sessionId: session.id }, browser);
      expect(shown).toEqual([]);
      await expect(
        Promise.resolve().then(() => ssh.handlers['ssh:attach']({ sessionId: 'gone' }, browser)),
      ).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      ssh.close();
      streams.dispose();
      await server.stop();
    }
  });
});

describe('ssh:open with "Log new sessions" on', () => {
  it('opens the session without a log when the log folder cannot be created, and the terminal says why', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    // A file where the folder of session logs should be.
    await fs.writeFile(path.join(dir, 'session-logs'), 'not a folder');
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    const streams = new TerminalStreams(bed.manager, silentLogger);
    const ssh = sshHandlers(bed.manager, streams, new EventHub(), dir);
    try {
      const profile = bed.store.profiles.save(
        sshProfile('logged', server.port, keys.client.privatePath, { hostKeyPolicy: 'accept-new' }),
      );
      const view = await ssh.handlers['ssh:open'](
        { profileId: profile.id, cols: 80, rows: 24, log: true },
        browser,
      );
      expect(view.logFile).toBeNull();
      const session = new Watch(bed.manager, view.id);
      await session.state('open');
      expect(session.text()).toContain(
        `The session log folder ${path.join(dir, 'session-logs')} cannot be created`,
      );
      expect(session.text()).toContain('the session goes on without a log.');
    } finally {
      ssh.close();
      streams.dispose();
      await server.stop();
    }
  });
});

describe('a session log that stops being written', () => {
  it('is said to have stopped, and why, until a reconnect finds it written again', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    const events = new EventHub();
    const stopped: unknown[] = [];
    events.subscribe((name: EventName, payload) => {
      if (name === 'ssh:log-stopped') stopped.push(payload);
    });
    const streams = new TerminalStreams(bed.manager, silentLogger);
    const ssh = sshHandlers(bed.manager, streams, events, dir);
    try {
      const profile = bed.store.profiles.save(
        sshProfile('logged', server.port, keys.client.privatePath, { hostKeyPolicy: 'accept-new' }),
      );
      const opened = await ssh.handlers['ssh:open'](
        { profileId: profile.id, cols: 80, rows: 24, log: true },
        browser,
      );
      expect(opened.logStopped).toBeNull();
      const session = new Watch(bed.manager, opened.id);
      await session.state('open');
      const { logFile } = opened;
      if (logFile === null) throw new Error('no log file');

      // The folder of session logs is removed; the session drops and is connected again.
      await fs.rm(path.dirname(logFile), { recursive: true });
      bed.manager.close(opened.id);
      await session.state('closed');
      const again = await ssh.handlers['ssh:reconnect']({ sessionId: opened.id }, browser);
      expect(again.logFile).toBe(logFile);
      await session.output(`The session log ${logFile} cannot be written: its folder is gone`);
      expect(stopped).toEqual([{ sessionId: opened.id, why: 'its folder is gone (ENOENT)' }]);
      // A window shown after a reload says it too.
      expect(await ssh.handlers['ssh:attach']({ sessionId: opened.id }, browser)).toMatchObject({
        logFile,
        logStopped: 'its folder is gone (ENOENT)',
      });
      await session.state('open');

      // With the folder back, the next connect writes the log again.
      await fs.mkdir(path.dirname(logFile), { recursive: true });
      bed.manager.close(opened.id);
      await session.until(
        () => session.statuses.filter((s) => s.state === 'closed').length === 2,
        'the second close',
      );
      const third = await ssh.handlers['ssh:reconnect']({ sessionId: opened.id }, browser);
      expect(third).toMatchObject({ logFile, logStopped: null });
      await session.until(
        () => session.statuses.filter((s) => s.state === 'open').length === 3,
        'the third open',
      );
      bed.manager.write(opened.id, "echo back'' again\n");
      await session.output(/^back again/m);
      await fileContains(logFile, 'back again');
      expect(stopped).toHaveLength(1);
    } finally {
      ssh.close();
      streams.dispose();
      await server.stop();
    }
  });
});
