import type { Page } from '@playwright/test';
import { startLab, type Lab } from '../../lab/index';
import { InventoryPage } from '../pages/inventory-page';
import { ProfilesPage } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

// One lab for the file: each test's app, on a data folder of its own, imports and syncs it.
let lab: Lab;
test.beforeAll(async () => {
  lab = await startLab({ size: 40, seed: 11, systems: { ssh: false } });
});
test.afterAll(async () => {
  await lab.close();
});

/** The app with the lab imported and synced, on the full inventory. */
async function syncedAssets(page: Page): Promise<InventoryPage> {
  const inventory = new InventoryPage(page);
  await new ProfilesPage(page).importManifest(lab.manifest());
  await inventory.syncAll('ok');
  await inventory.open('assets');
  await inventory.query('');
  return inventory;
}

test('a sorted column shows its arrow however narrow it is', async ({ app }) => {
  test.setTimeout(120_000);
  const { page } = app;
  await syncedAssets(page);
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
});

test('a cell cut short by its column shows its whole text when hovered', async ({ app }) => {
  test.setTimeout(120_000);
  const { page } = app;
  const inventory = await syncedAssets(page);
  const os = page.getByTestId('column-os');
  await os.click();
  await os.click();
  await expect(os).toHaveAttribute('aria-sort', 'descending');
  // The row and its cells read in one go: the rows may still be changing to the new order.
  const row = await inventory
    .loadedRows()
    .first()
    .evaluate((element) => {
      const cell = (id: string) => element.querySelector<HTMLElement>(`.grid-td.cell-${id}`);
      return {
        name: element.dataset.name,
        nameTitle: cell('name')?.title,
        os: cell('os')?.textContent,
        osTitle: cell('os')?.title,
        ips: cell('ips')?.textContent,
        ipsTitle: cell('ips')?.title,
      };
    });
  expect(row.nameTitle).toBe(row.name);
  expect(row.osTitle).toBe(row.os);
  expect(row.osTitle).toMatch(/.+/);
  expect(row.ipsTitle).toBe(row.ips);
});

test('the Name column is dragged wider by its header edge and stays so', async ({ app }) => {
  test.setTimeout(120_000);
  const { page } = app;
  const inventory = await syncedAssets(page);
  const header = page.getByTestId('column-name');
  const before = await header.boundingBox();
  const edge = await page.getByTestId('resize-name').boundingBox();
  if (before === null || edge === null) throw new Error('the Name header is not shown');
  const y = edge.y + edge.height / 2;
  await page.mouse.move(edge.x + edge.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(edge.x + edge.width / 2 + 60, y, { steps: 4 });
  await page.mouse.move(edge.x + edge.width / 2 + 120, y, { steps: 4 });
  await page.mouse.up();
  const wider = (await header.boundingBox())?.width ?? 0;
  expect(Math.abs(wider - (before.width + 120))).toBeLessThanOrEqual(2);
  // Not a sort: the header only moved its edge.
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  // The rows' name cells follow the header.
  const cell = await inventory.loadedRows().first().locator('.grid-td.cell-name').boundingBox();
  expect(Math.abs((cell?.width ?? 0) - wider)).toBeLessThanOrEqual(1);
  // Away and back, the column keeps its width.
  await page.getByTestId('nav-profiles').click();
  await inventory.open('assets');
  await expect.poll(async () => (await header.boundingBox())?.width).toBeCloseTo(wider, 0);
});

test('every column but selection and freshness is resized from the keyboard and stays so', async ({
  app,
}) => {
  test.setTimeout(120_000);
  const { page } = app;
  const inventory = await syncedAssets(page);
  const header = page.getByTestId('column-os');
  const edge = page.getByTestId('resize-os');
  const before = (await header.boundingBox())?.width ?? 0;
  await expect(edge).toHaveAttribute('aria-valuenow', String(Math.round(before)));
  // From the table, Tab goes along the headers: their sort buttons and their edges.
  await inventory.grid().focus();
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    if (await edge.evaluate((e) => e === document.activeElement)) break;
  }
  await expect(edge).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await expect(edge).toHaveAttribute('aria-valuenow', String(Math.round(before) + 60));
  await expect.poll(async () => (await header.boundingBox())?.width).toBeCloseTo(before + 60, 0);
  const cell = inventory.loadedRows().first().locator('.grid-td.cell-os');
  await expect.poll(async () => (await cell.boundingBox())?.width).toBeCloseTo(before + 60, 0);
  // Home is the narrowest it gets, not the table's first row.
  const updates = page.getByTestId('resize-updates');
  await updates.focus();
  await page.keyboard.press('Home');
  await expect(updates).toHaveAttribute('aria-valuenow', '48');
  // Away and back, the columns keep their widths.
  await page.getByTestId('nav-profiles').click();
  await inventory.open('assets');
  await expect(edge).toHaveAttribute('aria-valuenow', String(Math.round(before) + 60));
  await expect(updates).toHaveAttribute('aria-valuenow', '48');
  await expect.poll(async () => (await header.boundingBox())?.width).toBeCloseTo(before + 60, 0);
});
