import { startLab } from '../../lab/index';
import { InventoryPage } from '../pages/inventory-page';
import { ProfilesPage } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

test('many saved searches take one line above the table, the rest in a menu the keyboard opens', async ({
  app,
}) => {
  test.setTimeout(180_000);
  const lab = await startLab({ size: 40, seed: 11, systems: { ssh: false } });
  try {
    const { page } = app;
    const inventory = new InventoryPage(page);
    await new ProfilesPage(page).importManifest(lab.manifest());
    await inventory.syncAll('ok');
    await page.setViewportSize({ width: 1360, height: 717 });
    await inventory.open('assets');
    const saved = 24;
    for (let n = 1; n <= saved; n++) {
      await inventory.query(`kind:vm updates>${String(n)}`);
      await page.getByTestId('save-search').click();
      await page.getByTestId('save-search-name').fill(`Pending over ${String(n)}`);
      await page.keyboard.press('Enter');
      await expect(page.getByRole('dialog')).toBeHidden();
    }
    await expect(page.getByTestId('saved-search')).toHaveCount(saved);

    // The chips in sight are on one line, and the table starts right under it.
    const tops = await page
      .getByTestId('saved-search')
      .evaluateAll((chips) =>
        chips
          .filter((chip) => chip.checkVisibility({ visibilityProperty: true }))
          .map((chip) => Math.round(chip.getBoundingClientRect().top)),
      );
    expect(tops.length).toBeGreaterThan(0);
    expect(new Set(tops).size).toBe(1);
    const hidden = saved - tops.length;
    const more = page.getByTestId('saved-more');
    await expect(more).toHaveText(`+${String(hidden)} more`);
    const box = await inventory.search().boundingBox();
    const grid = await inventory.grid().boundingBox();
    if (box === null || grid === null) throw new Error('the search box or table is not shown');
    expect(grid.y - (box.y + box.height)).toBeLessThan(90);

    // The rest from the keyboard: the menu lists them, and Enter runs the one chosen.
    await more.focus();
    await page.keyboard.press('Enter');
    const items = page.getByTestId('saved-more-item');
    await expect(items).toHaveCount(hidden);
    await expect(items.last()).toHaveText(`Pending over ${String(saved)}`);
    await items.last().focus();
    await page.keyboard.press('Enter');
    await expect(inventory.grid()).toHaveAttribute(
      'data-query',
      `kind:vm updates>${String(saved)}`,
    );

    // A search in the menu is forgotten there too, by Delete or its ×, and Undo brings it back.
    const undo = (name: string) =>
      page
        .locator('[data-sonner-toast]', { hasText: `Forgot the saved search ${name}.` })
        .getByRole('button', { name: 'Undo' });
    await more.focus();
    await page.keyboard.press('Enter');
    const first = items.first();
    await expect(first).toBeFocused();
    const firstName = (await first.getAttribute('data-name')) ?? '';
    await page.keyboard.press('Delete');
    await expect(items).toHaveCount(hidden - 1);
    await expect(items.first()).toBeFocused();
    await expect(items.first()).not.toHaveAttribute('data-name', firstName);
    await page.keyboard.press('Escape');
    await expect(more).toHaveText(`+${String(hidden - 1)} more`);
    await undo(firstName).click();
    await expect(more).toHaveText(`+${String(hidden)} more`);
    await more.click();
    const lastName = (await items.last().getAttribute('data-name')) ?? '';
    await items.last().hover();
    await items.last().getByTestId('menu-item-remove').click();
    await expect(items).toHaveCount(hidden - 1);
    await expect(items.last()).not.toHaveAttribute('data-name', lastName);
    // Not run: the table keeps the search it had.
    await expect(inventory.grid()).toHaveAttribute(
      'data-query',
      `kind:vm updates>${String(saved)}`,
    );
    await page.keyboard.press('Escape');
    await undo(lastName).click();
    await expect(more).toHaveText(`+${String(hidden)} more`);
    await expect(page.getByTestId('saved-search')).toHaveCount(saved);
  } finally {
    await lab.close();
  }
});
