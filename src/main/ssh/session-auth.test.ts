import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-support/temp-dir';
import { sha256Fingerprint } from './fingerprint';
import { splitter } from './test-support/splitter';
import { fileContains, openWatched, sessionBed, rootWithKey } from './test-support/session-harness';
import {
  ensurePasswordUser,
  generateKey,
  passwordUser,
  passwordUserPassword,
  startSshd,
  type KeyPair,
  type Sshd,
} from './test-support/sshd';

const tempDir = useTempDirs();
const term = { cols: 80, rows: 24 };
let keys: { host: KeyPair; client: KeyPair; locked: KeyPair };
let keyDir: string;

beforeAll(async () => {
  keyDir = await fs.mkdtemp('/tmp/rackside-ssh-keys-');
  const [host, client, locked] = await Promise.all([
    generateKey(keyDir, 'host'),
    generateKey(keyDir, 'client'),
    generateKey(keyDir, 'locked', { passphrase: 'open sesame' }),
  ]);
  keys = { host, client, locked };
  await ensurePasswordUser();
  return () => fs.rm(keyDir, { recursive: true, force: true });
});

/** A quick-connect target: the test's password user on `server`, logging in by `mode`. */
function asPasswordUser(
  server: Sshd,
  mode: 'password' | 'keyboard-interactive',
): { host: string; port: number; username: string; auth: { mode: typeof mode } } {
  return { host: server.host, port: server.port, username: passwordUser, auth: { mode } };
}

