import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../lab';
import { startOtpLab } from '../../../lab/otp';
import type { ManifestInput } from '../../shared/manifest';
import { tempDir } from '../db/test-helpers';
import { cli, cliOnTerminal } from './test-helpers';

/** `rackside sync` of a Proxmox VE profile that logs in with a one-time code (TOTP). */

const passphrase = { RACKSIDE_PASSPHRASE: 'otp cli passphrase' };
const rightCode = '135790';
const profileName = 'PVE with TOTP';
let lab: Lab;
let dataDir: string;

beforeAll(async () => {
  let manifest: ManifestInput;
  ({ lab, manifest } = await startOtpLab(5, rightCode, profileName));
  dataDir = tempDir();
  const file = path.join(dataDir, 'manifest.json');
  fs.writeFileSync(file, JSON.stringify(manifest));
  const imported = await cli(['--data-dir', dataDir, 'profiles', 'import', file], {
    env: passphrase,
  });
  expect(imported.code).toBe(0);
}, 60_000);

afterAll(async () => {
  await lab.close();
});

const syncTotp = (env: NodeJS.ProcessEnv) =>
  cli(['--data-dir', dataDir, 'sync', '--profile', profileName], {
    env: { ...passphrase, ...env },
  });

describe('rackside sync with a one-time code', () => {
  it('takes the code from RACKSIDE_PROXMOX_OTP when not on a terminal', async () => {
    const run = await syncTotp({ RACKSIDE_PROXMOX_OTP: rightCode });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(profileName);
    expect(run.stdout).not.toContain(rightCode);
  });

  it('fails clearly, naming the profile and the variable, when no code is set', async () => {
    const run = await syncTotp({});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `"${profileName}" needs a one-time code (TOTP) to log in: set RACKSIDE_PROXMOX_OTP`,
    );
    expect(run.stderr).toContain('its previous data is kept');
  });

  it('reports a wrong code as a refused login', async () => {
    const run = await syncTotp({ RACKSIDE_PROXMOX_OTP: '000000' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused the login of root@pam .*one-time code/);
    expect(run.stderr).not.toContain('000000');
  });

  it('asks on a terminal without echoing what is typed', async () => {
    // Type the code once the prompt is shown, as a person would.
    const run = await cliOnTerminal(['--data-dir', dataDir, 'sync', '--profile', profileName], {
      env: passphrase,
      prompt: 'One-time code for',
      typed: `${rightCode}\r`,
    });
    expect(run.stderr).toContain(`One-time code for "${profileName}" (root@pam): `);
    expect(run.stderr).not.toContain(rightCode);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(profileName);
  });
});
