import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  generateKey,
  startSshd,
  type KeyPair,
  type Sshd,
} from '../../src/main/ssh/test-support/sshd';
import { ShellPage } from '../pages/shell-page';
import { TerminalsPage } from '../pages/terminals-page';
import { expect, test } from '../support/fixtures';
import { openKeyShell } from '../support/key-shell';

let dir: string;
let client: KeyPair;
let sshd: Sshd;

test.beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rackside-e2e-term-pages-'));
  const [hostKey, clientKey] = await Promise.all([
    generateKey(dir, 'host'),
    generateKey(dir, 'client'),
  ]);
  client = clientKey;
  sshd = await startSshd(await fs.mkdtemp(path.join(dir, 'sshd-')), {
    hostKey,
    authorizedKeys: [client.publicLine],
  });
});
test.afterAll(async () => {
  await sshd.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

test("a second page of the browser host leaves the first page's terminals alone", async ({
  app,
}) => {
  const first = await openKeyShell(app.page, 'first-page-shell', sshd, client);
  await first.type('echo first-$((4*4))');
  await app.page.keyboard.press('Enter');
  await expect(first.screen()).toContainText('first-16');

  const second = await app.page.context().newPage();
  await second.goto(app.host!.url);
  await new ShellPage(second).waitReady();
  const terminals = new TerminalsPage(second);
  await terminals.open();
  // Not this page's terminal: it has none, and the first page's session goes on.
  await expect(terminals.tabs()).toHaveCount(0);
  // The page has looked at the core's sessions (and ended those no page shows) once it keeps
  // its own list of terminals.
  await expect
    .poll(() => second.evaluate(() => window.sessionStorage.getItem('rackside.terminal-tabs')))
    .toContain('"tabs":[]');
  await first.type('echo still-$((5*5))');
  await app.page.keyboard.press('Enter');
  await expect(first.screen()).toContainText('still-25');
  await first.expectState('open');
  await second.close();
});

test('a page that cannot start its terminal reader worker still runs its terminals', async ({
  app,
}) => {
  // Normally a worker reads every terminal's socket; here its script never arrives.
  let refused = 0;
  await app.page.route(/terminal-reader\.worker/, async (route) => {
    refused += 1;
    await route.abort();
  });
  await app.page.reload();
  await app.shell.waitReady();
  const shell = await openKeyShell(app.page, 'main-thread-shell', sshd, client);
  await shell.type('echo main-$((6*7))');
  await app.page.keyboard.press('Enter');
  await expect(shell.screen()).toContainText('main-42');
  expect(refused).toBeGreaterThan(0);
  // Long output arrives whole and in order over the page's own socket too.
  await shell.type('seq 1 20000 | tail -n 3; echo done-$((3*3))');
  await app.page.keyboard.press('Enter');
  await expect(shell.screen()).toContainText('done-9');
  await expect(shell.screen()).toContainText('19998');
  await expect(shell.screen()).toContainText('20000');
});

test('a terminal whose reader worker fails mid-session shows all its output, once, and goes on', async ({
  app,
}) => {
  const shell = await openKeyShell(app.page, 'failing-reader-shell', sshd, client);
  await shell.type('echo before-$((2*3))');
  await app.page.keyboard.press('Enter');
  await expect(shell.screen()).toContainText('before-6');
  const reader = app.page.workers().find((worker) => worker.url().includes('terminal-reader'));
  if (reader === undefined) throw new Error('the page reads no terminal in a worker');

  await shell.type('for i in $(seq 1 10); do echo line-$i; sleep 0.08; done; echo after-$((3*3))');
  await app.page.keyboard.press('Enter');
  // The worker goes wrong while the lines come: it drops what it reads for a while, then fails
  // with an uncaught error (as a bug in it would). What it dropped is lost with it.
  await reader.evaluate(() => {
    self.postMessage = () => undefined;
    setTimeout(() => {
      throw new Error('the terminal reader broke');
    }, 400);
  });
  // The page lets the failed worker go…
  await expect
    .poll(() => app.page.workers().some((worker) => worker.url().includes('terminal-reader')))
    .toBe(false);
  // …and the terminal shows every line the shell printed all the same, each once.
  await expect(shell.screen()).toContainText('after-9');
  await shell.expectState('open');
  const text = (await shell.screen().textContent()) ?? '';
  for (const line of [
    'before-6',
    'after-9',
    ...Array.from({ length: 10 }, (_, i) => `line-${i + 1}`),
  ]) {
    expect(text.split(new RegExp(`${line}(?!\\d)`)), line).toHaveLength(2);
  }
  // Typing still reaches the shell, now over the page's own socket.
  await shell.type('echo again-$((4*4))');
  await app.page.keyboard.press('Enter');
  await expect(shell.screen()).toContainText('again-16');
});
