import { expect, test } from '../support/fixtures';
import { sectionIds, sectionLabels } from '../pages/shell-page';

test('opens on the inventory, which says what it will hold', async ({ app }) => {
  await app.shell.expectSection('inventory');
  await expect(app.shell.sectionView('inventory')).toContainText(
    'Foreman, Proxmox VE, PatchMon and RouterOS',
  );
});

test('every section is reachable from the sidebar', async ({ app }) => {
  for (const id of [...sectionIds].reverse()) {
    await app.shell.navItem(id).click();
    await app.shell.expectSection(id);
  }
});

test('every section is reachable from the command palette', async ({ app }) => {
  for (const id of sectionIds) {
    await app.shell.runFromPalette(sectionLabels[id], `go:${id}`);
    await app.shell.expectSection(id);
  }
});

test('Ctrl/Cmd+digit jumps straight to a section, and Escape closes the palette', async ({
  app,
}) => {
  const { page, shell } = app;
  await page.keyboard.press('ControlOrMeta+5');
  await shell.expectSection('profiles');
  // The keyboard goes with it, not back to the top of the page.
  await expect(page.getByRole('heading', { level: 1, name: 'Profiles' })).toBeFocused();
  await page.keyboard.press('ControlOrMeta+6');
  await shell.expectSection('settings');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeFocused();
  // Closed with Escape, the palette gives the keyboard back to what had it.
  const light = page.getByRole('radio', { name: 'Light' });
  await light.focus();
  const input = await shell.openPalette();
  await page.keyboard.press('Escape');
  await expect(input).toBeHidden();
  await expect(light).toBeFocused();
});

test('a command from the palette keeps the keyboard where it put it', async ({ app }) => {
  await app.shell.runFromPalette('New profile', 'profiles:new');
  await expect(app.page.getByTestId('pf-name')).toBeFocused();
});

test('the palette says so when nothing matches', async ({ app }) => {
  const input = await app.shell.openPalette();
  await input.fill('zzzz-no-such-command');
  await expect(app.page.getByText('No matching command, profile or asset.')).toBeVisible();
});

test('a reload keeps the current section', async ({ app }) => {
  await app.shell.navItem('patches').click();
  await app.shell.expectSection('patches');
  await app.page.reload();
  await app.shell.waitReady();
  await app.shell.expectSection('patches');
});
