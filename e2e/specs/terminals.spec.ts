import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import {
  generateKey,
  startSshd,
  type KeyPair,
  type Sshd,
} from '../../src/main/ssh/test-support/sshd';
import type { Page } from '@playwright/test';
import { TerminalsPage } from '../pages/terminals-page';
import { expect, test } from '../support/fixtures';
import { connectWithKey as connectWithKeyAs } from '../support/key-shell';

/** OpenSSH's SHA256 fingerprint of a public key line. */
function fingerprint(key: KeyPair): string {
  const blob = Buffer.from(key.publicBase64, 'base64');
  return `SHA256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Saves an SSH profile that logs in as root with the test key, and connects from it. */
function connectWithKey(page: Page, name: string, port: number): Promise<void> {
  return connectWithKeyAs(page, name, port, client);
}

let dir: string;
let hostA: KeyPair;
let hostB: KeyPair;
let client: KeyPair;

test.beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rackside-e2e-ssh-'));
  [hostA, hostB, client] = await Promise.all([
    generateKey(dir, 'host-a'),
    generateKey(dir, 'host-b'),
    generateKey(dir, 'client'),
  ]);
});
test.afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

test('a terminal from an SSH profile: host key, command output, search, reconnect, changed key', async ({
  app,
}) => {
  const sshdDir = await fs.mkdtemp(path.join(dir, 'sshd-'));
  let sshd: Sshd = await startSshd(sshdDir, {
    hostKey: hostA,
    authorizedKeys: [client.publicLine],
  });
  const port = sshd.port;
  try {
    await connectWithKey(app.page, 'lab-shell', port);

    const terminals = new TerminalsPage(app.page);
    await expect(terminals.root).toBeVisible();
    // The unknown key is shown with its type and SHA256 fingerprint before anything is sent.
    await expect(terminals.hostKeyPrompt()).toBeVisible({ timeout: 20_000 });
    await expect(app.page.getByTestId('ssh-hostkey-fingerprint')).toHaveText(fingerprint(hostA));
    await expect(app.page.getByTestId('ssh-hostkey-type')).toHaveText('ssh-ed25519');
    await terminals.acceptHostKey('remember');
    await terminals.expectState('open');
    // The tab carries the profile's name; the address is in the status bar.
    await expect(terminals.tabs().first()).toContainText('lab-shell');
    await expect(terminals.status()).toContainText(`root@127.0.0.1:${String(port)}`);

    await terminals.run('echo rackside-$((6*7))');
    await expect(terminals.screen()).toContainText('rackside-42');

    await expect(await terminals.search('rackside-42')).toHaveText('1 of 1');
    await app.page.keyboard.press('Escape');

    // A flood twelve times the flow-control window: it only gets through if every byte that
    // reached the page is painted and acknowledged, and the line after it comes last.
    await terminals.run('head -c 4500000 /dev/zero | base64 -w 120; echo flood-$((40+2))-done');
    await expect(terminals.screen()).toContainText('flood-42-done', { timeout: 30_000 });
    await terminals.run('echo still-$((3*3))');
    await expect(terminals.screen()).toContainText('still-9');

    // A double-clicked tab label takes the typing: the new name, never a command to the host.
    await terminals
      .tabs()
      .first()
      .getByRole('button', { name: 'lab-shell', exact: true })
      .dblclick();
    await app.page.keyboard.type('prod-db');
    await app.page.keyboard.press('Enter');
    await expect(terminals.tabs().first()).toHaveAttribute('data-label', 'prod-db');
    // The keyboard is the terminal's again: the next line runs there.
    await app.page.keyboard.type('echo renamed-$((2*4))');
    await app.page.keyboard.press('Enter');
    await expect(terminals.screen()).toContainText('renamed-8');
    await expect(terminals.screen()).not.toContainText('prod-db');
    // Ctrl+5 goes to Profiles from inside a terminal too (xterm.js would send ^] to the host).
    await app.page.keyboard.press('Control+5');
    await expect(app.page.getByTestId('profiles-page')).toBeVisible();
    await app.page.keyboard.press('Control+2');
    await expect(terminals.root).toBeVisible();

    // Tab keys: Ctrl+Shift+T opens a second session to the same profile (its key is remembered
    // now), Ctrl+PageUp goes back to the first, Ctrl+Shift+W asks before closing a live tab.
    await app.page.keyboard.press('Control+Shift+T');
    await expect(terminals.tabs()).toHaveCount(2);
    await expect(terminals.tabs().nth(1)).toContainText('lab-shell');
    await expect(terminals.tabs().first()).toContainText('prod-db');
    await terminals.expectState('open');
    await terminals.run('echo second-$((1+1))');
    await expect(terminals.screen()).toContainText('second-2');
    await app.page.keyboard.press('Control+PageUp');
    await expect(terminals.screen()).toContainText('still-9');
    await expect(terminals.screen()).not.toContainText('second-2');
    await app.page.keyboard.press('Control+PageDown');
    await expect(terminals.screen()).toContainText('second-2');
    // A tab dragged onto the right half of another goes after it; the tab shown stays shown.
    await terminals.dragTab(terminals.tabs().first(), terminals.tabs().nth(1), 'right');
    await expect(terminals.tabs().first()).toContainText('lab-shell');
    await expect(terminals.tabs().nth(1)).toContainText('prod-db');
    await expect(terminals.screen()).toContainText('second-2');
    await app.page.keyboard.press('Control+Shift+W');
    await app.page.getByTestId('term-close-confirm-button').click();
    await expect(terminals.tabs()).toHaveCount(1);
    await expect(terminals.screen()).toContainText('still-9');

    // Ctrl+K belongs to the shell in a terminal; Ctrl+Shift+K opens the palette, which finds
    // the profile by part of its name, and Enter opens a terminal with it.
    await app.page.keyboard.press('Control+Shift+K');
    const palette = app.page.getByTestId('palette-input');
    await expect(palette).toBeFocused();
    await palette.fill('lab-sh');
    await expect(app.page.locator('[data-testid^="palette-item-connect:"]')).toHaveCount(1);
    await palette.press('Enter');
    await expect(terminals.tabs()).toHaveCount(2);
    await terminals.expectState('open');
    await terminals.run('echo palette-$((2*4))');
    await expect(terminals.screen()).toContainText('palette-8');
    await app.page.keyboard.press('Control+Shift+W');
    await app.page.getByTestId('term-close-confirm-button').click();
    await expect(terminals.tabs()).toHaveCount(1);

    // The server drops the connection (its session process dies): the tab says why and counts
    // down to an automatic reconnect; the user reconnects at once.
    await terminals.run('kill -9 $PPID');
    await terminals.expectState('closed');
    await expect(terminals.closedPanel()).toBeVisible();
    await expect(app.page.getByTestId('term-reconnect-countdown')).toBeVisible();
    await terminals.reconnect();
    await terminals.expectState('open');
    await terminals.run('echo back-$((2+3))');
    await expect(terminals.screen()).toContainText('back-5');

    // Same address, new host key: refused with both fingerprints and no way to accept.
    await sshd.stop();
    await terminals.run('kill -9 $PPID');
    await terminals.expectState('closed');
    sshd = await startSshd(sshdDir, { hostKey: hostB, authorizedKeys: [client.publicLine], port });
    await terminals.reconnect();
    await expect(terminals.changedKey()).toBeVisible({ timeout: 20_000 });
    await expect(app.page.getByTestId('ssh-hostkey-new')).toContainText(fingerprint(hostB));
    await expect(app.page.getByTestId('ssh-hostkey-old')).toContainText(fingerprint(hostA));
    await expect(app.page.getByTestId('ssh-hostkey-remember')).toHaveCount(0);
    await expect(app.page.getByTestId('ssh-hostkey-once')).toHaveCount(0);
  } finally {
    await sshd.stop();
  }
});

test("a new tab's shell has the tab's size; dialogs and the search bar leave the keyboard to the terminal", async ({
  app,
}) => {
  const sshd = await startSshd(await fs.mkdtemp(path.join(dir, 'sshd-')), {
    hostKey: hostA,
    authorizedKeys: [client.publicLine],
  });
  try {
    await connectWithKey(app.page, 'keys-shell', sshd.port);

    // Accepting the host key hands the keyboard to the terminal: the next line runs there.
    const terminals = new TerminalsPage(app.page);
    await expect(terminals.hostKeyPrompt()).toBeVisible({ timeout: 20_000 });
    await terminals.acceptHostKey('remember');
    await terminals.expectState('open');
    await terminals.typeLine('echo "size=$(stty size)"');
    // The shell has as many rows as the tab shows, not the 24 of a terminal not yet fitted.
    const rows = await terminals.rowCount();
    expect(rows).toBeGreaterThan(24);
    await expect(terminals.screen()).toContainText(`size=${String(rows)} `);

    // "Keep it open" on the close question: typing goes on in the terminal.
    await app.page.keyboard.press('Control+Shift+W');
    await app.page.getByRole('button', { name: 'Keep it open' }).click();
    await terminals.typeLine('echo kept-$((2+2))');
    await expect(terminals.screen()).toContainText('kept-4');

    // The open search bar does not take the keyboard back from a terminal the user chose…
    await expect(await terminals.search('kept-4')).toHaveText('1 of 1');
    await terminals.view().getByTestId('term-host').click();
    await app.page.keyboard.press('Control+Shift+T');
    await expect(terminals.tabs()).toHaveCount(2);
    await terminals.expectState('open');
    await terminals.typeLine('echo fresh-$((3+3))');
    await expect(terminals.screen()).toContainText('fresh-6');
    await expect(terminals.searchInput()).toHaveValue('kept-4');
    // …and Ctrl+Shift+F in the terminal goes to the field again, with the old text selected.
    await app.page.keyboard.press('Control+Shift+F');
    await expect(terminals.searchInput()).toBeFocused();
    await app.page.keyboard.type('fresh-6');
    await app.page.keyboard.press('Enter');
    await expect(terminals.searchInput()).toHaveValue('fresh-6');
    await expect(terminals.searchResult()).toHaveText('1 of 1');

    // The search options apply at once, from the keyboard in the field: Alt+C matches case…
    await terminals.run("printf 'Ab%s ab%s\\n' -9 -9");
    await expect(terminals.screen()).toContainText('Ab-9 ab-9');
    await expect(await terminals.search('ab-9')).toHaveText(/ of 2$/);
    await app.page.keyboard.press('Alt+KeyC');
    await expect(terminals.searchToggle('Match case')).toHaveAttribute('aria-pressed', 'true');
    await expect(terminals.searchResult()).toHaveText('1 of 1');
    await expect(terminals.searchInput()).toBeFocused();
    // …and Alt+R reads the text as a regular expression, saying so when it is not one.
    await app.page.keyboard.press('Alt+KeyR');
    await terminals.searchInput().fill('ab-(9');
    await app.page.keyboard.press('Enter');
    await expect(terminals.searchResult()).toHaveText('Not a valid regular expression');
    await terminals.searchInput().fill('ab-[0-9]');
    await app.page.keyboard.press('Enter');
    await expect(terminals.searchResult()).toHaveText('1 of 1');
  } finally {
    await sshd.stop();
  }
});

test('quick connect refuses what is not user@host:port', async ({ app }) => {
  const terminals = new TerminalsPage(app.page);
  await terminals.open();
  await terminals.quickConnect('no-at-sign');
  await expect(app.page.getByTestId('quick-connect-error')).toContainText(
    'Add whom to log in as: user@no-at-sign.',
  );
  await terminals.quickConnect('root@host:99999');
  await expect(app.page.getByTestId('quick-connect-error')).toContainText('1–65535');
  await expect(terminals.tabs()).toHaveCount(0);
});

test('a connect that hangs says where it is going, for how long, and can be cancelled', async ({
  app,
}) => {
  // Accepts the connection and never sends the SSH banner.
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as net.AddressInfo;
  try {
    const terminals = new TerminalsPage(app.page);
    await terminals.open();
    await terminals.quickConnect(`root@127.0.0.1:${String(port)}`);
    const connecting = app.page.getByTestId('term-connecting');
    await expect(connecting).toContainText(`Connecting to root@127.0.0.1:${String(port)}…`);
    await expect(connecting).toContainText(/… [1-9]\d* s/);
    await app.page.getByTestId('term-connecting-cancel').click();
    await expect(terminals.tabs()).toHaveCount(0);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

test('cancelling a reconnect that hangs keeps the tab and its scrollback, and it can reconnect later', async ({
  app,
}) => {
  const sshdDir = await fs.mkdtemp(path.join(dir, 'sshd-'));
  let sshd: Sshd = await startSshd(sshdDir, {
    hostKey: hostA,
    authorizedKeys: [client.publicLine],
  });
  const port = sshd.port;
  // After the server goes away, something on its port accepts and never answers.
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  try {
    await connectWithKey(app.page, 'reconnect-cancel', port);
    const terminals = new TerminalsPage(app.page);
    await expect(terminals.hostKeyPrompt()).toBeVisible({ timeout: 20_000 });
    await terminals.acceptHostKey('remember');
    await terminals.expectState('open');
    await terminals.run('echo kept-$((5*5))');
    await expect(terminals.screen()).toContainText('kept-25');

    await sshd.stop();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    await terminals.run('kill -9 $PPID');
    await terminals.expectState('closed');
    await terminals.reconnect();
    await expect(app.page.getByTestId('term-connecting')).toBeVisible();
    await app.page.getByTestId('term-connecting-cancel').click();

    await expect(terminals.tabs()).toHaveCount(1);
    await expect(terminals.closedPanel()).toBeVisible();
    await expect(app.page.getByTestId('term-reconnect-countdown')).toHaveCount(0);
    await expect(terminals.screen()).toContainText('kept-25');

    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    sshd = await startSshd(sshdDir, { hostKey: hostA, authorizedKeys: [client.publicLine], port });
    await terminals.reconnect();
    await terminals.expectState('open');
    await terminals.run('echo again-$((6+1))');
    await expect(terminals.screen()).toContainText('again-7');
    await expect(terminals.screen()).toContainText('kept-25');
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
    await sshd.stop();
  }
});

test("broadcast sends what is typed to every broadcast tab, and a terminal's own answers only to its shell", async ({
  app,
}) => {
  const sshd = await startSshd(await fs.mkdtemp(path.join(dir, 'sshd-')), {
    hostKey: hostA,
    authorizedKeys: [client.publicLine],
  });
  try {
    await connectWithKey(app.page, 'broadcast-shell', sshd.port);
    const terminals = new TerminalsPage(app.page);
    await expect(terminals.hostKeyPrompt()).toBeVisible({ timeout: 20_000 });
    await terminals.acceptHostKey('remember');
    await terminals.expectState('open');

    // A second tab where `cat -v` shows every byte that reaches its shell (ESC as ^[).
    await app.page.keyboard.press('Control+Shift+T');
    await expect(terminals.tabs()).toHaveCount(2);
    await terminals.expectState('open');
    await terminals.type('cat -v');
    await app.page.keyboard.press('Enter');

    // The first tab's program asks its terminal where the cursor is, once both broadcast.
    await terminals.tabs().nth(0).click();
    await terminals.type('sleep 2; printf "\\033[6n"; echo; echo asked-$((1+1))');
    await app.page.keyboard.press('Enter');
    for (const tab of await terminals.tabs().all()) {
      await tab.getByTestId('term-tab-broadcast').click();
      await expect(tab.getByTestId('term-tab-broadcast')).toHaveAttribute('aria-pressed', 'true');
    }
    await expect(terminals.screen()).toContainText('asked-2', { timeout: 10_000 });

    // What is typed reaches both tabs; the first terminal's answer (ESC [ row ; col R) only its own.
    await terminals.type('echo typed-both');
    await app.page.keyboard.press('Enter');
    await terminals.tabs().nth(1).click();
    await expect(terminals.screen()).toContainText('echo typed-both');
    await expect(terminals.screen()).not.toContainText('^[[');
  } finally {
    await sshd.stop();
  }
});
