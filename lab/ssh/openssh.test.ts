import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDirs } from '../../src/main/test-support/temp-dir';
import { generateFleet, type Fleet } from '../fleet';
import { startSshLab, type SshLab } from '.';

const run = promisify(execFile);
const ssh = '/usr/bin/ssh';
const tempDir = useTempDirs();
let fleet: Fleet;
let lab: SshLab;

beforeAll(async () => {
  fleet = generateFleet({ size: 20, seed: 9 });
  lab = await startSshLab({ fleet });
});
afterAll(() => lab.close());

const common = [
  '-o',
  'BatchMode=yes',
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'IdentitiesOnly=yes',
  '-o',
  'ConnectTimeout=10',
  '-o',
  'LogLevel=ERROR',
];

describe('OpenSSH client', () => {
  it('has the client installed (CI installs openssh-client)', () => {
    expect(existsSync(ssh)).toBe(true);
  });

  it('logs in with the lab key, directly and through the bastion', async () => {
    const dir = await tempDir();
    const key = path.join(dir, 'id_ed25519');
    await writeFile(key, lab.clientKey.privateKey, { mode: 0o600 });
    const machine = fleet.machines.find(
      (m) =>
        m.os.linux &&
        m.kind !== 'pve-node' &&
        m.hostname !== lab.mfa?.host &&
        lab.login(m.hostname) !== null,
    );
    const target = machine ? lab.login(machine.hostname) : null;
    if (!machine || !target) throw new Error('no Linux machine in the test fleet');
    const direct = await run(
      ssh,
      [
        ...common,
        '-i',
        key,
        '-p',
        String(target.port),
        '-l',
        target.username,
        target.host,
        'hostname',
      ],
      { timeout: 20_000 },
    );
    expect(direct.stdout).toBe(`${machine.hostname}\n`);
    const site = lab.sites.find((s) => s.code === target.site);
    if (!site) throw new Error('no site');
    const proxy = [
      ssh,
      ...common,
      '-i',
      key,
      '-p',
      String(site.port),
      '-W',
      '%h:%p',
      `ops@${site.host}`,
    ].join(' ');
    const jumped = await run(
      ssh,
      [
        ...common,
        '-i',
        key,
        '-o',
        `ProxyCommand=${proxy}`,
        `ops@${machine.ip}`,
        'uname -n; exit 7',
      ],
      { timeout: 20_000 },
    ).catch((error: unknown) => error);
    expect(jumped).toMatchObject({ code: 7, stdout: `${machine.hostname}\n` });
  });
});
