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
