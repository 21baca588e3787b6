import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract';
import type { SessionPrompt } from '../../shared/ssh';
import { EventHub } from '../core/events';
import { silentLogger } from '../core/logger';
import { TerminalStreams } from '../hosts/terminal-streams';
import { sshProfile, useTestKeys } from '../ssh/test-support/fixtures';
import { openWatched, rootWithKey, sessionBed, Watch } from '../ssh/test-support/session-harness';
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
