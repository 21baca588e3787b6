/**
 * Raw SSH channel throughput: ssh2 (as Rackside's worker uses it) against the OpenSSH `ssh`
 * client, both reading the same output from a real `sshd` on 127.0.0.1 with the same cipher
 * (aes128-gcm@openssh.com) and throwing it away. Prints the ratio ssh2 / OpenSSH.
 *
 *   npx tsx bench/ssh-raw.ts [--mb 256] [--runs 3]
 *
 * `run()` is the entry the benchmark runner calls. Without ssh2's native crypto binding ssh2 is
 * ~10× slower, so the benchmark refuses to run rather than report a misleading ratio.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'ssh2';
import { generateKey, startSshd } from '../src/main/ssh/test-support/sshd';
import { benchSshConfig } from './common';

const cipher = 'aes128-gcm@openssh.com';

export interface SshRawResult {
  name: 'ssh-raw';
  bytes: number;
  runs: number;
  cipher: string;
  /** Best of `runs`, MB/s (1 MB = 2^20 bytes). */
  openssh: number;
  ssh2: number;
  /** ssh2 / OpenSSH; the target is ≥ 0.9. */
  ratio: number;
}

export function assertNativeBinding(): void {
  const require = createRequire(import.meta.url);
  const crypto = require('ssh2/lib/protocol/crypto') as { bindingAvailable?: boolean };
  if (crypto.bindingAvailable !== true) {
    throw new Error(
      "ssh2's native crypto binding is missing (ssh2/lib/protocol/crypto bindingAvailable=false): " +
        'rebuild it (npm rebuild ssh2) — without it ssh2 runs ~10x slower and this benchmark is meaningless.',
    );
  }
}

function timeOpenssh(port: number, keyFile: string, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      'ssh',
      [
        '-q',
        '-c',
        cipher,
        '-i',
        keyFile,
        '-p',
        String(port),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        'root@127.0.0.1',
        command,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(Number(process.hrtime.bigint() - started) / 1e9);
      else reject(new Error(`ssh exited with ${String(code)}`));
    });
  });
}

function timeSsh2(
  port: number,
  privateKey: string,
  command: string,
  bytes: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const client = new Client();
    let received = 0;
    client.on('error', reject);
    client.on('ready', () => {
      client.exec(command, (error, channel) => {
        if (error !== undefined) {
          reject(error);
          return;
        }
        channel.on('data', (chunk: Buffer) => {
          received += chunk.length;
        });
        channel.on('close', () => {
          client.end();
          if (received !== bytes) reject(new Error(`ssh2 received ${received} of ${bytes} bytes`));
          else resolve(Number(process.hrtime.bigint() - started) / 1e9);
        });
      });
    });
    client.connect({ ...benchSshConfig(port, privateKey), algorithms: { cipher: [cipher] } });
  });
}

export async function run(options: { mb?: number; runs?: number } = {}): Promise<SshRawResult> {
  assertNativeBinding();
  const mb = options.mb ?? 256;
  const runs = options.runs ?? 3;
  const bytes = mb * 1024 * 1024;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rackside-bench-ssh-'));
  try {
    const [hostKey, clientKey] = await Promise.all([
      generateKey(dir, 'host'),
      generateKey(dir, 'client'),
    ]);
    const sshd = await startSshd(dir, {
      hostKey,
      authorizedKeys: [clientKey.publicLine],
      extraConfig: [`Ciphers ${cipher}`],
    });
    try {
      const privateKey = await fs.readFile(clientKey.privatePath, 'utf8');
      const command = `head -c ${bytes} /dev/zero`;
      let openssh = Infinity;
      let ssh2 = Infinity;
      // Alternating runs so background load affects both sides alike.
      for (let i = 0; i < runs; i += 1) {
        openssh = Math.min(openssh, await timeOpenssh(sshd.port, clientKey.privatePath, command));
        ssh2 = Math.min(ssh2, await timeSsh2(sshd.port, privateKey, command, bytes));
      }
      const rate = (seconds: number): number => Math.round((mb / seconds) * 10) / 10;
      return {
        name: 'ssh-raw',
        bytes,
        runs,
        cipher,
        openssh: rate(openssh),
        ssh2: rate(ssh2),
        ratio: Math.round((openssh / ssh2) * 1000) / 1000,
      };
    } finally {
      await sshd.stop();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const { values } = parseArgs({
    options: { mb: { type: 'string' }, runs: { type: 'string' } },
  });
  const result = await run({
    ...(values.mb === undefined ? {} : { mb: Number(values.mb) }),
    ...(values.runs === undefined ? {} : { runs: Number(values.runs) }),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `raw channel: ssh2 ${result.ssh2} MB/s vs OpenSSH ${result.openssh} MB/s (${cipher}): ` +
      `${result.ratio.toFixed(2)}× OpenSSH (target ≥ 0.9×)\n`,
  );
  // Read by bench/ssh-e2e.ts, which writes both into bench/results/ssh.json.
  await fs.mkdir('bench/results', { recursive: true });
  await fs.writeFile('bench/results/ssh-raw.json', `${JSON.stringify(result, null, 2)}\n`);
}
