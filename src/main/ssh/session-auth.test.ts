import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-support/temp-dir';
import { asPasswordUser, useAuthKeys } from './test-support/auth-keys';
import { splitter } from './test-support/splitter';
import { openWatched, sessionBed, rootWithKey } from './test-support/session-harness';
import { generateKey } from './test-support/sshd';

const tempDir = useTempDirs();
const term = { cols: 80, rows: 24 };
const auth = useAuthKeys();
const { sshd } = auth;

describe('SSH sessions against OpenSSH: authentication', () => {
  it('gives the user as long as they need at a prompt; the handshake limit counts only the wait for the server', async () => {
    const dir = await tempDir();
    const server = await sshd(dir);
    const silent = net.createServer(() => {
      // Accepts and says nothing: no SSH banner ever comes.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const bed = await sessionBed(dir, { readyTimeoutMs: 1_000 });
      // The fingerprint is checked for longer than the whole handshake may take.
      bed.answerDelayMs = 2_500;
      const watch = await openWatched(
        bed.manager,
        rootWithKey(server, auth.keys.client.privatePath),
        term,
      );
      await watch.state('open');
      expect(bed.prompts.map((p) => p.kind)).toEqual(['host-key']);

      const port = (silent.address() as net.AddressInfo).port;
      const stalled = await openWatched(
        bed.manager,
        { ...rootWithKey(server, auth.keys.client.privatePath), port },
        term,
      );
      await stalled.state('closed');
      expect(stalled.last()?.reason).toMatchObject({
        kind: 'timeout',
        message: `127.0.0.1:${String(port)} did not complete the SSH handshake in time.`,
      });
    } finally {
      silent.close();
      await server.stop();
    }
  });

  it('keeps the SSH worker running when a connection drops while a login prompt is open', async () => {
    const dir = await tempDir();
    const server = await sshd(dir, [
      'PasswordAuthentication yes',
      'UsePAM yes',
      'KbdInteractiveAuthentication yes',
    ]);
    const front = await splitter([server.port]);
    try {
      const bed = await sessionBed(dir);
      // The user is still typing when the connection drops.
      bed.answer = (prompt) =>
        prompt.kind === 'host-key' ? { kind: 'host-key', answer: 'accept-once' } : null;
      for (const mode of ['password', 'keyboard-interactive'] as const) {
        const dropped = await openWatched(
          bed.manager,
          { ...asPasswordUser(server, mode), port: front.port },
          term,
        );
        await bed.until(
          () => bed.prompts.some((p) => p.kind === mode && p.sessionId === dropped.id),
          `the ${mode} prompt`,
        );
        front.dropAll();
        await dropped.state('closed');
      }
      // The next session still logs in: the worker did not stop with either.
      const next = await openWatched(
        bed.manager,
        rootWithKey(server, auth.keys.client.privatePath),
        term,
      );
      await next.state('open');
    } finally {
      front.close();
      await server.stop();
    }
  });

  it('logs in with a key file, runs a shell and reports each state', async () => {
    const dir = await tempDir();
    const server = await sshd(dir);
    try {
      const bed = await sessionBed(dir);
      const watch = await openWatched(
        bed.manager,
        rootWithKey(server, auth.keys.client.privatePath),
        term,
      );
      await watch.state('open');
      bed.manager.write(watch.id, 'echo "hello from $(whoami)"\n');
      await watch.output('hello from root');
      expect(watch.statuses.map((s) => s.state)).toEqual(['connecting', 'authenticating', 'open']);
      bed.manager.write(watch.id, 'exit 3\n');
      await watch.state('closed');
      expect(watch.last()?.reason?.kind).toBe('exited');
      expect(watch.last()?.reason?.message).toContain('status 3');
    } finally {
      await server.stop();
    }
  });

  it('asks for the passphrase of an encrypted key and logs in with it', async () => {
    const dir = await tempDir();
    const server = await sshd(dir);
    try {
      const bed = await sessionBed(dir);
      bed.answer = (prompt) =>
        prompt.kind === 'passphrase'
          ? { kind: 'passphrase', passphrase: prompt.retry ? 'open sesame' : 'wrong guess' }
          : { kind: 'host-key', answer: 'accept-once' };
      const watch = await openWatched(
        bed.manager,
        {
          host: server.host,
          port: server.port,
          username: 'root',
          auth: { mode: 'key', keyFile: auth.keys.locked.privatePath },
        },
        term,
      );
      await watch.state('open');
      expect(bed.prompts.map((p) => [p.kind, p.kind === 'passphrase' ? p.retry : null])).toEqual([
        ['host-key', null],
        ['passphrase', false],
        ['passphrase', true],
      ]);
    } finally {
      await server.stop();
    }
  });

  it('says the passphrase is wrong, naming the key: after three wrong answers, and at once for a saved one', async () => {
    const dir = await tempDir();
    const server = await sshd(dir);
    try {
      const bed = await sessionBed(dir);
      bed.answer = (prompt) =>
        prompt.kind === 'passphrase'
          ? { kind: 'passphrase', passphrase: 'wrong guess' }
          : { kind: 'host-key', answer: 'remember' };
      const key = auth.keys.locked.privatePath;
      const typed = await openWatched(
        bed.manager,
        { ...rootWithKey(server, key), auth: { mode: 'key', keyFile: key } },
        term,
      );
      await typed.state('closed');
      expect(bed.prompts.filter((p) => p.kind === 'passphrase')).toHaveLength(3);
      expect(typed.last()?.reason).toMatchObject({
        kind: 'auth-failed',
        retryable: false,
        hop: 0,
        message: `The passphrase for the private key ${key} is wrong.`,
      });

      bed.prompts.length = 0;
      const saved = await openWatched(
        bed.manager,
        { ...rootWithKey(server, key), auth: { mode: 'key', keyFile: key, passphrase: 'stale' } },
        term,
      );
      await saved.state('closed');
      // The user typed nothing, so no prompt may say "that was not accepted".
      expect(bed.prompts).toEqual([]);
      expect(saved.last()?.reason).toMatchObject({
        kind: 'auth-failed',
        retryable: false,
        message: `The saved passphrase for the private key ${key} is wrong.`,
      });
    } finally {
      await server.stop();
    }
  });

  it('says what is wrong with a key file: a public key, an encryption it cannot undo, a wrong passphrase of an AES-GCM key', async () => {
    const dir = await tempDir();
    const server = await sshd(dir);
    try {
      const bed = await sessionBed(dir);
      bed.answer = (prompt) =>
        prompt.kind === 'passphrase'
          ? { kind: 'passphrase', passphrase: 'open sesame' }
          : { kind: 'host-key', answer: 'remember' };
      const failure = async (keyFile: string) => {
        const watch = await openWatched(bed.manager, rootWithKey(server, keyFile), term);
        await watch.state('closed');
        return watch.last()?.reason;
      };

      expect(await failure(auth.keys.client.publicPath)).toMatchObject({
        kind: 'auth-failed',
        message: `${auth.keys.client.publicPath} is a public key; choose the private key instead (the file without .pub).`,
      });

      // Its passphrase is known, but ssh2 cannot decrypt chacha20-poly1305: not asked for.
      const chacha = await generateKey(dir, 'chacha', {
        passphrase: 'open sesame',
        cipher: 'chacha20-poly1305@openssh.com',
      });
      bed.prompts.length = 0;
      expect(await failure(chacha.privatePath)).toMatchObject({
        kind: 'auth-failed',
        message:
          `The private key ${chacha.privatePath} is encrypted with chacha20-poly1305@openssh.com, ` +
          'which Rackside cannot decrypt. Re-encrypt it with one it can: ' +
          `ssh-keygen -p -Z aes256-ctr -f ${chacha.privatePath}`,
      });
      expect(bed.prompts.filter((p) => p.kind === 'passphrase')).toEqual([]);

      const gcm = await generateKey(dir, 'gcm', {
        passphrase: 'another one',
        cipher: 'aes256-gcm@openssh.com',
      });
      bed.prompts.length = 0;
      expect(await failure(gcm.privatePath)).toMatchObject({
        kind: 'auth-failed',
        message: `The passphrase for the private key ${gcm.privatePath} is wrong.`,
      });
      expect(bed.prompts.filter((p) => p.kind === 'passphrase')).toHaveLength(3);
    } finally {
      await server.stop();
    }
  });

  it('says an ssh-agent holds no keys, rather than that the login failed', async () => {
    const dir = await tempDir();
    const server = await sshd(dir);
    const socket = path.join(dir, 'empty-agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      await expect
        .poll(() =>
          fs.stat(socket).then(
            () => true,
            () => false,
          ),
        )
        .toBe(true);
      const bed = await sessionBed(dir, { agentSocket: socket });
      const watch = await openWatched(
        bed.manager,
        { host: server.host, port: server.port, username: 'root', auth: { mode: 'agent' } },
        term,
      );
      await watch.state('closed');
      expect(watch.last()?.reason).toMatchObject({
        kind: 'auth-failed',
        retryable: false,
        message: `The ssh-agent holds no keys to log in to 127.0.0.1:${server.port} with: add one with ssh-add, or choose another login for this profile.`,
      });
    } finally {
      agent.kill();
      await server.stop();
    }
  });

  it('blames an ssh-agent that is gone, not the server', async () => {
    const dir = await tempDir();
    const server = await sshd(dir);
    try {
      // SSH_AUTH_SOCK still names the socket of an agent that has stopped.
      const bed = await sessionBed(dir, { agentSocket: path.join(dir, 'agent.sock') });
      const watch = await openWatched(
        bed.manager,
        { host: server.host, port: server.port, username: 'root', auth: { mode: 'agent' } },
        term,
      );
      await watch.state('closed');
      expect(watch.last()?.reason).toMatchObject({
        kind: 'auth-failed',
        retryable: false,
        hop: 0,
        message:
          `The ssh-agent could not be used to log in to 127.0.0.1:${server.port} ` +
          '(Failed to connect to agent). Check that the agent runs and SSH_AUTH_SOCK points to it.',
      });
    } finally {
      await server.stop();
    }
  });
});
