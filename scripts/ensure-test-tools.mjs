#!/usr/bin/env node
// The test suite drives Debian's Chromium (end-to-end) and a real OpenSSH sshd (SSH tests).
// On a fresh Debian machine where we are root, install them; elsewhere, say exactly what is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const chromium = process.env.RACKSIDE_CHROMIUM ?? '/usr/bin/chromium';
const needs = [
  {
    path: chromium,
    pkg: 'chromium',
    what: 'Chromium for the end-to-end tests (or set RACKSIDE_CHROMIUM)',
  },
  { path: '/usr/sbin/sshd', pkg: 'openssh-server', what: "OpenSSH's sshd for the SSH tests" },
  { path: '/usr/bin/ssh', pkg: 'openssh-client', what: "OpenSSH's ssh client for the SSH tests" },
].filter((need) => !fs.existsSync(need.path));

if (needs.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = fs.existsSync('/usr/bin/apt-get');
if (isRoot && hasApt) {
  const packages = needs.map((need) => need.pkg);
  console.error(`Installing what the tests need: ${packages.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
          stdio: 'inherit',
          env,
        })
      : update;
  if (install.status === 0 && needs.every((need) => fs.existsSync(need.path))) process.exit(0);
}
console.error('The test suite needs:');
for (const need of needs) console.error(`  - ${need.what}: ${need.path} is missing`);
console.error('On Debian or Ubuntu: sudo apt-get install chromium openssh-server openssh-client');
process.exit(1);
