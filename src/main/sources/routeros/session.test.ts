import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseCommand } from './command';
import { SentenceDecoder } from './decoder';
import { replyWords } from './reply';
import { RouterOsSession, RouterOsTrapError } from './session';
import { encodeSentence, type WordInput } from './words';

/**
 * A scripted router on the far side of an in-memory duplex: each command sentence the session
 * writes is handed to `answer`, which returns the reply sentences to send back.
 */
function scripted(answer: (command: string, tag: string | undefined) => WordInput[][]) {
  const decoder = new SentenceDecoder();
  const seen: string[] = [];
  const socket: Duplex = new Duplex({
    read() {
      // Replies are pushed as commands arrive.
    },
    write(chunk: Buffer, _encoding, callback) {
      for (const sentence of decoder.push(chunk)) {
        const command = parseCommand(sentence);
        seen.push(command.command);
        for (const words of answer(command.command, command.tag)) {
          socket.push(Buffer.from(encodeSentence(words)));
        }
      }
      callback();
    },
    final(callback) {
      socket.push(null);
      callback();
    },
  });
  return { socket, seen };
}

describe('RouterOS native session', () => {
  it('holds a trap until its !done and keeps the session usable', async () => {
    const { socket } = scripted((command, tag) =>
      command === '/bad/print'
        ? [
            replyWords('trap', { tag, attributes: [['message', 'no such command prefix']] }),
            replyWords('trap', { tag, attributes: [['message', 'second trap']] }),
            replyWords('done', { tag }),
          ]
        : [replyWords('empty', { tag }), replyWords('done', { tag })],
    );
    const session = new RouterOsSession(socket);
    const failed = session.run({ command: '/bad/print' });
    await expect(failed).rejects.toBeInstanceOf(RouterOsTrapError);
    await expect(failed).rejects.toMatchObject({ message: /no such command prefix/ });
    await expect(session.run({ command: '/ip/address/print' })).resolves.toMatchObject({
      records: [],
    });
    await session.close();
  });

  it('interleaves tagged replies of concurrent commands', async () => {
    const pending: [string, string | undefined][] = [];
    const { socket } = scripted((command, tag) => {
      pending.push([command, tag]);
      if (pending.length < 2) return [];
      // Answer both, the second command first and the records interleaved.
      const [[, a], [, b]] = pending as [[string, string], [string, string]];
      return [
        replyWords('re', { tag: b, attributes: [['name', 'b1']] }),
        replyWords('re', { tag: a, attributes: [['name', 'a1']] }),
        replyWords('done', { tag: b }),
        replyWords('re', { tag: a, attributes: [['name', 'a2']] }),
        replyWords('done', { tag: a }),
      ];
    });
    const session = new RouterOsSession(socket);
    const [first, second] = await Promise.all([
      session.run({ command: '/interface/print' }),
      session.run({ command: '/ip/address/print' }),
    ]);
    expect(first.records.map((r) => r.attributes.name)).toEqual(['a1', 'a2']);
    expect(second.records.map((r) => r.attributes.name)).toEqual(['b1']);
    await session.close();
  });

  it('cancels a command on the router when it times out, and drops its late replies', async () => {
    const { socket, seen } = scripted((command, tag) =>
      command === '/cancel' ? [replyWords('done', { tag })] : [],
    );
    const session = new RouterOsSession(socket, { commandTimeoutMs: 50 });
    await expect(session.run({ command: '/tool/fetch' })).rejects.toMatchObject({
      code: 'timeout',
    });
    expect(seen).toEqual(['/tool/fetch', '/cancel']);
    await session.close();
  });

  it('refuses to hold more reply bytes than its cap', async () => {
    const { socket } = scripted((_command, tag) => [
      ...Array.from({ length: 50 }, () =>
        replyWords('re', { tag, attributes: [['comment', 'x'.repeat(100)]] }),
      ),
      replyWords('done', { tag }),
    ]);
    const session = new RouterOsSession(socket, { maxPendingBytes: 2000 });
    await expect(session.run({ command: '/log/print' })).rejects.toMatchObject({
      code: 'payload-too-large',
    });
    await session.close();
  });

  it('fails every pending command when the router sends !fatal', async () => {
    const { socket } = scripted(() => [replyWords('fatal', { bare: ['not logged in'] })]);
    const session = new RouterOsSession(socket);
    await expect(session.run({ command: '/system/resource/print' })).rejects.toMatchObject({
      code: 'unavailable',
      message: /closed the session: not logged in/,
    });
    await expect(session.run({ command: '/system/identity/print' })).rejects.toMatchObject({
      code: 'unavailable',
    });
    await session.close();
  });
});
