import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../test-support/free-port';

/**
 * A real OpenSSH `sshd` for integration tests: its own config, host key and authorized_keys in
 * a temp dir, listening on 127.0.0.1 only, stopped by PID. BUILD-NOTES.md explains the options.
 */

const run = promisify(execFile);
export const sshdPath = '/usr/sbin/sshd';

export interface KeyPair {
  privatePath: string;
  publicPath: string;
  /** The `.pub` line: `type base64 comment`. */
  publicLine: string;
  /** Base64 of the public key blob, as known_hosts stores it. */
  publicBase64: string;
}

/**
 * `ssh-keygen` into `dir/name` (ed25519 unless told; empty passphrase unless told; encrypted
 * with ssh-keygen's default cipher unless `cipher` names another).
 */
export async function generateKey(
  dir: string,
  name: string,
  options: { type?: 'ed25519' | 'ecdsa' | 'rsa'; passphrase?: string; cipher?: string } = {},
): Promise<KeyPair> {
  const privatePath = path.join(dir, name);
  const type = options.type ?? 'ed25519';
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  await run('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...bits,
    '-N',
    options.passphrase ?? '',
    // Few KDF rounds: tests decrypt the key several times and need not resist cracking.
    '-a',
    '2',
    ...(options.cipher === undefined ? [] : ['-Z', options.cipher]),
    '-C',
    name,
    '-f',
    privatePath,
  ]);
  const publicLine = (await fs.readFile(`${privatePath}.pub`, 'utf8')).trim();
  return {
    privatePath,
    publicPath: `${privatePath}.pub`,
    publicLine,
    publicBase64: publicLine.split(' ')[1] ?? '',
  };
}

export interface SshdOptions {
  hostKey: KeyPair;
  /** Lines of authorized_keys for every user (root and the password test user). */
  authorizedKeys: readonly string[];
  port?: number;
  /** Lines appended to sshd_config (e.g. `PasswordAuthentication yes`). */
  extraConfig?: readonly string[];
}

export interface Sshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly pid: number;
  /** Everything sshd wrote to stderr, for assertions and failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts `sshd -D -e` and resolves once it listens (its "Server listening" line). */
export async function startSshd(dir: string, options: SshdOptions): Promise<Sshd> {
  await fs.mkdir('/run/sshd', { recursive: true });
  const authorizedKeys = path.join(dir, 'authorized_keys');
  await fs.writeFile(authorizedKeys, `${options.authorizedKeys.join('\n')}\n`, { mode: 0o644 });
  // Sessions get an empty home of their own, so the machine's shell start-up files (a slow or
  // stuck `~/.bashrc`, say) cannot change what the tests see or how long a login takes.
  const home = path.join(dir, 'session-home');
  await fs.mkdir(home, { recursive: true });
  for (let attempt = 0; ; attempt += 1) {
    const port = options.port ?? (await freePort());
    const config = path.join(dir, `sshd_config-${port}`);
    await fs.writeFile(
      config,
      [
        // sshd keeps the first value of a keyword, so the test's lines go first.
        ...(options.extraConfig ?? []),
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${options.hostKey.privatePath}`,
        `PidFile ${path.join(dir, `sshd-${port}.pid`)}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        `SetEnv HOME=${home}`,
        'UsePAM no',
        'GSSAPIAuthentication no',
        'StrictModes no',
        'PermitRootLogin yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PrintMotd no',
        'PrintLastLog no',
        'UseDNS no',
        'LogLevel VERBOSE',
        'AllowTcpForwarding yes',
        'Subsystem sftp internal-sftp',
        '',
      ].join('\n'),
    );
    try {
      return await launch(config, port);
    } catch (error) {
      // Another process may take the probed port between probe and bind; try a new one.
      if (options.port !== undefined || attempt >= 3) throw error;
    }
  }
}

function launch(config: string, port: number): Promise<Sshd> {
  const child: ChildProcess = spawn(sshdPath, ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sshd did not start within 10 s:\n${stderr}`));
    }, 10_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    const early = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${String(code)} before listening:\n${stderr}`));
    };
    child.once('exit', early);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr += text;
      if (!stderr.includes(`Server listening on 127.0.0.1 port ${port}`)) return;
      clearTimeout(timer);
      child.off('exit', early);
      const pid = child.pid ?? 0;
      resolve({
        host: '127.0.0.1',
        port,
        pid,
        log: () => stderr,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGTERM');
          await exited;
        },
      });
    });
  });
}

export const passwordUser = 'rackside-ssh-test';
export const passwordUserPassword = 'Rackside-test-pw-7';

/**
 * A local user with a known password for password authentication (root has none in CI). Creating
 * it needs root, as CI runs; the password is fixed so parallel test files agree on it.
 */
export async function ensurePasswordUser(): Promise<void> {
  try {
    await run('id', [passwordUser]);
  } catch {
    try {
      await run('useradd', [
        '--system',
        '--no-create-home',
        '-d',
        '/tmp',
        '-s',
        '/bin/sh',
        passwordUser,
      ]);
    } catch (error) {
      // exit code 9: created meanwhile by another test file
      if ((error as { code?: number }).code !== 9) throw error;
    }
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`chpasswd failed (${String(code)}): ${stderr}`));
    });
    child.stdin.end(`${passwordUser}:${passwordUserPassword}\n`);
  });
}
