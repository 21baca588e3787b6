import { startLab } from '../../lab/index';
import { InventoryPage } from '../pages/inventory-page';
import { ProfilesPage } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

test('an overview bar lists exactly the assets it counts, with the keyboard in the table', async ({
  app,
}) => {
  test.setTimeout(180_000);
  const lab = await startLab({ size: 120, seed: 11, systems: { ssh: false } });
  try {
    const { page } = app;
    const inventory = new InventoryPage(page);
    const profiles = new ProfilesPage(page);
    await profiles.importManifest(lab.manifest());
    await inventory.syncAll('ok');

    // In a 1024×768 window the sync center the sync ended in fits beside the sidebar: nothing is
    // cut off or needs scrolling sideways, down to each row's sync button.
    await page.setViewportSize({ width: 1024, height: 768 });
    const center = page.getByTestId('sync-center');
    await expect(async () => {
      const width = await center.evaluate((el) => ({
        scroll: el.scrollWidth,
        client: el.clientWidth,
        table: el.querySelector('table')?.getBoundingClientRect().width ?? Infinity,
      }));
      expect(width.scroll).toBeLessThanOrEqual(width.client);
      expect(width.table).toBeLessThanOrEqual(width.client);
    }).toPass({ timeout: 5_000 });
    for (const button of await inventory.syncRows().getByTestId('sync-now').all()) {
      await expect(button).toBeInViewport({ ratio: 1 });
    }
    await page.setViewportSize({ width: 1360, height: 860 });

    await inventory.open('overview');
    // The lab has OS "Linux" on its own beside names with the word in them ("Rocky Linux 9.5").
    const bar = page.getByTestId('chart-os').locator('path[name="Linux"]');
    await bar.click();

    await expect(inventory.search()).toHaveValue('os=Linux');
    // The bar went away with the overview; the keyboard starts in the table.
    await expect(inventory.grid()).toBeFocused();
    const count = await inventory.total();
    const names = await inventory.visibleNames();
    expect(names).toHaveLength(count);
    expect(count).toBeGreaterThan(0);
    for (const name of names) {
      await expect(inventory.rowCells(name).locator('.cell-os')).toHaveText('Linux');
    }
    // Its words find more: what the bar used to list.
    await inventory.query('os:Linux');
    expect(await inventory.total()).toBeGreaterThan(count);

    // Every drift bar says its count, none included (this lab's guests are all in Proxmox VE).
    await inventory.open('overview');
    const missing = page.getByTestId('chart-missing');
    await expect(missing).toContainText('not in Proxmox VE');
    await expect(async () => {
      const texts = await missing.locator('text').allTextContents();
      const counts = texts.map((t) => t.trim()).filter((t) => /^\d+$/.test(t));
      expect(counts).toHaveLength(3);
      expect(counts).toContain('0');
    }).toPass({ timeout: 5000 });

    // From the keyboard: a chart takes the focus on its first bar, the arrows move along its bars
    // as drawn (Down to the one below, Up back) and Enter lists the assets of the bar reached, as
    // a click would.
    await page.getByTestId('chart-missing').getByRole('listbox').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect(inventory.search()).toHaveValue('drift:proxmox');
    await expect(inventory.grid()).toBeFocused();

    // The ring of sources reads the same way: a named list of "source: count", nothing on the
    // page a screen reader would only call "application", and Enter on the second slice lists
    // that source's assets.
    await inventory.open('overview');
    const ring = page.getByRole('listbox', { name: 'By source' });
    const slices = await ring.getByRole('option').allTextContents();
    expect(slices.length).toBeGreaterThanOrEqual(3);
    for (const slice of slices)
      expect(slice).toMatch(/^(Foreman|Proxmox VE|PatchMon|RouterOS): [\d,]+$/);
    await expect(page.getByRole('application')).toHaveCount(0);
    await ring.focus();
    await page.keyboard.press('ArrowDown');
    await expect(ring.getByRole('option', { selected: true })).toHaveText(slices[1] ?? '');
    await page.keyboard.press('Enter');
    const system = {
      Foreman: 'foreman',
      'Proxmox VE': 'proxmox',
      PatchMon: 'patchmon',
      RouterOS: 'routeros',
    }[(slices[1] ?? '').split(':')[0] ?? ''];
    await expect(inventory.search()).toHaveValue(`source:${system ?? '?'}`);
  } finally {
    await lab.close();
  }
});
