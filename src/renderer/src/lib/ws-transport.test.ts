import { afterEach, describe, expect, it, vi } from 'vitest';
import { maxImportBytes } from '../../../shared/contract';
import { maxCallFrameBytes } from '../../../shared/wire';
import { webSocketTransport } from './ws-transport';

/** Stands in for the browser's WebSocket: records what is sent and answers every call. */
class FakeSocket {
  static made: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  sent: string[] = [];

  constructor(readonly url: string) {
    FakeSocket.made.push(this);
    queueMicrotask(() => this.onopen?.());
  }

  send(frame: string): void {
    this.sent.push(frame);
    const { id } = JSON.parse(frame) as { id: number };
    const result = { ok: true, data: null };
    queueMicrotask(() =>
      this.onmessage?.({ data: JSON.stringify({ type: 'result', id, result }) }),
    );
  }
}

afterEach(() => {
  FakeSocket.made = [];
  vi.unstubAllGlobals();
});

function transport() {
  vi.stubGlobal('WebSocket', FakeSocket);
  const location = { host: '127.0.0.1:1', search: '?token=t' } as Location;
  return webSocketTransport(location, window.sessionStorage);
}

describe('the browser host transport', () => {
  it('sends a profile file of the largest size the import takes', async () => {
    const calls = transport();
    // A file of nothing but line breaks doubles in the request: the worst a text file does.
    const content = '\n'.repeat(maxImportBytes);
    expect(await calls.invoke('profiles:import', { content, passphrase: null })).toEqual({
      ok: true,
      data: null,
    });
    expect(FakeSocket.made[0]?.sent).toHaveLength(1);
  });

  it('refuses a call the host could not read, without sending it or losing the connection', async () => {
    const calls = transport();
    const content = 'é'.repeat(maxCallFrameBytes / 2);
    const refused = await calls.invoke('profiles:import', { content, passphrase: null });
    expect(refused).toMatchObject({ ok: false, error: { code: 'payload-too-large' } });
    expect(!refused.ok && refused.error.message).toMatch(
      /^profiles:import: the request is \d+ bytes; the limit is \d+$/,
    );
    expect(FakeSocket.made[0]?.sent ?? []).toHaveLength(0);
    expect(await calls.invoke('settings:get', {})).toEqual({ ok: true, data: null });
    expect(FakeSocket.made).toHaveLength(1);
  });
});
