import { startLab } from '../../lab/index';
import { InventoryPage } from '../pages/inventory-page';
import { ProfilesPage } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

test('a sorted column shows its arrow however narrow it is', async ({ app }) => {
  test.setTimeout(120_000);
  const lab = await startLab({ size: 40, seed: 11, systems: { ssh: false } });
  try {
    const { page } = app;
    const inventory = new InventoryPage(page);
    await new ProfilesPage(page).importManifest(lab.manifest());
    await inventory.syncAll('ok');
    await inventory.open('assets');
    await inventory.query('');
    for (const id of ['updates', 'security']) {
      const header = page.getByTestId(`column-${id}`);
      await header.click();
      await header.click();
      await expect(header).toHaveAttribute('aria-sort', 'descending');
      const arrow = await header.locator('svg').boundingBox();
      expect(arrow?.width ?? 0).toBeGreaterThanOrEqual(10);
      // The arrow stays inside its column.
      const cell = await header.boundingBox();
      if (arrow === null || cell === null) throw new Error(`the ${id} header is not shown`);
      expect(arrow.x + arrow.width).toBeLessThanOrEqual(cell.x + cell.width);
    }
  } finally {
    await lab.close();
  }
});
