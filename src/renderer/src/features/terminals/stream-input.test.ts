import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  failReaderWorker,
  installReaderWorker,
  pageSockets,
  pointPageAt,
  startPortHost,
  startTerminalHost,
  stopReaderWorker,
  type TestPortHost,
  type TestTerminalHost,
} from '../../test-support/terminal-host';
import type { TerminalSession } from './terminal-session';
import { defaultSettings } from './terminals-store';

let host: TestTerminalHost;
const sessions: TerminalSession[] = [];

beforeAll(async () => {
  // The first import of the terminal compiles it and its stream modules: about a second, several
  // on a busy machine. Done once here, it is not charged to whichever test runs first (each test
  // still gets a fresh page: `vi.resetModules` below runs them again, compiled already).
  await import('./terminal-session');
});
beforeEach(async () => {
  host = await startTerminalHost();
  pointPageAt(host);
  // The page's reader worker is module state: every test starts with a fresh page.
  vi.resetModules();
});
afterEach(async () => {
  for (const session of sessions.splice(0)) session.dispose();
  stopReaderWorker();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  await host.stop();
});

async function newSession(
  streamLost: (session: TerminalSession) => void = () => undefined,
): Promise<TerminalSession> {
  const { TerminalSession } = await import('./terminal-session');
  const session: TerminalSession = new TerminalSession(defaultSettings, {
    input: () => undefined,
    reply: () => undefined,
    resized: () => undefined,
    confirmPaste: () => undefined,
    openSearch: () => undefined,
    keyCommand: () => undefined,
    streamLost: () => {
      streamLost(session);
    },
  });
  sessions.push(session);
  return session;
}

async function terminal(sessionId: string): Promise<TerminalSession> {
  const session = await newSession();
  host.open(sessionId);
  session.connect(sessionId);
  return session;
}

/** What the terminal shows, a wrapped line joined to the line it continues. */
function screen(session: TerminalSession): string {
  const buffer = session.term.buffer.active;
  let text = '';
  for (let y = 0; y < buffer.length; y += 1) {
    const line = buffer.getLine(y);
    if (line === undefined) continue;
    text += (line.isWrapped || y === 0 ? '' : '\n') + line.translateToString(true);
  }
  return text;
}

/**
 * `BAD` (the frame the host refuses) and `later;` are typed before the terminal hears of the
 * refusal: it shows `notice`, and what is typed once the stream is back is sent (`typed`: the
 * session's input so far, `ok;` before this).
 */
async function typeAsAFrameIsRefused(
  session: TerminalSession,
  notice: string,
  typed: () => string,
): Promise<void> {
  // The host takes nothing after the refused frame, or the shell would run what was typed with a
  // piece missing.
  session.send('BAD');
  session.send('later;');
  await vi.waitFor(() => {
    expect(screen(session)).toContain(notice);
  });
  session.send('again;');
  await vi.waitFor(() => {
    expect(typed()).toBe('ok;again;');
  });
}

const readers = [
  ['the page’s reader worker', true],
  ['the page itself', false],
] as const;

describe.each(readers)('a terminal whose stream is read by %s', (_name, inWorker) => {
  beforeEach(async () => {
    if (inWorker) await installReaderWorker();
  });

  it('delivers what was typed while the host went away (1001) once the stream is back, in order and once', async () => {
    const session = await terminal('s-1');
    session.send('one;');
    await vi.waitFor(() => {
      expect(host.typed('s-1')).toBe('one;');
    });
    const first = pageSockets.at(-1);
    if (first === undefined) throw new Error('no socket');

    // The host says it is going away; the page's socket is closing while keys are typed.
    host.close('s-1', 1001, { hold: true });
    await vi.waitFor(() => {
      expect(first.readyState).toBe(WebSocket.CLOSING);
    });
    session.send('two;');
    // Typed the moment the socket has closed, before the terminal has heard of it.
    first.addEventListener('close', () => {
      session.send('three;');
    });
    host.release('s-1');
    await vi.waitFor(() => {
      expect(first.readyState).toBe(WebSocket.CLOSED);
    });
    session.send('four;');

    await vi.waitFor(() => {
      expect(host.typed('s-1')).toBe('one;two;three;four;');
    });
    expect(host.sockets('s-1')).toBe(2);
    session.send('five;');
    await vi.waitFor(() => {
      expect(host.typed('s-1')).toBe('one;two;three;four;five;');
    });
    expect(host.arrived('s-1').join('')).toBe('one;two;three;four;five;');
    expect(screen(session)).not.toContain('not sent');
  });

  it.each([1003, 1007] as const)(
    'says how much typing was not sent when the host refuses a frame (%i), and sends that frame only once',
    async (code) => {
      const session = await terminal('s-2');
      session.send('ok;');
      await vi.waitFor(() => {
        expect(host.typed('s-2')).toBe('ok;');
      });
      host.refuse('BAD', code);
      await typeAsAFrameIsRefused(
        session,
        "[The last 9 bytes typed were not sent: Rackside's local server refused them as malformed]",
        () => host.typed('s-2'),
      );
      expect(host.sockets('s-2')).toBe(2);
      expect(host.arrived('s-2').filter((text) => text.includes('BAD'))).toEqual(['BAD']);
    },
  );

  it('says what typing was not sent when the stream cannot be opened again (the host started anew)', async () => {
    const session = await terminal('s-3');
    session.send('ok;');
    await vi.waitFor(() => {
      expect(host.typed('s-3')).toBe('ok;');
    });
    const first = pageSockets.at(-1);
    if (first === undefined) throw new Error('no socket');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    // The host went away and came back without the session: every new socket is refused.
    host.forget('s-3');
    host.close('s-3', 1001);
    await vi.waitFor(() => {
      expect(first.readyState).toBe(WebSocket.CLOSED);
    });
    session.send('lost;');
    // Each attempt to open it again is refused; the terminal tries five times.
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      // The wait before the next attempt starts once the terminal hears the last socket closed,
      // which a reader worker tells it a few messages after the socket itself shows closed.
      await vi.waitFor(() => {
        expect(vi.getTimerCount()).toBe(1);
      });
      await vi.advanceTimersByTimeAsync(250 * 2 ** attempt);
      await vi.waitFor(() => {
        expect(pageSockets).toHaveLength(attempt + 1);
        expect(pageSockets[attempt]?.readyState).toBe(WebSocket.CLOSED);
      });
    }
    vi.useRealTimers();
    await vi.waitFor(() => {
      expect(screen(session)).toContain(
        "[5 bytes typed were not sent: this terminal's stream closed and could not be opened again]",
      );
    });
    // What is typed from now on is not sent either, and the terminal says so.
    session.send('more');
    await vi.waitFor(() => {
      expect(screen(session)).toContain(
        "[4 bytes typed were not sent: this terminal's stream closed and could not be opened again]",
      );
    });
    expect(host.typed('s-3')).toBe('ok;');
  });
});

