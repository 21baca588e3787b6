import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ensurePasswordUser,
  generateKey,
  passwordUser,
  passwordUserPassword,
  startSshd,
  type KeyPair,
  type Sshd,
} from '../../src/main/ssh/test-support/sshd';
import type { Page } from '@playwright/test';
import { ProfilesPage } from '../pages/profiles-page';
import { TerminalsPage } from '../pages/terminals-page';
import { expect, test } from '../support/fixtures';
import { openKeyShell as openKeyShellWith } from '../support/key-shell';

let dir: string;
let hostKey: KeyPair;
let client: KeyPair;
let sshd: Sshd;

test.beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rackside-e2e-term-ui-'));
  [hostKey, client] = await Promise.all([generateKey(dir, 'host'), generateKey(dir, 'client')]);
  await ensurePasswordUser();
  sshd = await startSshd(await fs.mkdtemp(path.join(dir, 'sshd-')), {
    hostKey,
    authorizedKeys: [client.publicLine],
    extraConfig: ['PasswordAuthentication yes'],
  });
});
test.afterAll(async () => {
  await sshd.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

function openKeyShell(page: Page, name: string): Promise<TerminalsPage> {
  return openKeyShellWith(page, name, sshd, client);
}

test('a password typed at the prompt and saved logs in without asking, until the form clears it', async ({
  app,
}) => {
  const profiles = new ProfilesPage(app.page);
  await profiles.open();
  await profiles.startNew('ssh');
  await profiles.choose('auth-mode', 'password');
  await profiles.fill({
    name: 'pw-shell',
    'connection.host': '127.0.0.1',
    'connection.port': String(sshd.port),
    'connection.username': passwordUser,
  });
  await profiles.save();
  await profiles.select('pw-shell');
  await expect(profiles.secretsSummary()).toContainText('Password: not set');
  await profiles.detail().getByTestId('profile-connect').click();

  const terminals = new TerminalsPage(app.page);
  await expect(terminals.hostKeyPrompt()).toBeVisible({ timeout: 20_000 });
  await terminals.acceptHostKey('remember');
  const prompt = app.page.getByTestId('ssh-secret-prompt');
  await expect(prompt).toBeVisible();
  await prompt.getByTestId('ssh-secret-input').fill(passwordUserPassword);
  await prompt.getByTestId('ssh-prompt-save').check();
  await prompt.getByTestId('ssh-secret-submit').click();
  await terminals.expectState('open');
  await terminals.run('echo first-$((2*3))');
  await expect(terminals.screen()).toContainText('first-6');

  // The profile now has the password, and the next session logs in with it, asking nothing.
  await profiles.open();
  await profiles.select('pw-shell');
  await expect(profiles.secretsSummary()).toContainText('Password: stored');
  await profiles.detail().getByTestId('profile-connect').click();
  await expect(terminals.tabs()).toHaveCount(2);
  await terminals.expectState('open');
  await expect(prompt).toHaveCount(0);
  await terminals.run('echo second-$((3*3))');
  await expect(terminals.screen()).toContainText('second-9');

  // "Clear" in the form deletes it: the login asks again.
  await profiles.open();
  await profiles.edit('pw-shell');
  await app.page.getByTestId('pf-secrets-password-clear').click();
  await profiles.save();
  await expect(profiles.secretsSummary()).toContainText('Password: not set');
  await profiles.detail().getByTestId('profile-connect').click();
  await expect(prompt).toBeVisible({ timeout: 20_000 });
});

test('whole-word search finds every whole word of a line, also after a partial match', async ({
  app,
}) => {
  const terminals = await openKeyShell(app.page, 'word-shell');
  // The command line shows fo""o; only the output has the words.
  await terminals.run('echo fo""o fo""obar fo""o');
  await expect(terminals.screen()).toContainText('foo foobar foo');
  await expect(await terminals.search('foo')).toHaveText('1 of 3');
  await app.page.keyboard.press('Alt+KeyW');
  await expect(terminals.searchToggle('Whole word')).toHaveAttribute('aria-pressed', 'true');
  await expect(terminals.searchResult()).toHaveText('1 of 2');
  await app.page.keyboard.press('Enter');
  await expect(terminals.searchResult()).toHaveText('2 of 2');
  // With a regular expression too.
  await app.page.keyboard.press('Alt+KeyR');
  await terminals.searchInput().fill('fo{2}');
  await app.page.keyboard.press('Enter');
  await expect(terminals.searchResult()).toHaveText(/ of 2$/);
});

test('in a 1024 px window the active tab and the search bar stay in sight, also split', async ({
  app,
}) => {
  await app.page.setViewportSize({ width: 1024, height: 700 });
  const terminals = await openKeyShell(app.page, 'a-rather-long-profile-name');
  for (let count = 2; count <= 5; count += 1) {
    await app.page.keyboard.press('Control+Shift+T');
    await expect(terminals.tabs()).toHaveCount(count);
    await terminals.expectState('open');
  }
  // The newest tab is the active one, at the end of a strip wider than the window.
  const active = app.page.locator('[data-testid="term-tab"][aria-selected="true"]');
  await expect(active).toHaveCount(1);
  await expect(active).toBeInViewport({ ratio: 0.95 });
  // Ctrl+PageDown from the last tab goes round to the first, which comes back into sight.
  await app.page.keyboard.press('Control+PageDown');
  await expect(terminals.tabs().first()).toHaveAttribute('aria-selected', 'true');
  await expect(active).toBeInViewport({ ratio: 0.95 });
  // The strip that cannot show every tab lists them all: the last one, now out of sight, is
  // chosen there and comes into sight with the keyboard in its terminal.
  await expect(terminals.tabs().last()).not.toBeInViewport({ ratio: 0.95 });
  const list = app.page.getByTestId('term-tab-list-0');
  await expect(list).toHaveAccessibleName('All tabs of this pane (5)');
  await list.click();
  const items = app.page.getByTestId('term-tab-list-item');
  await expect(items).toHaveCount(5);
  await expect(items.first()).toHaveAttribute('aria-checked', 'true');
  await expect(items.last()).toContainText('a-rather-long-profile-name (5)');
  await items.last().click();
  await expect(terminals.tabs().last()).toHaveAttribute('aria-selected', 'true');
  await expect(active).toBeInViewport({ ratio: 0.95 });
  await terminals.typeLine('echo listed-$((2*3))');
  await expect(terminals.screen()).toContainText('listed-6');
  await app.page.keyboard.press('Control+PageDown');
  await expect(terminals.tabs().first()).toHaveAttribute('aria-selected', 'true');

  // Split, each pane half as wide: the search bar's count and close button still show.
  await app.page.getByTestId('term-split').click();
  const pane = app.page.getByTestId('term-pane-0');
  await pane.getByTestId('term-host').first().click();
  await terminals.run('echo split-$((4*4))');
  await expect(pane.locator('.xterm-rows').first()).toContainText('split-16');
  await app.page.keyboard.press('Control+Shift+F');
  await expect(terminals.searchInput()).toBeFocused();
  await app.page.keyboard.type('split-16');
  await app.page.keyboard.press('Enter');
  await expect(terminals.searchResult()).toHaveText('1 of 1');
  // Inside the pane, not under the other pane that covers what overflows this one.
  const paneBox = await pane.boundingBox();
  for (const part of [
    terminals.searchResult(),
    pane.getByRole('button', { name: 'Close search' }),
  ]) {
    const box = await part.boundingBox();
    expect(box).not.toBeNull();
    expect(paneBox).not.toBeNull();
    if (box === null || paneBox === null) return;
    expect(box.x + box.width).toBeLessThanOrEqual(paneBox.x + paneBox.width);
  }
});

test('in a short window an empty pane of a split shows its whole text from the top', async ({
  app,
}) => {
  await openKeyShell(app.page, 'small-window-split');
  await app.page.getByTestId('term-split').click();
  // Shorter than what the pane holds: the start of its text must stay in reach.
  await app.page.setViewportSize({ width: 900, height: 300 });
  const empty = app.page.getByTestId('term-pane-empty-1');
  await expect(empty).toBeVisible();
  const emptyBox = await empty.boundingBox();
  const firstLine = await empty.getByText('No terminals in this pane.').boundingBox();
  if (emptyBox === null || firstLine === null) throw new Error('the empty pane is not shown');
  expect(firstLine.y).toBeGreaterThanOrEqual(emptyBox.y);
});

test('a tab dragged into the other pane keeps its session and scrollback, and back again', async ({
  app,
}) => {
  const terminals = await openKeyShell(app.page, 'drag-between-panes');
  await terminals.run('echo kept-$((6*7))');
  await expect(terminals.screen()).toContainText('kept-42');
  await app.page.keyboard.press('Control+Shift+T');
  await expect(terminals.tabs()).toHaveCount(2);
  await terminals.expectState('open');
  // Split: the first tab (with "kept-42") goes to the second pane, the new one stays.
  await app.page.getByTestId('term-split').click();
  const left = app.page.getByTestId('term-pane-0');
  const right = app.page.getByTestId('term-pane-1');
  const shown = (pane: typeof left) =>
    pane.locator('[data-testid="term-view"][data-visible="true"] .xterm-rows');
  await expect(shown(right)).toContainText('kept-42');

  // Onto the left half of the left pane's tab: it goes before it and is shown there.
  await terminals.dragTab(
    right.getByTestId('term-tab'),
    left.getByTestId('term-tab').first(),
    'left',
  );
  await expect(left.getByTestId('term-tab')).toHaveCount(2);
  await expect(left.getByTestId('term-tab').first()).toHaveAttribute('aria-selected', 'true');
  await expect(shown(left)).toContainText('kept-42');
  await expect(right.getByTestId('term-tab')).toHaveCount(0);
  await expect(right).toContainText('No terminals in this pane');

  // Back onto the empty pane, anywhere on it: the same live session answers there.
  await left.getByTestId('term-tab').first().dragTo(right);
  await expect(right.getByTestId('term-tab')).toHaveCount(1);
  await expect(shown(right)).toContainText('kept-42');
  await right.getByTestId('term-host').first().click();
  await terminals.typeLine('echo moved-$((2*5))');
  await expect(shown(right)).toContainText('moved-10');
  await expect(left.getByTestId('term-tab')).toHaveCount(1);
});

test('a reload with a host-key question open asks it again in the same tab, for the same connection', async ({
  app,
}) => {
  const terminals = new TerminalsPage(app.page);
  await terminals.open();
  await terminals.quickConnect(`root@127.0.0.1:${String(sshd.port)}`);
  await expect(terminals.hostKeyPrompt()).toBeVisible({ timeout: 20_000 });
  // The window goes away with its question open (a reload; in the app, a renderer that crashed).
  await app.page.reload();
  await app.shell.waitReady();
  // The section is kept, and the tab comes back with its session's question on screen again —
  // not "waiting for your answer … in another tab" that no window shows.
  await expect(terminals.tabs()).toHaveCount(1);
  await expect(terminals.hostKeyPrompt()).toBeVisible({ timeout: 20_000 });
  await expect(app.page.getByTestId('term-connecting')).not.toContainText('in another tab');
  // The answer reaches the connection: it goes on to log in (here: asks for a password).
  await terminals.acceptHostKey('once');
  await terminals.expectState('authenticating');
});

test('a terminal outlives a reload of its window: the same tab, its screen and its live shell', async ({
  app,
}) => {
  const terminals = await openKeyShell(app.page, 'reload-shell');
  await terminals.typeLine('KEPT=shell-$((20+22)); echo before-$((6*7))');
  await expect(terminals.screen()).toContainText('before-42');

  await app.page.reload();
  await app.shell.waitReady();
  await terminals.open();
  await expect(terminals.tabs()).toHaveCount(1);
  await expect(terminals.tabs().first()).toHaveAttribute('data-label', 'reload-shell');
  await terminals.expectState('open');
  // What the shell printed before the reload is shown again, and the shell is the same one.
  await expect(terminals.screen()).toContainText('before-42');
  await terminals.type('echo still-$KEPT');
  await app.page.keyboard.press('Enter');
  await expect(terminals.screen()).toContainText('still-shell-42');

  // Typing goes only once to the shell, and a second reload brings it back again.
  await app.page.reload();
  await app.shell.waitReady();
  await terminals.open();
  await expect(terminals.screen()).toContainText('still-shell-42');
  await terminals.type('echo twice-$((2+3))');
  await app.page.keyboard.press('Enter');
  await expect(terminals.screen()).toContainText('twice-5');
  await expect(terminals.screen()).not.toContainText('twice-5twice-5');
});

test('a full-screen program running across a reload keeps its own screen, also after long output', async ({
  app,
}) => {
  const terminals = await openKeyShell(app.page, 'reload-full-screen');
  await terminals.typeLine('echo on-the-shell-screen');
  // A program on the alternate screen prints more than a reloaded window is shown again, then
  // waits; once it goes on it leaves the alternate screen, as a full-screen program does.
  await terminals.typeLine(
    "clear; printf '\\033[?1049h'; for i in $(seq 1 9000); do echo \"frame-line-$i ......................................................\"; done; read x; printf '\\033[?1049l'; echo back-on-$((6*7))",
  );
  await expect(terminals.screen()).toContainText('frame-line-9000', { timeout: 30_000 });

  await app.page.reload();
  await app.shell.waitReady();
  await expect(terminals.screen()).toContainText('frame-line-9000');
  await terminals.view().getByTestId('term-host').click();
  await app.page.keyboard.press('Enter');
  // Back on the shell's screen: the program's lines went with its alternate screen.
  await expect(terminals.screen()).toContainText('back-on-42');
  await expect(terminals.screen()).not.toContainText('frame-line-9000');
});
