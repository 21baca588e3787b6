import fs from 'node:fs/promises';
import path from 'node:path';
import { ProfilesPage } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

test('the theme choice applies at once and survives a restart', async ({ app }) => {
  await app.shell.navItem('settings').click();
  await app.page.getByTestId('theme-dark').click();
  await expect(app.page.getByTestId('theme-dark')).toHaveAttribute('aria-checked', 'true');
  expect(await app.shell.theme()).toBe('dark');

  await app.restart();
  await app.shell.navItem('settings').click();
  await expect(app.page.getByTestId('theme-dark')).toHaveAttribute('aria-checked', 'true');
  expect(await app.shell.theme()).toBe('dark');

  await app.shell.runFromPalette('light theme', 'theme:light');
  await expect(app.page.getByTestId('theme-light')).toHaveAttribute('aria-checked', 'true');
  expect(await app.shell.theme()).toBe('light');
});

test('an invalid lock timeout is explained inline and nothing is saved', async ({ app }) => {
  const { page } = app;
  await app.shell.navItem('settings').click();
  const field = page.getByTestId('lock-timeout');
  await field.fill('forever');
  await field.press('Enter');
  await expect(page.getByTestId('lock-timeout-help')).toHaveText(
    'Enter whole minutes from 0 (never) to 1440.',
  );
  await expect(field).toHaveAttribute('aria-invalid', 'true');

  await field.fill('30');
  await field.press('Enter');
  await expect(page.getByText('The vault locks after 30 idle minutes.')).toBeVisible();
  await app.restart();
  await app.shell.navItem('settings').click();
  await expect(page.getByTestId('lock-timeout')).toHaveValue('30');
});

test('settings show where this installation keeps its data', async ({ app }) => {
  await app.shell.navItem('settings').click();
  await expect(app.page.getByTestId('data-dir')).toHaveText(app.dataDir);
});

test('a settings file with one bad saved search keeps everything else, and says what was left out', async ({
  app,
}) => {
  const file = path.join(app.dataDir, 'settings.json');
  await fs.writeFile(
    file,
    JSON.stringify({
      theme: 'dark',
      lockTimeoutMinutes: 30,
      savedSearches: [
        { name: 'Debian', query: 'os:debian' },
        { name: 'Everything', query: 'q'.repeat(2001) },
      ],
      defaultSshUser: '',
      // A setting of a newer Rackside.
      telemetry: false,
    }),
  );
  await app.restart();
  const notice = app.page.getByTestId('notice');
  await expect(notice).toContainText(`Some settings in ${file} could not be used`);
  await expect(notice).toContainText('the saved search "Everything"');
  expect(await app.shell.theme()).toBe('dark');
  await app.shell.navItem('settings').click();
  await expect(app.page.getByTestId('lock-timeout')).toHaveValue('30');
  const saved = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  expect(saved).toMatchObject({
    savedSearches: [{ name: 'Debian', query: 'os:debian' }],
    telemetry: false,
  });

  await notice.getByTestId('notice-dismiss').click();
  await expect(notice).toBeHidden();
  await app.restart();
  await app.shell.navItem('settings').click();
  await expect(app.page.getByTestId('lock-timeout')).toHaveValue('30');
  await expect(notice).toBeHidden();
});

test('with a folder in place of settings.json the app starts on defaults and says so', async ({
  app,
}) => {
  const file = path.join(app.dataDir, 'settings.json');
  await fs.rm(file, { force: true });
  await fs.mkdir(file);
  await app.restart();
  await expect(app.page.getByTestId('notice')).toContainText(
    `Rackside could not use its settings file ${file} (it cannot be read: it is a folder). It was moved to ${file}.invalid-`,
  );
  await app.shell.navItem('settings').click();
  await app.page.getByTestId('theme-dark').click();
  await expect(app.page.getByTestId('theme-dark')).toHaveAttribute('aria-checked', 'true');
  await app.restart();
  expect(await app.shell.theme()).toBe('dark');
});

test('saved searches forgotten one right after another are all forgotten', async ({ app }) => {
  const { page } = app;
  await fs.writeFile(
    path.join(app.dataDir, 'settings.json'),
    JSON.stringify({
      savedSearches: [
        { name: 'Debian', query: 'os:debian' },
        { name: 'Running', query: 'status:running' },
        { name: 'VMs', query: 'kind:vm' },
      ],
    }),
  );
  await app.restart();
  // One source, never synced: the inventory shows its toolbar and the saved searches.
  const profiles = new ProfilesPage(page);
  await profiles.open();
  await app.shell.runFromPalette('Import profiles', 'profiles:import');
  await profiles.importFile(
    'one.json',
    JSON.stringify({
      rackside: 'profile-manifest',
      version: 1,
      profiles: [
        {
          name: 'foreman',
          connection: {
            kind: 'foreman',
            url: 'https://foreman.example',
            auth: { mode: 'token', username: 'admin' },
          },
        },
      ],
    }),
  );
  await expect(profiles.importSummary()).toContainText('1 created');
  await profiles.closeImport();
  await page.getByTestId('nav-inventory').click();
  await expect(page.getByTestId('saved-search')).toHaveCount(3);
  // Two clicks before the first change is saved, as a quick hand or a slow disk makes them.
  await page.evaluate(() => {
    for (const name of ['Debian', 'VMs']) {
      document
        .querySelector<HTMLButtonElement>(`[aria-label="Forget the saved search ${name}"]`)
        ?.click();
    }
  });
  await expect(page.getByTestId('saved-search')).toHaveCount(1);
  await expect(page.getByTestId('saved-search')).toHaveAttribute('data-name', 'Running');
  await app.restart();
  await page.getByTestId('nav-inventory').click();
  await expect(page.getByTestId('saved-search')).toHaveCount(1);
  await expect(page.getByTestId('saved-search')).toHaveAttribute('data-name', 'Running');
});
