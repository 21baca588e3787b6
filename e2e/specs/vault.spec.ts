import { expect, test, testPassphrase } from '../support/fixtures';

test.describe('first run', () => {
  test.use({ vaultSetup: false });

  test('asks for a passphrase twice, explains mistakes, then opens the app', async ({ app }) => {
    const { vault, page } = app;
    await vault.setup('short', 'short');
    await expect(vault.error()).toHaveText('Use at least 8 characters.');
    await vault.setup(testPassphrase, `${testPassphrase}!`);
    await expect(vault.error()).toHaveText('The two passphrases differ.');
    await expect(page.getByTestId('vault-strength')).toHaveText('Strong');
    await vault.setup(testPassphrase);
    await app.shell.waitReady();
    await app.shell.expectSection('inventory');

    await app.restart({ unlock: false });
    await vault.expectLocked();
  });
});

test('locking hides the app; a wrong passphrase is refused and changes nothing', async ({
  app,
}) => {
  const { page, vault, shell } = app;
  await page.keyboard.press('ControlOrMeta+l');
  await vault.expectLocked();
  await expect(shell.navItem('inventory')).toBeHidden();

  await vault.unlock('not the passphrase');
  await expect(vault.error()).toContainText(/passphrase/i);
  await vault.expectLocked();

  await app.restart({ unlock: false });
  await vault.unlock(testPassphrase);
  await shell.waitReady();
});

test('the lock button in the sidebar and the palette command lock the vault', async ({ app }) => {
  await app.shell.page.getByTestId('lock-vault').click();
  await app.vault.expectLocked();
  await app.vault.unlock(testPassphrase);
  await app.shell.waitReady();
  await app.shell.runFromPalette('lock the vault', 'vault:lock');
  await app.vault.expectLocked();
});

test('a changed passphrase replaces the old one after a restart', async ({ app }) => {
  const { page } = app;
  const next = 'a much longer passphrase 2026';
  await app.shell.navItem('settings').click();
  await page.getByTestId('pp-current').fill('wrong current passphrase');
  await page.getByTestId('pp-next').fill(next);
  await page.getByTestId('pp-confirm').fill(next);
  await page.getByTestId('pp-submit').click();
  await expect(page.getByTestId('pp-error')).toContainText(/passphrase/i);

  await page.getByTestId('pp-current').fill(testPassphrase);
  await page.getByTestId('pp-submit').click();
  await expect(page.getByText('Passphrase changed.', { exact: false })).toBeVisible();

  await app.restart({ unlock: false });
  await app.vault.unlock(testPassphrase);
  await expect(app.vault.error()).toBeVisible();
  await expect(page.getByTestId('vault-submit')).toBeEnabled({ timeout: 15_000 });
  await app.vault.unlock(next);
  await app.shell.waitReady();
});
