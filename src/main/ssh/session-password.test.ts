import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-support/temp-dir';
import { sha256Fingerprint } from './fingerprint';
import { asPasswordUser, useAuthKeys } from './test-support/auth-keys';
import { fileContains, openWatched, sessionBed, rootWithKey } from './test-support/session-harness';
import { passwordUser, passwordUserPassword } from './test-support/sshd';

const tempDir = useTempDirs();
const term = { cols: 80, rows: 24 };
const auth = useAuthKeys();
const { sshd } = auth;

describe('SSH sessions against OpenSSH: password and keyboard-interactive logins', () => {
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
        auth: { mode: 'key' as const, keyFile: auth.keys.client.privatePath },
      };
      const fingerprint = sha256Fingerprint(Buffer.from(auth.keys.host.publicBase64, 'base64'));

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
        bed.trust.check(
          server.host,
          server.port,
          Buffer.from(auth.keys.host.publicBase64, 'base64'),
        ),
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
      const watch = await openWatched(
        bed.manager,
        rootWithKey(server, auth.keys.client.privatePath),
        {
          ...term,
          logFile,
        },
      );
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
      const watch = await openWatched(
        bed.manager,
        rootWithKey(server, auth.keys.client.privatePath),
        {
          ...term,
          logFile,
        },
      );
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
