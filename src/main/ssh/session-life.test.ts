import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-support/temp-dir';
import { sha256Fingerprint } from './fingerprint';
import { sshProfile, useTestKeys } from './test-support/fixtures';
import { openWatched, rootWithKey, sessionBed, Watch } from './test-support/session-harness';
import { startSshd } from './test-support/sshd';
import { sourceSshWorker } from './worker-launch';
import type { ToWorker } from './worker-protocol';

const tempDir = useTempDirs();
const term = { cols: 80, rows: 24 };
const keys = useTestKeys();

const fingerprintOf = (publicBase64: string): string =>
  sha256Fingerprint(Buffer.from(publicBase64, 'base64'));

describe('SSH session life against OpenSSH', () => {
  it('refuses a host key that changed after a restart, naming old and new fingerprints', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    const target = {
      host: '127.0.0.1',
      username: 'root',
      auth: { mode: 'key' as const, keyFile: keys.client.privatePath },
    };
    const first = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    const before = await openWatched(bed.manager, { ...target, port: first.port }, term);
    await before.state('open');
    bed.manager.close(before.id);
    await before.state('closed');
    await first.stop();

    const second = await startSshd(dir, {
      hostKey: keys.hostB,
      authorizedKeys: [keys.client.publicLine],
      port: first.port,
    });
    try {
      const after = await openWatched(bed.manager, { ...target, port: second.port }, term);
      await after.state('closed');
      const reason = after.last()?.reason;
      expect(reason?.kind).toBe('host-key-changed');
      expect(reason?.hostKey?.presented).toEqual({
        keyType: 'ssh-ed25519',
        fingerprint: fingerprintOf(keys.hostB.publicBase64),
      });
      expect(reason?.hostKey?.known.map((k) => k.fingerprint)).toEqual([
        fingerprintOf(keys.hostA.publicBase64),
      ]);
      expect(reason?.message).toContain(fingerprintOf(keys.hostA.publicBase64));
      expect(reason?.message).toContain(fingerprintOf(keys.hostB.publicBase64));
      // One prompt (the first connection's); the changed key offered no way to accept.
      expect(bed.prompts).toHaveLength(1);
      expect(after.statuses.map((s) => s.state)).toEqual(['connecting', 'closed']);
    } finally {
      await second.stop();
    }
  });

  it('connects through a two-hop jump chain, verifying each hop with its own policy', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    const jump = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
      extraConfig: ['LogLevel DEBUG1'],
    });
    const inner = await startSshd(dir, {
      hostKey: keys.hostB,
      authorizedKeys: [keys.client.publicLine],
    });
    try {
      const jumpProfile = bed.store.profiles.save(
        sshProfile('bastion', jump.port, keys.client.privatePath, { hostKeyPolicy: 'accept-new' }),
      );
      const target = bed.store.profiles.save(
        sshProfile('inner', inner.port, keys.client.privatePath, { jumpHostId: jumpProfile.id }),
      );
      const watch = await openWatched(bed.manager, target.id, term);
      await watch.state('open');
      expect(bed.manager.info(watch.id).hops.map((h) => h.port)).toEqual([jump.port, inner.port]);
      // The bastion's key was remembered silently (accept-new); only the inner hop asked.
      expect(bed.prompts).toMatchObject([
        { kind: 'host-key', question: { hop: 1, port: inner.port } },
      ]);
      expect(bed.trust.forget('127.0.0.1', jump.port)).toBe(1);
      expect(jump.log()).toContain(`target 127.0.0.1 port ${inner.port}`);
      bed.manager.write(watch.id, 'echo "inside $SSH_CONNECTION"\n');
      await watch.output(new RegExp(`inside 127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${inner.port}`));
    } finally {
      await Promise.all([jump.stop(), inner.stop()]);
    }
  });

  it('names the jump host when it will not forward, or cannot reach the next hop', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    const closedJump = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
      extraConfig: ['AllowTcpForwarding no'],
    });
    const jump = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    const inner = await startSshd(dir, {
      hostKey: keys.hostB,
      authorizedKeys: [keys.client.publicLine],
    });
    try {
      const save = (name: string, port: number, jumpHostId: string | null = null) =>
        bed.store.profiles.save(
          sshProfile(name, port, keys.client.privatePath, {
            hostKeyPolicy: 'accept-new',
            jumpHostId,
          }),
        );
      const noForwarding = save('inner', inner.port, save('locked bastion', closedJump.port).id);
      const refused = await openWatched(bed.manager, noForwarding.id, term);
      await refused.state('closed');
      expect(refused.last()?.reason).toMatchObject({
        kind: 'network',
        hop: 0,
        // Trying again will not change the bastion's configuration.
        retryable: false,
        message:
          `The jump host 127.0.0.1:${closedJump.port} refused to open a connection to ` +
          `127.0.0.1:${inner.port} (open failed); it may not allow TCP forwarding.`,
      });

      await inner.stop();
      const down = await openWatched(
        bed.manager,
        save('inner2', inner.port, save('bastion', jump.port).id).id,
        term,
      );
      await down.state('closed');
      expect(down.last()?.reason).toMatchObject({
        kind: 'network',
        hop: 1,
        retryable: true,
        message:
          `The jump host 127.0.0.1:${jump.port} could not connect to ` +
          `127.0.0.1:${inner.port}: Connection refused.`,
      });
    } finally {
      await Promise.all([closedJump.stop(), jump.stop(), inner.stop()]);
    }
  });

  it('notices at once when the target or a middle hop behind a jump host drops', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    const start = (hostKey: typeof keys.hostA) =>
      startSshd(dir, { hostKey, authorizedKeys: [keys.client.publicLine] });
    const [outer, middle, inner] = await Promise.all([
      start(keys.hostA),
      start(keys.hostB),
      start(keys.hostA),
    ]);
    try {
      const save = (name: string, port: number, jumpHostId: string | null = null) =>
        bed.store.profiles.save(
          sshProfile(name, port, keys.client.privatePath, {
            hostKeyPolicy: 'accept-new',
            jumpHostId,
          }),
        );
      const bastion = save('bastion', outer.port);
      const through = await openWatched(
        bed.manager,
        save('inner', inner.port, bastion.id).id,
        term,
      );
      await through.state('open');
      // The target's own session process dies: only the tunnel through the bastion tells.
      bed.manager.write(through.id, 'kill -9 $PPID\n');
      await through.state('closed');
      expect(through.last()?.reason).toMatchObject({
        kind: 'server-closed',
        hop: 1,
        retryable: true,
        message: expect.stringContaining(`127.0.0.1:${inner.port}`) as unknown,
      });

      const chain = save('far', inner.port, save('second bastion', middle.port, bastion.id).id);
      const far = await openWatched(bed.manager, chain.id, term);
      await far.state('open');
      // The middle hop's session process dies; the first hop and the target live on.
      execFileSync('pkill', ['-KILL', '-P', String(middle.pid)]);
      await far.state('closed');
      expect(far.last()?.reason).toMatchObject({
        kind: 'server-closed',
        hop: 1,
        message: expect.stringContaining(`127.0.0.1:${middle.port}`) as unknown,
      });
    } finally {
      await Promise.all([outer.stop(), middle.stop(), inner.stop()]);
    }
  });

  it('propagates a resize to the PTY, and reconnects after the server drops the connection', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    let restarted: Awaited<ReturnType<typeof startSshd>> | null = null;
    try {
      const target = {
        host: server.host,
        port: server.port,
        username: 'root',
        auth: { mode: 'key' as const, keyFile: keys.client.privatePath },
      };
      const watch = await openWatched(bed.manager, target, term);
      await watch.state('open');
      bed.manager.resize(watch.id, 123, 45);
      bed.manager.write(watch.id, 'stty size\n');
      await watch.output(/^45 123\r?$/m);

      // The shell kills its own sshd session process: the connection drops abruptly.
      bed.manager.write(watch.id, 'kill -9 $PPID\n');
      await watch.state('closed');
      expect(watch.last()?.reason).toMatchObject({ kind: 'server-closed', retryable: true });

      await bed.manager.reconnect(watch.id);
      await watch.state('open');
      bed.manager.write(watch.id, 'stty size\n');
      await watch.output(/^45 123\r?\n[\s\S]*^45 123\r?$/m);

      // With the listener gone too, reconnecting fails as a network error until it is back.
      await server.stop();
      bed.manager.write(watch.id, 'kill -9 $PPID\n');
      await watch.state('closed');
      await bed.manager.reconnect(watch.id);
      await watch.until(
        () => watch.last()?.reason?.kind === 'network',
        'a network failure while the server is down',
      );
      expect(watch.last()?.reason?.message).toContain('refused');

      restarted = await startSshd(dir, {
        hostKey: keys.hostA,
        authorizedKeys: [keys.client.publicLine],
        port: server.port,
      });
      await bed.manager.reconnect(watch.id);
      await watch.state('open');
      expect(bed.prompts).toHaveLength(1);
    } finally {
      await Promise.all([server.stop(), restarted?.stop()]);
    }
  });

  it('reconnects a key-file profile whose key needs no passphrase while the vault is locked', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    try {
      const profile = bed.store.profiles.save(
        sshProfile('keyed', server.port, keys.client.privatePath, { hostKeyPolicy: 'accept-new' }),
      );
      const watch = await openWatched(bed.manager, profile.id, term);
      await watch.state('open');
      bed.store.vault.lock();
      bed.manager.write(watch.id, 'kill -9 $PPID\n');
      await watch.state('closed');
      expect(watch.last()?.reason).toMatchObject({ kind: 'server-closed', retryable: true });

      await bed.manager.reconnect(watch.id);
      await watch.state('open');
    } finally {
      await server.stop();
    }
  });

  it('starts no connection for a tab closed, or a second click, while a reconnect reads the key', async () => {
    const dir = await tempDir();
    const opened: string[] = [];
    let gate: Promise<void> | null = null;
    const bed = await sessionBed(dir, {
      createWorker: () => {
        const worker = sourceSshWorker();
        const post = worker.postMessage.bind(worker);
        worker.postMessage = (message: ToWorker) => {
          if (message.type === 'open') opened.push(message.request.sessionId);
          post(message);
        };
        return worker;
      },
      // Reading the key file (or the vault) takes a moment.
      readFile: async (file) => {
        if (gate !== null) await gate;
        return fs.readFile(file, 'utf8');
      },
    });
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    try {
      const target = rootWithKey(server, keys.client.privatePath);
      const drop = async (watch: Watch): Promise<void> => {
        await watch.state('open');
        bed.manager.write(watch.id, 'kill -9 $PPID\n');
        await watch.until(() => watch.last()?.reason?.kind === 'server-closed', 'a drop');
      };
      let release = (): void => undefined;
      const hold = (): void => {
        gate = new Promise((resolve) => (release = resolve));
      };

      // The tab is closed while its reconnect reads the key.
      const closed = await openWatched(bed.manager, target, term);
      await drop(closed);
      hold();
      const reconnecting = bed.manager.reconnect(closed.id).then(
        () => 'done',
        (error: unknown) => String(error),
      );
      bed.manager.discard(closed.id);
      release();
      await reconnecting;
      expect(opened.filter((id) => id === closed.id)).toHaveLength(1);
      expect(bed.manager.list().map((s) => s.id)).not.toContain(closed.id);

      // Reconnect clicked while the automatic one is reading the key: one connection, no clash.
      gate = null;
      const twice = await openWatched(bed.manager, target, term);
      await drop(twice);
      hold();
      const first = bed.manager.reconnect(twice.id);
      await expect(bed.manager.reconnect(twice.id)).rejects.toThrow(/still connected/);
      release();
      await first;
      await twice.until(
        () => twice.statuses.filter((s) => s.state === 'open').length === 2,
        'open again',
      );
      expect(opened.filter((id) => id === twice.id)).toHaveLength(2);
      bed.manager.write(twice.id, "echo back'' again\n");
      await twice.output(/^back again/m);
    } finally {
      await server.stop();
    }
  });

  it('starts the shell at the size the terminal was given while it connected', async () => {
    const dir = await tempDir();
    const bed = await sessionBed(dir);
    // The host key question stays open a while, as when a user reads the fingerprint.
    bed.answerDelayMs = 300;
    const server = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
    });
    try {
      const watch = await openWatched(
        bed.manager,
        rootWithKey(server, keys.client.privatePath),
        term,
      );
      // The tab is fitted to its pane (or the window resized) before the shell exists.
      bed.manager.resize(watch.id, 131, 41);
      await watch.state('open');
      bed.manager.write(watch.id, 'stty size\n');
      await watch.output(/^41 131\r?$/m);
    } finally {
      await server.stop();
    }
  });

  it('opens a Proxmox LXC console by running pct enter on the node', async () => {
    const dir = await tempDir();
    const bin = path.join(dir, 'bin');
    await fs.mkdir(bin);
    // A stand-in for Proxmox's pct that says how it was called and hands over to a shell.
    await fs.writeFile(
      path.join(bin, 'pct'),
      '#!/bin/sh\n' +
        'if [ "$1" = config ] && [ "$2" = 101 ]; then printf "arch: amd64\\nhostname: ct101\\n"; exit 0; fi\n' +
        'if [ "$1" = config ] && [ "$2" = 102 ]; then printf "arch: amd64\\nmemory: 512\\n"; exit 0; fi\n' +
        'if [ "$1" = config ]; then echo "Configuration file \'nodes/pve1/lxc/$2.conf\' does not exist" >&2; exit 2; fi\n' +
        'echo "container console: $*"\nexec sh\n',
      {
        mode: 0o755,
      },
    );
    const node = await startSshd(dir, {
      hostKey: keys.hostA,
      authorizedKeys: [keys.client.publicLine],
      extraConfig: [`SetEnv PATH=${bin}:/usr/bin:/bin`],
    });
    try {
      const bed = await sessionBed(dir);
      const profile = bed.store.profiles.save(
        sshProfile('pve1', node.port, keys.client.privatePath),
      );
      expect(() =>
        bed.manager.openLxcConsole(profile.id, { vmid: 12.5, hostname: null }, term),
      ).toThrow(/guest id/);
      expect(() =>
        bed.manager.openLxcConsole(profile.id, { vmid: 101, hostname: "ct101'; reboot" }, term),
      ).toThrow(/not a container host name/);
      const id = await bed.manager.openLxcConsole(
        profile.id,
        { vmid: 101, hostname: 'ct101' },
        term,
      );
      const watch = new Watch(bed.manager, id);
      await watch.output('container console: enter 101');
      bed.manager.write(id, 'exit\n');
      await watch.state('closed');
      expect(watch.last()?.reason?.kind).toBe('exited');

      // The node's container 101 is another one: the profile reached another cluster's pve1.
      const other = await bed.manager.openLxcConsole(
        profile.id,
        { vmid: 101, hostname: 'billing-db' },
        term,
      );
      const refused = new Watch(bed.manager, other);
      await refused.state('closed');
      expect(refused.last()?.reason).toMatchObject({
        kind: 'wrong-container',
        retryable: false,
        message:
          'Container 101 on 127.0.0.1 is ct101, not billing-db: this SSH profile may reach a node of that name in another cluster. Not entered.',
      });
      // A container created without a host name: Proxmox calls it CT<vmid>.
      const unnamed = new Watch(
        bed.manager,
        await bed.manager.openLxcConsole(profile.id, { vmid: 102, hostname: 'CT102' }, term),
      );
      await unnamed.output('container console: enter 102');
      bed.manager.write(unnamed.id, 'exit\n');
      await unnamed.state('closed');
      // And a container the node does not have at all.
      const missing = new Watch(
        bed.manager,
        await bed.manager.openLxcConsole(profile.id, { vmid: 999, hostname: 'ct999' }, term),
      );
      await missing.state('closed');
      expect(missing.last()?.reason?.message).toMatch(/^127\.0\.0\.1 has no container 999/);
      expect(refused.text()).not.toContain('container console');
    } finally {
      await node.stop();
    }
  });
});
