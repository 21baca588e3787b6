import { startLab, type Lab } from '../../lab/index';
import { InventoryPage } from '../pages/inventory-page';
import { ProfilesPage } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

/** Sources in the lab's manifest, by the names the sync center shows. */
function sourceNames(lab: Lab): string[] {
  return lab
    .manifest()
    .profiles.filter((p) => p.connection.kind !== 'ssh')
    .map((p) => p.name);
}

test('the fleet from the lab: sync, search, detail, split and join, export, then offline', async ({
  app,
}) => {
  test.setTimeout(240_000);
  const lab = await startLab({ size: 120, seed: 11, systems: { ssh: false } });
  let labRunning = true;
  try {
    const { page } = app;
    const inventory = new InventoryPage(page);
    const profiles = new ProfilesPage(page);
    const sources = sourceNames(lab);

    // Import the manifest through the Profiles page.
    await profiles.open();
    await page.getByTestId('profiles-import').click();
    await profiles.importFile('lab-manifest.json', JSON.stringify(lab.manifest()));
    await expect(profiles.importSummary()).toContainText(`${String(sources.length)} created`);
    await profiles.closeImport();

    // Sync all, watching the progress bars move.
    await inventory.open('sync');
    await expect(inventory.syncRows()).toHaveCount(sources.length);
    const seen = await inventory.syncAll('ok');
    expect(seen.has('running')).toBe(true);
    for (const name of sources) {
      await expect(inventory.syncRow(name)).toHaveAttribute('data-state', 'ok');
      await expect(inventory.progressLabel(name)).toContainText(/ok — [\d,]+ records?$/);
    }
    await expect(inventory.staleBanner()).toBeHidden();

    // The whole fleet is there; a search with filters narrows it.
    await inventory.open('assets');
    await inventory.query('');
    const everything = await inventory.total();
    expect(everything).toBeGreaterThanOrEqual(100);
    // Scrolled down, away to another view and another section, and back: the same rows in view.
    const scroller = page.getByTestId('inventory-scroll');
    const atTop = (await inventory.visibleNames())[0];
    await scroller.evaluate((element) => {
      element.scrollTop = 1200;
    });
    await expect.poll(async () => (await inventory.visibleNames())[0]).not.toBe(atTop);
    const inView = (await inventory.visibleNames())[0];
    await inventory.open('drift');
    await page.getByTestId('nav-profiles').click();
    await inventory.open('assets');
    await expect.poll(() => scroller.evaluate((element) => element.scrollTop)).toBe(1200);
    await expect.poll(async () => (await inventory.visibleNames())[0]).toBe(inView);
    await scroller.evaluate((element) => {
      element.scrollTop = 0;
    });
    await inventory.query('status:running source:patchmon');
    const running = await inventory.total();
    expect(running).toBeGreaterThan(0);
    expect(running).toBeLessThan(everything);
    for (const name of (await inventory.visibleNames()).slice(0, 10)) {
      const row = inventory.rowCells(name);
      await expect(row.locator('.cell-status')).toHaveText('running');
      await expect(row.locator('[data-system="patchmon"]')).toBeVisible();
    }

    // A query that does not parse: the error is under the box, the table stays as it was.
    const before = await inventory.visibleNames();
    await inventory.badQuery('status:running updates>lots');
    await expect(inventory.queryError()).toContainText('Position 24');
    await expect(inventory.queryError()).toContainText('updates needs a whole number');
    // The error line takes some height, so compare the rows that stay in view.
    const after = await inventory.visibleNames();
    expect(after.length).toBeGreaterThan(10);
    expect(after).toEqual(before.slice(0, after.length));
    expect(await inventory.total()).toBe(running);

    // A long query that matches nothing is quoted short, whole in its title.
    const long = `nosuchhost${'q'.repeat(300)}`;
    await inventory.query(long);
    const quoted = app.page.getByTestId('inventory-no-match').locator('code');
    await expect(quoted).toHaveText(/^nosuchhostq+…$/);
    expect((await quoted.textContent())?.length).toBeLessThan(100);
    await expect(quoted).toHaveAttribute('title', long);

    // Open an asset known to three systems and read every source's record.
    await inventory.query('source:foreman source:proxmox source:patchmon');
    const name = await inventory.openFirst();
    await expect(inventory.sourceTabs()).toHaveCount(3);
    // Each system by its name, when it last saw the asset.
    await expect(inventory.detail().getByTestId('merged-view')).toContainText(
      /Last seen.*Foreman .*PatchMon|Last seen.*PatchMon .*Foreman/,
    );
    for (const system of ['foreman', 'proxmox', 'patchmon']) {
      await inventory
        .detail()
        .locator(`[data-testid="detail-tab-source"][data-system="${system}"]`)
        .click();
      await expect(inventory.detail().getByTestId('raw-record')).toHaveAttribute(
        'data-system',
        system,
      );
      expect(await inventory.rawFields().count()).toBeGreaterThan(5);
      // Stored as of the sync that last changed it, and said so: not "fetched" then.
      await expect(inventory.detail().getByTestId('raw-record')).toContainText(
        /, last changed in the sync of .+ — \d+ fields, stored for offline use\./,
      );
    }
    await expect(
      inventory.detail().locator('[data-testid="raw-field"][data-path="host.name"]'),
    ).toHaveCount(0);
    await inventory
      .detail()
      .locator('[data-testid="detail-tab-source"][data-system="foreman"]')
      .click();
    await expect(
      inventory.detail().locator('[data-testid="raw-field"][data-path="host.name"]'),
    ).toContainText(name);

    // Each system's web UI opens at this asset: Foreman's under the FQDN it names the host by.
    const web = (system: string) =>
      inventory.detail().locator(`[data-testid="asset-web-ui"][data-system="${system}"]`);
    await expect(web('foreman')).toHaveAttribute('href', new RegExp(`/hosts/${name}\\.[a-z]`));
    await expect(web('proxmox')).toHaveAttribute('href', /\/#v1:0:=(qemu|lxc)%2F\d+:4:/);

    // In a narrow window the detail keeps its name in view and the search box its own column;
    // the sidebar keeps its icons.
    const wide = app.page.viewportSize();
    await app.page.setViewportSize({ width: 800, height: 600 });
    const heading = inventory.detail().getByRole('heading', { name });
    await expect(heading).toBeVisible();
    expect((await heading.boundingBox())?.width ?? 0).toBeGreaterThan(40);
    const searchBox = await inventory.search().boundingBox();
    const panel = await inventory.detail().boundingBox();
    expect((searchBox?.x ?? 0) + (searchBox?.width ?? 0)).toBeLessThanOrEqual(panel?.x ?? 0);
    await expect(app.page.getByTestId('nav-profiles')).toBeVisible();
    if (wide !== null) await app.page.setViewportSize(wide);

    // Why they were merged, then split PatchMon's record off and join it back.
    await inventory.showMergeReasons();
    await expect(inventory.linkRows()).toHaveCount(3);
    await expect(inventory.detail().getByTestId('link-key').first()).not.toBeEmpty();
    await inventory.splitOut('patchmon');
    await expect(inventory.sourceTabs()).toHaveCount(2);
    await inventory.joinBack();
    await expect(inventory.sourceTabs()).toHaveCount(3);
    await expect(inventory.detail()).toHaveAttribute('data-name', name);

    // A search nothing matches says so, and offers the way back.
    await inventory.query('name:no-such-host-anywhere');
    const noMatch = app.page.getByTestId('inventory-no-match');
    await expect(noMatch).toContainText('No assets match name:no-such-host-anywhere.');
    await noMatch.getByRole('button', { name: 'Show all assets' }).click();
    await expect(inventory.grid()).toHaveAttribute('data-query', '');
    await expect(inventory.search()).toHaveValue('');
    expect(await inventory.total()).toBe(everything);
    await expect(noMatch).toBeHidden();

    // Export the virtual machines as CSV: one line per asset the table counts.
    await inventory.query('kind:vm');
    const vms = await inventory.total();
    const csv = await inventory.exportFilter('csv');
    expect(csv.name).toMatch(/\.csv$/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toMatch(/^id,name,fqdn,kind,/);
    expect(lines).toHaveLength(vms + 1);
    expect(lines.slice(1).every((line) => line.split(',')[3] === 'vm')).toBe(true);

    // The lab goes away: everything still reads from the local store.
    await lab.close();
    labRunning = false;
    await inventory.query('');
    expect(await inventory.total()).toBe(everything);
    await inventory.open('overview');
    await expect(inventory.overview()).toHaveAttribute('data-total', String(everything));
    // Only systems that could know an asset count as missing it: RouterOS knows routers alone.
    const missingChart = app.page.getByTestId('chart-missing');
    await expect(missingChart).toContainText('not in Foreman');
    await expect(missingChart).not.toContainText('RouterOS');
    await inventory.open('drift');
    await expect(inventory.driftItems().first()).toBeVisible();
    await expect(inventory.driftItems().first()).toContainText(
      /unknown to (Foreman|Proxmox VE|PatchMon)|probably decommissioned/,
    );
    // A system's drift button finds as many assets as it says, by the list's own rule.
    const notIn = app.page.getByTestId('drift-filter').filter({ hasText: /Not in .*\(\d+\)/ });
    await expect(notIn.first()).toBeVisible();
    const label = await notIn.first().innerText();
    const said = Number(/\((\d+)\)/.exec(label)?.[1]);
    const system = /Not in (.*) \(/.exec(label)?.[1] ?? '';
    expect(said).toBeGreaterThan(0);
    // The list names that system on as many rows (all of this fleet's drift fits one page).
    const listTotal = await app.page.getByTestId('drift-total').innerText();
    await expect(inventory.driftItems()).toHaveCount(Number(/^[\d,]+/.exec(listTotal)?.[0]));
    const listed = await inventory
      .driftItems()
      .evaluateAll(
        (rows, name) =>
          rows.filter((row) => row.querySelectorAll('td')[3]?.textContent.includes(name)).length,
        system,
      );
    expect(listed).toBe(said);
    await notIn.first().click();
    await expect(inventory.grid()).toHaveAttribute('data-query', /^drift:/);
    expect(await inventory.total()).toBe(said);
    await inventory.open('drift');

    // Before any sync, the app finds the sources gone (looking at freshness checks them) and
    // says which ones are offline and why.
    await expect(async () => {
      await inventory.open('sync');
      await inventory.open('assets');
      await expect(inventory.staleBanner()).toBeVisible({ timeout: 3000 });
    }).toPass({ timeout: 20_000 });
    await expect(inventory.staleBanner().getByTestId('stale-summary')).toContainText(
      `${String(sources.length)} sources unreachable`,
    );
    await inventory.showStaleSources();
    for (const source of sources) {
      await expect(inventory.staleSource(source)).toHaveAttribute(
        'title',
        /cannot reach 127\.0\.0\.1:\d+: connection refused/,
      );
    }

    // A sync now fails for every source, and the banner says which ones are stale.
    await inventory.syncAll('failed');
    await expect(inventory.staleBanner()).toBeVisible();
    await inventory.showStaleSources();
    for (const source of sources) await expect(inventory.staleSource(source)).toBeVisible();
    await inventory.open('assets');
    await inventory.query('offline:yes');
    expect(await inventory.total()).toBe(everything);

    // A restart with no lab still shows the whole inventory, and still says it is stale.
    await app.restart();
    await inventory.open('assets');
    await expect(inventory.grid()).toHaveAttribute('data-total', String(everything));
    await expect(inventory.loadedRows().first()).toBeVisible();
    await expect(inventory.staleBanner()).toBeVisible();
  } finally {
    if (labRunning) await lab.close();
  }
});

test('from the keyboard: the focus comes back after the detail and dialogs, groups keep their name', async ({
  app,
}) => {
  test.setTimeout(120_000);
  const lab = await startLab({ size: 120, seed: 11, systems: { ssh: false } });
  try {
    const { page } = app;
    const inventory = new InventoryPage(page);
    const profiles = new ProfilesPage(page);
    await profiles.importManifest(lab.manifest());
    await inventory.syncAll('ok');
    await inventory.open('assets');
    await inventory.query('');

    // In a 1 280 px wide window every default column shows, patch columns included.
    await page.setViewportSize({ width: 1280, height: 800 });
    const gridBox = await inventory.grid().boundingBox();
    const rebootBox = await page.getByTestId('column-reboot').boundingBox();
    if (gridBox === null || rebootBox === null) throw new Error('the table is not shown');
    expect(rebootBox.x + rebootBox.width).toBeLessThanOrEqual(gridBox.x + gridBox.width);
    await page.setViewportSize({ width: 1360, height: 860 });

    // Escape from inside the detail closes it and leaves the keys in the table.
    await inventory.openFirst();
    await inventory.showMergeReasons();
    await page.keyboard.press('Escape');
    await expect(inventory.detail()).toBeHidden();
    await expect(inventory.grid()).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(inventory.detail()).toHaveAttribute('data-name', /.+/);
    // The rows are one tab stop, the sortable headers come after them, then the detail.
    await page.keyboard.press('Tab');
    const nameHeader = page.getByTestId('column-name').getByRole('button');
    await expect(nameHeader).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('column-name')).toHaveAttribute('aria-sort', 'descending');
    await expect(nameHeader).toBeFocused();
    await page.keyboard.press('Space');
    await expect(page.getByTestId('column-name')).toHaveAttribute('aria-sort', 'ascending');
    // The whole header cell sorts, not only its label: a click near its right edge.
    const osHeader = page.getByTestId('column-os');
    const osBox = await osHeader.boundingBox();
    if (osBox === null) throw new Error('the OS column header is not shown');
    await osHeader.click({ position: { x: osBox.width - 4, y: osBox.height / 2 } });
    await expect(osHeader).toHaveAttribute('aria-sort', 'ascending');
    await osHeader.click({ position: { x: osBox.width - 4, y: osBox.height - 2 } });
    await expect(osHeader).toHaveAttribute('aria-sort', 'descending');
    await nameHeader.click();
    await expect(page.getByTestId('column-name')).toHaveAttribute('aria-sort', 'ascending');
    await nameHeader.focus();
    // Each header's sort button, then its edge that resizes the column.
    const headers = await inventory.grid().locator('button, [role="separator"]').count();
    for (let i = 0; i < headers; i++) await page.keyboard.press('Tab');
    await expect(inventory.detail().getByTestId('asset-close')).toBeFocused();
    for (let i = 0; i <= headers; i++) await page.keyboard.press('Shift+Tab');
    await expect(inventory.grid()).toBeFocused();
    await inventory.detail().getByTestId('asset-close').click();
    await expect(inventory.detail()).toBeHidden();
    await expect(inventory.grid()).toBeFocused();

    // An asset opened from the palette by name takes the keyboard: Escape closes it again.
    const [name] = await inventory.visibleNames();
    if (name === undefined) throw new Error('the table shows no asset');
    await (await app.shell.openPalette()).fill(name);
    await expect(page.locator('[cmdk-item][data-selected="true"]')).toContainText(name);
    await page.keyboard.press('Enter');
    await expect(inventory.detail()).toHaveAttribute('data-name', name);
    await expect(inventory.detail()).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(inventory.detail()).toBeHidden();
    await expect(inventory.grid()).toBeFocused();
    await inventory.query('');

    // A dialog closed with Escape gives the focus back to the button that opened it.
    for (const opener of ['columns-open', 'export-open', 'save-search']) {
      await page.getByTestId(opener).focus();
      await page.keyboard.press('Enter');
      await expect(page.getByRole('dialog')).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toBeHidden();
      await expect(page.getByTestId(opener)).toBeFocused();
    }

    // Saving a search and forgetting it from the keyboard keeps the focus in the toolbar.
    await page.keyboard.press('Enter');
    await page.getByTestId('save-search-name').fill('Everything');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('save-search')).toBeFocused();
    await page.getByRole('button', { name: 'Forget the saved search Everything' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('saved-search')).toHaveCount(0);
    await expect(page.getByTestId('save-search')).toBeFocused();

    // Splitting a record out and joining it back from the keyboard: the focus goes on to what
    // comes next, never to the page.
    await inventory.query('source:foreman source:proxmox source:patchmon');
    await inventory.openFirst();
    await inventory.showMergeReasons();
    await inventory.linkPick('patchmon').focus();
    await page.keyboard.press('Space');
    await inventory.detail().getByTestId('asset-split').focus();
    await page.keyboard.press('Enter');
    await expect(inventory.linkRows()).toHaveCount(2);
    await expect(inventory.detail().getByTestId('asset-join-back')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(inventory.linkRows()).toHaveCount(3);
    await expect(inventory.detail().getByTestId('link-pick').first()).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(inventory.grid()).toBeFocused();

    // Grouped by kind, paging down into a group still says which group the top rows are in.
    await page.getByTestId('group-by').selectOption('kind');
    await expect(page.getByTestId('column-kind')).toHaveAttribute('aria-sort', 'ascending');
    await inventory.grid().focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('PageDown');
      await expect(async () => {
        const top = await inventory.topRowInView();
        expect(top.kind).not.toBe('');
        expect(top.group).toBe(top.kind);
      }).toPass({ timeout: 5000 });
    }

    // Join and Clear selection go away once pressed: the keys stay in the table.
    await page.getByTestId('group-by').selectOption('none');
    await inventory.grid().focus();
    // Ctrl+A takes every asset, more than a join merges: that is said, not offered.
    await page.keyboard.press('Control+a');
    await expect(inventory.count()).toContainText(`${String(await inventory.total())} selected`);
    await expect(page.getByTestId('join-limit')).toHaveText('A join merges at most 50 assets.');
    await expect(page.getByTestId('join-selected')).toBeHidden();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('join-limit')).toBeHidden();
    await page.keyboard.press('Home');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await page.getByTestId('join-selected').focus();
    await page.keyboard.press('Enter');
    await expect(inventory.detail()).toHaveAttribute('data-name', /.+/);
    await expect(page.getByTestId('join-selected')).toBeHidden();
    await expect(inventory.grid()).toBeFocused();
    await page.keyboard.press('Space');
    await page.getByTestId('clear-selection').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('clear-selection')).toBeHidden();
    await expect(inventory.grid()).toBeFocused();
  } finally {
    await lab.close();
  }
});
