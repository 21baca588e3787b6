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