describe.each(readers)('an Electron terminal whose port is read by %s', (_name, inWorker) => {
  let ports: TestPortHost;
  beforeEach(async () => {
    vi.stubGlobal('rackside', {});
    ports = startPortHost();
    if (inWorker) await installReaderWorker();
  });
  afterEach(() => {
    ports.stop();
  });

  it('says how much typing was not sent when the app refuses a frame, and sends what is typed next on a new port', async () => {
    const id = 'p-1';
    const session = await newSession();
    session.connect(id);
    ports.open(id);
    session.send('ok;');
    ports.output(id, 'ok\r\n$ ');
    await vi.waitFor(() => {
      expect(ports.typed(id)).toBe('ok;');
      expect(screen(session)).toContain('ok\n$');
    });
    ports.refuse('BAD');
    await typeAsAFrameIsRefused(
      session,
      "[The last 9 bytes typed were not sent: Rackside refused them as malformed and closed this terminal's stream (it is open again)]",
      () => ports.typed(id),
    );
    // Output shows too.
    ports.output(id, 'again\r\n');
    await vi.waitFor(() => {
      expect(screen(session)).toContain('again');
    });
    expect(ports.ports(id)).toBe(2);
    expect(ports.arrived(id).filter((text) => text.includes('BAD'))).toEqual(['BAD']);
  });
});

/**
 * `ok;` is typed and taken (`taken`: the session's input so far); then the reader worker stops,
 * `lost` (ASCII) is typed, and the page hears the worker failed: the terminal says those keys may
 * not have been sent.
 */
async function typeAsTheReaderFails(
  session: TerminalSession,
  lost: string,
  taken: () => string,
): Promise<void> {
  session.send('ok;');
  await vi.waitFor(() => {
    expect(taken()).toBe('ok;');
  });
  stopReaderWorker();
  session.send(lost);
  failReaderWorker();
  await vi.waitFor(() => {
    expect(screen(session)).toContain(
      `[${String(lost.length)} bytes typed may not have been sent: the page's terminal reader failed, and this terminal's output is shown again]`,
    );
  });
}

describe('a terminal whose reader worker fails', () => {
  beforeEach(async () => {
    await installReaderWorker();
  });

  it('says how many bytes typed as it failed may not have been sent, and sends what is typed next', async () => {
    // The tab takes its stream back, as terminal-actions does.
    const session = await newSession((lost) => {
      lost.reattach('s-9');
    });
    host.open('s-9');
    session.connect('s-9');
    await typeAsTheReaderFails(session, 'lost;', () => host.typed('s-9'));
    session.send('next;');
    await vi.waitFor(() => {
      expect(host.typed('s-9')).toBe('ok;next;');
    });
    expect(host.sockets('s-9')).toBe(2);
  });

  it('says so under Electron too, for keys typed into its port as the worker failed', async () => {
    vi.stubGlobal('rackside', {});
    const ports = startPortHost();
    try {
      const session = await newSession();
      session.connect('p-9');
      ports.open('p-9');
      await typeAsTheReaderFails(session, 'gone;', () => ports.typed('p-9'));
      expect(ports.typed('p-9')).toBe('ok;');
    } finally {
      ports.stop();
    }
  });
});
