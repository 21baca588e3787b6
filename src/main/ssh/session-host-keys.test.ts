import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-support/temp-dir';
import { sha256Fingerprint } from './fingerprint';
import { readKnownHostsFile } from './known-hosts-file';
import { useTestKeys } from './test-support/fixtures';
import { openWatched, rootWithKey, sessionBed, type Bed } from './test-support/session-harness';
import { generateKey, startSshd, type KeyPair, type Sshd } from './test-support/sshd';
import { splitter } from './test-support/splitter';

const tempDir = useTempDirs();
const term = { cols: 80, rows: 24 };
const keys = useTestKeys();

const blob = (key: KeyPair): Buffer => Buffer.from(key.publicBase64, 'base64');
const fingerprintOf = (key: KeyPair): string => sha256Fingerprint(blob(key));

/** The host-key prompt shown for `sessionId`; fails the test when there is none. */
function promptOf(bed: Bed, sessionId: string): string {
  const prompt = bed.prompts.find((p) => p.kind === 'host-key' && p.sessionId === sessionId);
  if (prompt === undefined) throw new Error(`no host-key prompt for ${sessionId}`);
  return prompt.promptId;
}

async function sshd(dir: string, hostKey: KeyPair = keys.hostA): Promise<Sshd> {
  return startSshd(dir, {
    hostKey,
    authorizedKeys: [keys.client.publicLine],
    extraConfig: ['LogLevel DEBUG1'],
  });
}

/**
 * Two tabs opened one after the other to a server whose key is new: the first asks about it,
 * the second meets the same key and waits on that question. Prompts are left to the test.
 */
async function twoTabsOneQuestion() {
  const dir = await tempDir();
  const bed = await sessionBed(dir);
  bed.answer = () => null;
  const server = await sshd(dir);
  const target = rootWithKey(server, keys.client.privatePath);
  const first = await openWatched(bed.manager, target, term);
  await bed.until(() => bed.prompts.length === 1, 'the first tab to ask');
  const second = await openWatched(bed.manager, target, term);
  await bed.until(() => bed.hostKeyQuestions.length === 2, 'the second tab to meet the key');
  expect(bed.prompts).toHaveLength(1);
  return { bed, server, target, first, second };
}

/**
 * A strict session to a server that offers an ed25519 key (which ssh2 prefers) and an ECDSA key,
 * with only the ECDSA key in known_hosts (`known`, the line written); resolves once the session
 * opened or closed. The caller stops the server.
 */
