import { startOtpLab } from '../../lab/otp';
import { InventoryPage } from '../pages/inventory-page';
import { ProfilesPage } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

const code = '482913';
const totpName = 'PVE with TOTP';

test('a Proxmox profile with a one-time code: declined, then synced with the code', async ({
  app,
}) => {
  test.setTimeout(180_000);
  const { lab, manifest, tokenProfileName } = await startOtpLab(4, code, totpName);
  try {
    const { page } = app;
    const profiles = new ProfilesPage(page);
    const inventory = new InventoryPage(page);
    await profiles.open();
    await page.getByTestId('profiles-import').click();
    await profiles.importFile('lab-manifest.json', JSON.stringify(manifest));
    await expect(profiles.importSummary()).toContainText(
      `${String(manifest.profiles.length)} created`,
    );
    await profiles.closeImport();

    // Sync everything: the TOTP profile asks; Escape declines, and only that source fails.
    await inventory.open('sync');
    await expect(inventory.syncRows()).toHaveCount(manifest.profiles.length);
    await page.getByTestId('sync-all').click();
    const dialog = page.getByTestId('otp-dialog');
    await expect(dialog).toBeVisible({ timeout: 60_000 });
    await expect(dialog).toContainText(`Proxmox ${totpName} asks for a one-time code`);
    await expect(dialog).toContainText('root@pam');
    await expect(page.getByTestId('otp-input')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(inventory.syncRow(totpName)).toHaveAttribute('data-state', 'failed', {
      timeout: 60_000,
    });
    await expect(inventory.syncRow(totpName).getByTestId('sync-error')).toContainText(
      'No one-time code given',
    );
    await expect(inventory.syncRow(tokenProfileName)).toHaveAttribute('data-state', 'ok', {
      timeout: 60_000,
    });

    // Sync it again and type the code as an authenticator shows it; Enter sends it.
    await inventory.syncRow(totpName).getByTestId('sync-now').click();
    await expect(dialog).toBeVisible({ timeout: 60_000 });
    await page.keyboard.type(`${code.slice(0, 3)} ${code.slice(3)}`);
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    await expect(inventory.syncRow(totpName)).toHaveAttribute('data-state', 'ok', {
      timeout: 60_000,
    });
    await expect(inventory.syncRow(totpName).getByTestId('sync-error')).toHaveText('');

    // Background sync: never for the profile that needs a code; hourly for the other one,
    // kept across a reload.
    const totpEvery = inventory.syncRow(totpName).getByTestId('sync-every');
    await expect(totpEvery).toBeDisabled();
    await expect(inventory.syncRow(totpName).getByTestId('sync-every-hint')).toHaveText(
      'By hand only',
    );
    const every = page.getByRole('combobox', { name: `Sync ${tokenProfileName} every` });
    await every.selectOption({ label: '1 h' });
    await expect(inventory.syncRow(tokenProfileName).getByTestId('sync-next')).toContainText(
      'next about',
    );
    await page.reload();
    await inventory.open('sync');
    await expect(
      page.getByRole('combobox', { name: `Sync ${tokenProfileName} every` }),
    ).toHaveValue('60');
  } finally {
    await lab.close();
  }
});
