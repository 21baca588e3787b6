/**
 * End-to-end terminal output: sshd → ssh2 (worker) → browser-host terminal stream → xterm.js
 * painting in Chromium, against the OpenSSH `ssh` client writing the same output to /dev/null.
 * Also keystroke → echo painted, and Ctrl-C during a `yes` flood. Needs `npx electron-vite build`.
 *
 *   npx tsx bench/ssh-e2e.ts [--mb 32]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../e2e/support/electron';
import { startHostProcess } from '../e2e/support/browser-host-process';
import { ProfilesPage } from '../e2e/pages/profiles-page';
import { TerminalsPage } from '../e2e/pages/terminals-page';
import { VaultPage } from '../e2e/pages/vault-page';
import { generateKey, startSshd } from '../src/main/ssh/test-support/sshd';

function opensshSeconds(port: number, key: string, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      'ssh',
      [
        '-q',
        '-tt',
        '-i',
        key,
        '-p',
        String(port),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        'root@127.0.0.1',
        command,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.once('error', reject);
    child.once('exit', () => {
      resolve((performance.now() - started) / 1000);
    });
  });
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '32' } } });
  const mb = Number(values.mb);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rackside-bench-ssh-'));
  const [hostKey, client] = await Promise.all([
    generateKey(dir, 'host'),
    generateKey(dir, 'client'),
  ]);
  const sshd = await startSshd(dir, { hostKey, authorizedKeys: [client.publicLine] });
  const host = await startHostProcess(path.join(dir, 'data'));
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(host.url);
    await new VaultPage(page).setup('bench passphrase 1234 abcd');
    const profiles = new ProfilesPage(page);
    await profiles.open();
    await profiles.startNew('ssh');
    await profiles.choose('auth-mode', 'key');
    await profiles.fill({
      name: 'bench',
      'connection.host': '127.0.0.1',
      'connection.port': String(sshd.port),
      'connection.username': 'root',
      'connection.auth.keyFile': client.privatePath,
    });
    await profiles.save();
    await profiles.select('bench');
    await profiles.detail().getByTestId('profile-connect').click();
    const term = new TerminalsPage(page);
    await term.acceptHostKey('once');
    await term.expectState('open');
    const heapBefore = await page.evaluate(
      () =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
          ?.usedJSHeapSize ?? 0,
    );

    // Throughput: printable output (base64 of zeros) so xterm.js really paints every byte.
    const bytes = mb * 1024 * 1024;
    const command = `head -c ${String((bytes * 3) / 4)} /dev/zero | base64 -w 200`;
    const reference = await opensshSeconds(sshd.port, client.privatePath, command);
    await term.run('clear');
    const started = performance.now();
    await term.run(`${command}; echo END-$((40+2))`);
    await page.waitForFunction(
      () =>
        document
          .querySelector('[data-testid="term-view"][data-visible="true"] .xterm-rows')
          ?.textContent.includes('END-42') === true,
      undefined,
      { timeout: 600_000, polling: 50 },
    );
    const rackside = (performance.now() - started) / 1000;

    // Keystroke → echo painted.
    const echoes: number[] = [];
    await term.run('clear');
    for (let i = 0; i < 30; i += 1) {
      const t0 = performance.now();
      await page.keyboard.type(String(i % 10));
      await page.waitForFunction(
        (n) =>
          (
            document.querySelector('[data-testid="term-view"][data-visible="true"] .xterm-rows')
              ?.textContent ?? ''
          ).replace(/\s/g, '').length >= n,
        i + 3,
        { polling: 'raf' },
      );
      echoes.push(performance.now() - t0);
    }
    await page.keyboard.press('Control+U');

    // Ctrl-C during a `yes` flood: time until output stops growing.
    const stops: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await term.run('yes rackside-flood');
      await page.waitForFunction(
        () =>
          document.querySelector('.xterm-rows')?.textContent.includes('rackside-flood') === true,
      );
      const t0 = performance.now();
      await page.keyboard.press('Control+C');
      await page.waitForFunction(
        () =>
          /[$#]\s*$/.test(
            document
              .querySelector('[data-testid="term-view"][data-visible="true"] .xterm-rows')
              ?.textContent.trimEnd() ?? '',
          ),
        undefined,
        { timeout: 10_000, polling: 'raf' },
      );
      stops.push(performance.now() - t0);
      await term.run('clear');
    }
    const heapAfter = await page.evaluate(
      () =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
          ?.usedJSHeapSize ?? 0,
    );

    const result = {
      name: 'ssh-e2e',
      mb,
      openssh_s: reference,
      rackside_s: rackside,
      ratio: reference / rackside,
      echo_p50_ms: percentile(echoes, 50),
      ctrl_c_stop_p95_ms: percentile(stops, 95),
      heap_growth_one_tab_mb: (heapAfter - heapBefore) / 2 ** 20,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    await fs.mkdir('bench/results', { recursive: true });
    await fs.writeFile('bench/results/ssh.json', `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await browser.close();
    await host.stop();
    await sshd.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