async function strictToServerWithTwoKeys(dir: string, bed: Bed) {
  const ecdsa = await generateKey(dir, 'host-ecdsa', { type: 'ecdsa' });
  const server = await startSshd(dir, {
    hostKey: keys.hostA,
    authorizedKeys: [keys.client.publicLine],
    extraConfig: [`HostKey ${ecdsa.privatePath}`],
  });
  try {
    const known = `[${server.host}]:${server.port} ${ecdsa.publicLine.split(' ').slice(0, 2).join(' ')}\n`;
    await fs.writeFile(bed.knownHostsFile, known);
    const watch = await openWatched(
      bed.manager,
      { ...rootWithKey(server, keys.client.privatePath), hostKeyPolicy: 'strict' },
      term,
    );
    await watch.until(
      () => watch.last()?.state === 'open' || watch.last()?.state === 'closed',
      'the session to open or close',
    );
    return { server, known, watch };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

describe('SSH sessions against OpenSSH: one question per unknown host key', () => {
  it('asks once for two tabs meeting the same new key; "remember" opens both, and a different key still asks for itself', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    bed.answer = () => null;
    const [server, impostor] = await Promise.all([sshd(dir), sshd(dir, keys.hostB)]);
    // The first connection to this address meets another key of the same type.
    const front = await splitter([impostor.port, server.port]);
    try {
      const target = { ...rootWithKey(server, keys.client.privatePath), port: front.port };
      const odd = await openWatched(bed.manager, target, term);
      await bed.until(() => bed.prompts.length === 1, 'the first tab to ask');
      const first = await openWatched(bed.manager, target, term);
      await bed.until(() => bed.prompts.length === 2, 'the second tab to ask');
      const second = await openWatched(bed.manager, target, term);
      await bed.until(() => bed.hostKeyQuestions.length === 3, 'the third tab to meet its key');

      // The same key as the second tab's question: no dialog of its own.
      expect(bed.prompts.map((p) => (p.kind === 'host-key' ? p.question.fingerprint : ''))).toEqual(
        [fingerprintOf(keys.hostB), fingerprintOf(keys.hostA)],
      );
      expect(bed.prompts.map((p) => p.sessionId)).toEqual([odd.id, first.id]);
      // The waiting tab says what it waits for; the asking ones do not.
      await second.until(
        () => second.last()?.waitingFor === 'host-key-in-another-tab',
        'the waiting tab to say so',
      );
      expect(first.statuses.some((status) => status.waitingFor !== undefined)).toBe(false);
      // Nobody logged in while the questions were open.
      expect(server.log()).not.toContain('userauth-request');

      bed.manager.answer(promptOf(bed, first.id), { kind: 'host-key', answer: 'remember' });
      // Answered: it no longer waits, before it is even open.
      await second.until(
        () => second.statuses.at(-1)?.waitingFor === undefined,
        'the waiting tab to stop waiting',
      );
      await Promise.all([first.state('open'), second.state('open')]);
      expect(bed.prompts).toHaveLength(2);
      await expect(bed.trust.check(server.host, front.port, blob(keys.hostA))).resolves.toEqual({
        status: 'trusted',
        source: 'Rackside known hosts',
      });

      // The other key's dialog stayed up; answered now, it meets the key just remembered.
      bed.manager.answer(promptOf(bed, odd.id), { kind: 'host-key', answer: 'remember' });
      await odd.state('closed');
      expect(odd.last()?.reason?.kind).toBe('host-key-changed');
      expect(impostor.log()).not.toContain('userauth-request');
    } finally {
      front.close();
      await Promise.all([server.stop(), impostor.stop()]);
    }
  });

  it('lets a tab waiting on the question connect too after "accept once", and asks again later', async () => {
    const { bed, server, target, first, second } = await twoTabsOneQuestion();
    try {
      bed.manager.answer(promptOf(bed, first.id), { kind: 'host-key', answer: 'accept-once' });
      await Promise.all([first.state('open'), second.state('open')]);
      expect(bed.prompts).toHaveLength(1);
      await expect(
        bed.trust.check(server.host, server.port, blob(keys.hostA)),
      ).resolves.toMatchObject({ status: 'unknown' });

      // Accepted for that moment only: a tab opened afterwards asks for itself.
      const later = await openWatched(bed.manager, target, term);
      await bed.until(() => bed.prompts.length === 2, 'the later tab to ask');
      expect(bed.prompts[1]?.sessionId).toBe(later.id);
    } finally {
      await server.stop();
    }
  });

  it('asks the waiting tab itself when the question is cancelled, sending no credential before', async () => {
    const { bed, server, first, second } = await twoTabsOneQuestion();
    try {
      bed.manager.answer(promptOf(bed, first.id), { kind: 'cancel' });
      await first.state('closed');
      expect(first.last()?.reason?.kind).toBe('host-key-refused');
      await bed.until(() => bed.prompts.length === 2, 'the waiting tab to ask');
      expect(bed.prompts[1]).toMatchObject({
        kind: 'host-key',
        sessionId: second.id,
        question: { fingerprint: fingerprintOf(keys.hostA) },
      });
      expect(server.log()).not.toContain('userauth-request');

      bed.manager.answer(promptOf(bed, second.id), { kind: 'host-key', answer: 'remember' });
      await second.state('open');
    } finally {
      await server.stop();
    }
  });

  it('asks the next waiting tab when the tab that asked is closed, and never a tab closed while it waited', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    bed.answer = () => null;
    const closedPrompts: string[] = [];
    bed.manager.on('prompt-closed', (promptId) => closedPrompts.push(promptId));
    const server = await sshd(dir);
    try {
      const target = rootWithKey(server, keys.client.privatePath);
      const first = await openWatched(bed.manager, target, term);
      await bed.until(() => bed.prompts.length === 1, 'the first tab to ask');
      const second = await openWatched(bed.manager, target, term);
      const third = await openWatched(bed.manager, target, term);
      await bed.until(() => bed.hostKeyQuestions.length === 3, 'all tabs to meet the key');
      expect(bed.prompts).toHaveLength(1);

      bed.manager.close(second.id);
      await second.state('closed');
      bed.manager.close(first.id);
      await first.state('closed');
      expect(closedPrompts).toEqual([promptOf(bed, first.id)]);
      await bed.until(() => bed.prompts.length === 2, 'the third tab to ask');
      expect(bed.prompts.map((p) => p.sessionId)).toEqual([first.id, third.id]);

      bed.manager.answer(promptOf(bed, third.id), { kind: 'host-key', answer: 'remember' });
      await third.state('open');
      expect(bed.prompts).toHaveLength(2);
    } finally {
      await server.stop();
    }
  });

  it('keeps the SSH worker running when a connection drops, or its tab closes, while its host-key question is open', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    bed.answer = () => null;
    const server = await sshd(dir);
    const front = await splitter([server.port]);
    try {
      const target = rootWithKey(server, keys.client.privatePath);
      const dropped = await openWatched(bed.manager, { ...target, port: front.port }, term);
      await bed.until(() => bed.prompts.length === 1, 'the question about the key');
      front.close();
      await dropped.state('closed');
      const closedTab = await openWatched(bed.manager, target, term);
      await bed.until(() => bed.prompts.length === 2, 'the next question');
      bed.manager.discard(closedTab.id);

      // Other sessions go on: the worker took neither end as a crash.
      const next = await openWatched(bed.manager, target, term);
      await bed.until(() => bed.prompts.length === 3, 'a question for the next tab');
      bed.manager.answer(promptOf(bed, next.id), { kind: 'host-key', answer: 'accept-once' });
      await next.state('open');
    } finally {
      front.close();
      await server.stop();
    }
  });

  it('connects with the keys Rackside remembered when ~/.ssh/known_hosts cannot be read, and says so in the terminal', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    // A folder where the file should be: reading it fails (EISDIR), as a symlink loop would.
    await fs.mkdir(bed.knownHostsFile);
    const server = await sshd(dir);
    try {
      bed.trust.remember(server.host, server.port, blob(keys.hostA));
      const watch = await openWatched(
        bed.manager,
        rootWithKey(server, keys.client.privatePath),
        term,
      );
      await watch.state('open');
      expect(bed.prompts).toEqual([]);
      expect(watch.text()).toContain(`${bed.knownHostsFile} cannot be read (EISDIR)`);
    } finally {
      await server.stop();
    }
  });

  it('reads known_hosts once per connection, so the key type asked for and the trust decision agree', async () => {
    const dir = await tempDir();
    const reads: string[] = [];
    const bed = await sessionBed(
      dir,
      {},
      {
        // The file is emptied right after each reading, as `ssh-keygen -R` run meanwhile would:
        // a second reading in the same connection would find the key gone.
        readKnownHostsFile: async (file) => {
          reads.push(file);
          const parsed = await readKnownHostsFile(file);
          await fs.writeFile(file, '');
          return parsed;
        },
      },
    );
    const { server, known, watch } = await strictToServerWithTwoKeys(dir, bed);
    try {
      expect(watch.last()).toEqual({ state: 'open' });
      expect(reads).toEqual([bed.knownHostsFile]);

      // A new connection of the session reads the file again: the key is back, so it opens.
      bed.manager.write(watch.id, 'exit\n');
      await watch.state('closed');
      await fs.writeFile(bed.knownHostsFile, known);
      await bed.manager.reconnect(watch.id);
      await watch.state('open');
      expect(reads).toEqual([bed.knownHostsFile, bed.knownHostsFile]);
    } finally {
      await server.stop();
    }
  });

  it('asks a server with several host keys for the type known_hosts has, as ssh does, so a strict profile connects', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    const { server, watch } = await strictToServerWithTwoKeys(dir, bed);
    try {
      expect(watch.last()).toEqual({ state: 'open' });
      expect(bed.prompts).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
