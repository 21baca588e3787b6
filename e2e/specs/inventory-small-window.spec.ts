import { startLab } from '../../lab/index';
import { InventoryPage } from '../pages/inventory-page';
import { ProfilesPage } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

test('in a small window with the sources offline, a click on a row opens that row', async ({
  app,
}) => {
  test.setTimeout(180_000);
  const lab = await startLab({ size: 60, seed: 11, systems: { ssh: false } });
  let labRunning = true;
  try {
    const { page } = app;
    const inventory = new InventoryPage(page);
    await new ProfilesPage(page).importManifest(lab.manifest());
    await inventory.syncAll('ok');
    await lab.close();
    labRunning = false;
    // The banner saying the sources are offline takes its line above the table.
    await expect(async () => {
      await inventory.open('sync');
      await inventory.open('assets');
      await expect(inventory.staleBanner()).toBeVisible({ timeout: 3000 });
    }).toPass({ timeout: 30_000 });
    await page.setViewportSize({ width: 640, height: 480 });
    await inventory.query('');
    // The banner's list of sources and a row of saved searches leave the table less room than
    // the window has: the view scrolls, with the bottom of the table out of sight.
    await inventory.showStaleSources();
    for (const name of ['Everything', 'All again']) {
      await page.getByTestId('save-search').click();
      await page.getByTestId('save-search-name').fill(name);
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('saved-search').filter({ hasText: name })).toBeVisible();
    }
    await expect(inventory.loadedRows().nth(3)).toBeVisible();

    for (const at of [2, 3]) {
      const row = inventory.loadedRows().nth(at);
      const name = await row.getAttribute('data-name');
      // Each click with the keyboard elsewhere, as after using the search box.
      await inventory.search().focus();
      await inventory.rowCells(name ?? '').click();
      await expect(inventory.detail()).toHaveAttribute('data-name', name ?? '');
      await expect(inventory.rowCells(name ?? '')).toHaveClass(/\bfocused\b/);
      await expect(inventory.grid()).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(inventory.detail()).toBeHidden();
    }
  } finally {
    if (labRunning) await lab.close();
  }
});