async function sshd(dir: string, extraConfig: string[] = []): Promise<Sshd> {
  const server = await startSshd(dir, {
    hostKey: keys.host,
    authorizedKeys: [keys.client.publicLine, keys.locked.publicLine],
    extraConfig,
  });
  return server;
}

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
        rootWithKey(server, keys.client.privatePath),
        term,
      );
      await watch.state('open');
      expect(bed.prompts.map((p) => p.kind)).toEqual(['host-key']);

      const port = (silent.address() as net.AddressInfo).port;
      const stalled = await openWatched(
        bed.manager,
        { ...rootWithKey(server, keys.client.privatePath), port },
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
        rootWithKey(server, keys.client.privatePath),
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
        rootWithKey(server, keys.client.privatePath),
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
          auth: { mode: 'key', keyFile: keys.locked.privatePath },
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
      const key = keys.locked.privatePath;
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

      expect(await failure(keys.client.publicPath)).toMatchObject({
        kind: 'auth-failed',
        message: `${keys.client.publicPath} is a public key; choose the private key instead (the file without .pub).`,
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

  it('logs in with a password, and reports a wrong saved password as an authentication failure', async () => {
    const dir = await tempDir();
    const server = await sshd(dir, ['PasswordAuthentication yes']);
    try {
      const bed = await sessionBed(dir);
      const target = { host: server.host, port: server.port, username: passwordUser };
      const good = await openWatched(
        bed.manager,
        { ...target, auth: { mode: 'password', password: passwordUserPassword } },
        term,
      );
      await good.state('open');
      bed.manager.write(good.id, 'id -un\n');
      await good.output(passwordUser);

      const bad = await openWatched(
        bed.manager,
        { ...target, auth: { mode: 'password', password: 'nope' } },
        term,
      );
      await bad.state('closed');
      expect(bad.last()?.reason).toMatchObject({ kind: 'auth-failed', retryable: false });
      expect(bad.last()?.reason?.message).toBe(
        `The saved password for ${passwordUser}@127.0.0.1:${server.port} was not accepted.`,
      );
    } finally {
      await server.stop();
    }
  });

  it('sends a saved password PAM refuses once, though OpenSSH starts another attempt', async () => {
    const dir = await tempDir();
    const server = await sshd(dir, [
      'UsePAM yes',
      'KbdInteractiveAuthentication yes',
      'PasswordAuthentication no',
    ]);
    try {
      const bed = await sessionBed(dir);
      const profile = bed.store.profiles.save({
        name: 'pam',
        connection: {
          kind: 'ssh',
          host: server.host,
          port: server.port,
          username: passwordUser,
          auth: { mode: 'keyboard-interactive' },
          hostKeyPolicy: 'accept-new',
          jumpHostId: null,
        },
        secrets: { password: 'nope' },
      });
      const bad = await openWatched(bed.manager, profile.id, term);
      await bad.state('closed');
      expect(bad.last()?.reason).toMatchObject({
        kind: 'auth-failed',
        message: `The saved password for ${passwordUser}@127.0.0.1:${server.port} was not accepted.`,
      });
      // Each refused try counts towards the account's lockout (pam_faillock). sshd may log the
      // connection's end after the client has seen it.
      await expect
        .poll(() => /Disconnected from|Connection closed by/.test(server.log()))
        .toBe(true);
      expect(server.log().match(/Failed keyboard-interactive\/pam/g)).toHaveLength(1);
      expect(bed.prompts).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('logs in with a password where the server asks for it by keyboard-interactive only', async () => {
    const dir = await tempDir();
    // PasswordAuthentication stays off: PAM asks "Password:" through keyboard-interactive.
    const server = await sshd(dir, ['UsePAM yes', 'KbdInteractiveAuthentication yes']);
    const keyOnly = await sshd(dir);
    try {
      const bed = await sessionBed(dir);
      bed.answer = (prompt) =>
        prompt.kind === 'password'
          ? { kind: 'password', password: prompt.retry ? passwordUserPassword : 'wrong guess' }
          : { kind: 'host-key', answer: 'remember' };
      const target = { host: server.host, port: server.port, username: passwordUser };
      const saved = await openWatched(
        bed.manager,
        { ...target, auth: { mode: 'password', password: passwordUserPassword } },
        term,
      );
      await saved.state('open');
      bed.manager.write(saved.id, 'id -un\n');
      await saved.output(passwordUser);
      expect(bed.prompts.map((p) => p.kind)).toEqual(['host-key']);

      bed.prompts.length = 0;
      const typed = await openWatched(bed.manager, { ...target, auth: { mode: 'password' } }, term);
      await typed.state('open');
      expect(bed.prompts.map((p) => [p.kind, p.kind === 'password' ? p.retry : null])).toEqual([
        ['password', false],
        ['password', true],
      ]);

      bed.prompts.length = 0;
      const refused = await openWatched(
        bed.manager,
        { ...target, port: keyOnly.port, auth: { mode: 'password' } },
        term,
      );
      await refused.state('closed');
      // Not asked for a password the server would never look at.
      expect(bed.prompts.map((p) => p.kind)).toEqual(['host-key']);
      expect(refused.last()?.reason).toMatchObject({
        kind: 'auth-failed',
        retryable: false,
        message: `127.0.0.1:${keyOnly.port} does not accept passwords (it offers publickey).`,
      });
    } finally {
      await Promise.all([server.stop(), keyOnly.stop()]);
    }
  });

  it('keeps a typed password in the vault when asked to, once the login succeeds', async () => {
    const dir = await tempDir();
    const server = await sshd(dir, ['PasswordAuthentication yes']);
    const pam = await sshd(dir, ['UsePAM yes', 'KbdInteractiveAuthentication yes']);
    try {
      const bed = await sessionBed(dir);
      const profile = (port: number, name: string, mode: 'password' | 'keyboard-interactive') =>
        bed.store.profiles.save({
          name,
          connection: {
            kind: 'ssh',
            host: server.host,
            port,
            username: passwordUser,
            auth: { mode },
          },
        });
      const byPassword = profile(server.port, 'web-pw', 'password');
      // A wrong password first, saved; then the right one, saved: only the last is kept.
      bed.answer = (prompt) =>
        prompt.kind === 'password'
          ? {
              kind: 'password',
              password: prompt.retry ? passwordUserPassword : 'wrong guess',
              save: true,
            }
          : { kind: 'host-key', answer: 'remember' };
      const first = await openWatched(bed.manager, byPassword.id, term);
      await first.state('open');
      const asked = bed.prompts.flatMap((p) => (p.kind === 'password' ? [p.saveTo] : []));
      expect(asked).toEqual(['web-pw', 'web-pw']);
      expect(bed.store.profiles.getSecrets(byPassword.id).password).toBe(passwordUserPassword);
      bed.manager.close(first.id);

      // The next login needs no prompt.
      bed.prompts.length = 0;
      const again = await openWatched(bed.manager, byPassword.id, term);
      await again.state('open');
      expect(bed.prompts).toEqual([]);
      bed.manager.close(again.id);

      // Keyboard-interactive: the round asking only for the password may be kept, and then
      // answers itself; a login that fails keeps nothing.
      const byKeyboard = profile(pam.port, 'web-kbd', 'keyboard-interactive');
      bed.prompts.length = 0;
      // A wrong answer, then the same question again: cancelled.
      let rounds = 0;
      bed.answer = (prompt) => {
        if (prompt.kind !== 'keyboard-interactive') return { kind: 'host-key', answer: 'remember' };
        rounds += 1;
        return rounds === 1
          ? { kind: 'keyboard-interactive', answers: ['not it'], save: true }
          : { kind: 'cancel' };
      };
      const failing = await openWatched(bed.manager, byKeyboard.id, term);
      await failing.state('closed');
      expect(bed.store.profiles.getSecrets(byKeyboard.id).password).toBeUndefined();
      const round = bed.prompts.find((p) => p.kind === 'keyboard-interactive');
      expect(round?.kind === 'keyboard-interactive' && round.saveTo).toBe('web-kbd');
      // Asked the same again after the refused answer, the round says so.
      expect(
        bed.prompts.flatMap((p) => (p.kind === 'keyboard-interactive' ? [p.retry] : [])),
      ).toEqual([false, true]);

      bed.answer = (prompt) =>
        prompt.kind === 'keyboard-interactive'
          ? { kind: 'keyboard-interactive', answers: [passwordUserPassword], save: true }
          : { kind: 'host-key', answer: 'remember' };
      const kept = await openWatched(bed.manager, byKeyboard.id, term);
      await kept.state('open');
      expect(bed.store.profiles.getSecrets(byKeyboard.id).password).toBe(passwordUserPassword);
      bed.manager.close(kept.id);
      bed.prompts.length = 0;
      const quiet = await openWatched(bed.manager, byKeyboard.id, term);
      await quiet.state('open');
      bed.manager.write(quiet.id, 'id -un\n');
      await quiet.output(passwordUser);
      expect(bed.prompts).toEqual([]);

      // A quick connect has no profile to keep anything in.
      bed.prompts.length = 0;
      bed.answer = (prompt) =>
        prompt.kind === 'password'
          ? { kind: 'password', password: passwordUserPassword, save: true }
          : { kind: 'host-key', answer: 'remember' };
      const direct = await openWatched(bed.manager, asPasswordUser(server, 'password'), term);
      await direct.state('open');
      expect(bed.prompts.map((p) => p.kind === 'password' && p.saveTo)).toEqual([null]);
    } finally {
      await Promise.all([server.stop(), pam.stop()]);
    }
  });

  it('forwards keyboard-interactive prompts with their echo flags', async () => {
    const dir = await tempDir();
    // Without PAM, OpenSSH on Linux has no keyboard-interactive device; PAM asks "Password:".
    const server = await sshd(dir, ['UsePAM yes', 'KbdInteractiveAuthentication yes']);
    try {
      const bed = await sessionBed(dir);
      bed.answer = (prompt) =>
        prompt.kind === 'keyboard-interactive'
          ? { kind: 'keyboard-interactive', answers: [passwordUserPassword] }
          : { kind: 'host-key', answer: 'accept-once' };
      const watch = await openWatched(
        bed.manager,
        asPasswordUser(server, 'keyboard-interactive'),
        term,
      );
      await watch.state('open');
      const asked = bed.prompts.find((p) => p.kind === 'keyboard-interactive');
      expect(asked?.kind === 'keyboard-interactive' ? asked.prompts : []).toEqual([
        { prompt: 'Password: ', echo: false },
      ]);
    } finally {
      await server.stop();
    }
  });

  it('ends the login when the user cancels a keyboard-interactive prompt, without asking again', async () => {
    const dir = await tempDir();
    const server = await sshd(dir, ['UsePAM yes', 'KbdInteractiveAuthentication yes']);
    try {
      const bed = await sessionBed(dir);
      bed.answer = (prompt) =>
        prompt.kind === 'host-key'
          ? { kind: 'host-key', answer: 'accept-once' }
          : { kind: 'cancel' };
      const watch = await openWatched(
        bed.manager,
        asPasswordUser(server, 'keyboard-interactive'),
        term,
      );
      await watch.state('closed');
      expect(watch.last()?.reason).toMatchObject({
        kind: 'cancelled',
        message: 'The login prompt was cancelled.',
      });
      expect(bed.prompts.filter((p) => p.kind === 'keyboard-interactive')).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});

describe('SSH sessions against OpenSSH: unknown host keys under policy ask', () => {
  it('sends no credential when the user cancels, remembers on "remember", asks again after "accept once"', async () => {
    const dir = await tempDir();
    const server = await sshd(dir, ['LogLevel DEBUG1']);
    try {
      const bed = await sessionBed(dir);
      const target = {
        host: server.host,
        port: server.port,
        username: 'root',
        auth: { mode: 'key' as const, keyFile: keys.client.privatePath },
      };
      const fingerprint = sha256Fingerprint(Buffer.from(keys.host.publicBase64, 'base64'));

      bed.answer = () => ({ kind: 'host-key', answer: 'cancel' });
      const cancelled = await openWatched(bed.manager, target, term);
      await cancelled.state('closed');
      expect(cancelled.last()?.reason).toMatchObject({ kind: 'host-key-refused' });
      expect(bed.prompts[0]).toMatchObject({
        kind: 'host-key',
        question: { keyType: 'ssh-ed25519', fingerprint },
      });
      expect(server.log()).not.toContain('userauth-request');

      bed.answer = () => ({ kind: 'host-key', answer: 'accept-once' });
      const once = await openWatched(bed.manager, target, term);
      await once.state('open');
      expect(server.log()).toContain('userauth-request');
      await expect(
        bed.trust.check(server.host, server.port, Buffer.from(keys.host.publicBase64, 'base64')),
      ).resolves.toMatchObject({ status: 'unknown' });

      bed.answer = () => ({ kind: 'host-key', answer: 'remember' });
      const remembered = await openWatched(bed.manager, target, term);
      await remembered.state('open');
      expect(bed.prompts).toHaveLength(3);

      const again = await openWatched(bed.manager, target, term);
      await again.state('open');
      expect(bed.prompts).toHaveLength(3);
    } finally {
      await server.stop();
    }
  });

  it('writes a session log without input typed at a prompt that does not echo', async () => {
    const dir = await tempDir();
    const server = await sshd(dir);
    try {
      const bed = await sessionBed(dir);
      const logFile = path.join(dir, 'session.log');
      const watch = await openWatched(bed.manager, rootWithKey(server, keys.client.privatePath), {
        ...term,
        logFile,
      });
      await watch.state('open');
      // The marker is quoted so the echoed command line does not contain it verbatim.
      bed.manager.write(
        watch.id,
        'stty -echo; echo RE\'\'ADY; read -r secret; stty echo; echo "got ${#secret} chars"\n',
      );
      await watch.output(/^READY/m);
      bed.manager.write(watch.id, 'hunter2-topsecret\n');
      await watch.output('got 17 chars');
      bed.manager.close(watch.id);
      await watch.state('closed');
      // The log is finished after the tab shows the session closed; its last line says so.
      const log = await fileContains(logFile, 'disconnected: The session was closed.');
      expect(log).toContain('got 17 chars');
      expect(log).not.toContain('hunter2-topsecret');
    } finally {
      await server.stop();
    }
  });

  it('goes on without the session log when its file cannot be written, and says so in the terminal', async () => {
    const dir = await tempDir();
    const server = await sshd(dir);
    try {
      const bed = await sessionBed(dir);
      // The log folder was deleted while the app ran.
      const logFile = path.join(dir, 'session-logs-gone', 'session.log');
      const watch = await openWatched(bed.manager, rootWithKey(server, keys.client.privatePath), {
        ...term,
        logFile,
      });
      await watch.output(`The session log ${logFile} cannot be written`);
      expect(watch.text()).toContain('the session goes on without it');
      await watch.state('open');
      bed.manager.write(watch.id, "echo still'' here\n");
      await watch.output(/^still here/m);
      expect(watch.text().match(/cannot be written/g)).toHaveLength(1);
      bed.manager.close(watch.id);
      await watch.state('closed');
      expect(watch.last()?.reason?.kind).toBe('closed-by-user');
    } finally {
      await server.stop();
    }
  });
});
