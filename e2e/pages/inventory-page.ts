import fs from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export type InventoryTab = 'assets' | 'overview' | 'drift' | 'sync';

/** The Inventory section: the asset table and its detail, overview, drift and sync center. */
export class InventoryPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('inventory-page');
  }

  async open(tab: InventoryTab = 'assets'): Promise<void> {
    await this.page.getByTestId('nav-inventory').click();
    await expect(this.root).toBeVisible();
    await this.page.getByTestId(`inventory-tab-${tab}`).click();
    await expect(this.root).toHaveAttribute('data-tab', tab);
  }

  // ---- sync center ---------------------------------------------------------------------------

  syncRows(): Locator {
    return this.page.getByTestId('sync-row');
  }

  syncRow(profileName: string): Locator {
    return this.page.locator(`[data-testid="sync-row"][data-profile="${profileName}"]`);
  }

  /**
   * Syncs every source from the sync center and waits for each to end. Returns the progress
   * states the bars showed on the way, as a person watching them would have seen.
   */
  async syncAll(expected: 'ok' | 'failed'): Promise<Set<string>> {
    await this.open('sync');
    await expect(this.syncRows().first()).toBeVisible();
    await this.page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { progressSeen: Set<string> }).progressSeen = seen;
      new MutationObserver((mutations) => {
        for (const m of mutations) {
          const state = (m.target as HTMLElement).dataset.state;
          if (state !== undefined) seen.add(state);
        }
      }).observe(document.body, {
        subtree: true,
        attributes: true,
        attributeFilter: ['data-state'],
      });
    });
    await this.page.getByTestId('sync-all').click();
    for (const bar of await this.page.getByTestId('sync-progress').all()) {
      await expect(bar).toHaveAttribute('data-state', expected, { timeout: 90_000 });
    }
    await expect(this.page.getByTestId('sync-running')).toHaveText('Idle');
    const seen = await this.page.evaluate(() => [
      ...(window as unknown as { progressSeen: Set<string> }).progressSeen,
    ]);
    return new Set(seen);
  }

  progressLabel(profileName: string): Locator {
    return this.syncRow(profileName).getByTestId('sync-progress-label');
  }

  staleBanner(): Locator {
    return this.page.getByTestId('stale-banner');
  }

  /** Opens the banner's list of sources when it sums them up in one line. */
  async showStaleSources(): Promise<void> {
    const toggle = this.staleBanner().getByTestId('stale-toggle');
    if ((await toggle.count()) > 0 && (await toggle.getAttribute('aria-expanded')) === 'false') {
      await toggle.click();
    }
  }

  staleSource(profileName: string): Locator {
    return this.staleBanner().locator(
      `[data-testid="stale-source"][data-profile="${profileName}"]`,
    );
  }

  // ---- table and search ----------------------------------------------------------------------

  search(): Locator {
    return this.page.getByTestId('inventory-search');
  }

  rows(): Locator {
    return this.page.getByTestId('inventory-row');
  }

  loadedRows(): Locator {
    return this.page.locator('[data-testid="inventory-row"][data-name]');
  }

  grid(): Locator {
    return this.page.getByTestId('inventory-grid');
  }

  count(): Locator {
    return this.page.getByTestId('inventory-count');
  }

  queryError(): Locator {
    return this.page.getByTestId('query-error');
  }

  /** The number of assets the table says match, once fully counted. */
  async total(): Promise<number> {
    await expect(this.grid()).toHaveAttribute('data-total-exact', 'true');
    return Number(await this.grid().getAttribute('data-total'));
  }

  /** Focuses the search with `/`, types a query and waits for the table to answer it. */
  async query(text: string): Promise<void> {
    await this.grid().focus();
    await this.page.keyboard.press('/');
    await expect(this.search()).toBeFocused();
    await this.search().fill(text);
    await expect(this.queryError()).toBeHidden();
    await expect(this.grid()).toHaveAttribute('data-query', text);
  }

  /** Types a query the parser refuses; the table keeps what it showed. */
  async badQuery(text: string): Promise<void> {
    await this.search().fill(text);
    await expect(this.queryError()).toBeVisible();
  }

  async visibleNames(): Promise<string[]> {
    await expect(this.loadedRows().first()).toBeVisible();
    return this.loadedRows().evaluateAll((rows) => rows.map((r) => r.dataset.name ?? ''));
  }

  /** The top row in view under the table's header: its group label and its kind, as shown. */
  async topRowInView(): Promise<{ group: string; kind: string }> {
    return this.page.getByTestId('inventory-scroll').evaluate((scroll) => {
      const header = scroll.querySelector('.grid-header')?.getBoundingClientRect();
      const below = header?.bottom ?? scroll.getBoundingClientRect().top;
      const rows = [...scroll.querySelectorAll<HTMLElement>('[data-testid="inventory-row"]')]
        .map((row) => ({ row, box: row.getBoundingClientRect() }))
        .filter(({ box }) => box.top + box.height / 2 > below)
        .sort((a, b) => a.box.top - b.box.top);
      const row = rows[0]?.row;
      return {
        group: row?.querySelector('[data-testid="group-label"]')?.textContent ?? '',
        kind: row?.querySelector('.cell-kind')?.textContent ?? '',
      };
    });
  }

  rowCells(name: string): Locator {
    return this.page.locator(`[data-testid="inventory-row"][data-name="${name}"]`);
  }

  // ---- detail --------------------------------------------------------------------------------

  detail(): Locator {
    return this.page.getByTestId('asset-detail');
  }

  /** Opens the first row with the keyboard: focus the grid, Home, Enter. */
  async openFirst(): Promise<string> {
    await this.grid().focus();
    await this.page.keyboard.press('Home');
    await this.page.keyboard.press('Enter');
    await expect(this.detail()).toHaveAttribute('data-name', /.+/);
    return (await this.detail().getAttribute('data-name')) ?? '';
  }

  sourceTabs(): Locator {
    return this.detail().getByTestId('detail-tab-source');
  }

  rawFields(): Locator {
    return this.detail().getByTestId('raw-field');
  }

  linkRows(): Locator {
    return this.detail().getByTestId('link-row');
  }

  /** The checkbox that picks the open asset's record of `system` in "Why merged". */
  linkPick(system: string): Locator {
    return this.detail()
      .locator(`[data-testid="link-row"][data-system="${system}"]`)
      .getByTestId('link-pick');
  }

  async showMergeReasons(): Promise<void> {
    await this.detail().getByTestId('detail-tab-links').click();
    await expect(this.detail().getByTestId('merge-reasons')).toBeVisible();
  }

  /** Splits the record of `system` out of the open asset. */
  async splitOut(system: string): Promise<void> {
    await this.showMergeReasons();
    const before = await this.linkRows().count();
    await this.linkPick(system).check();
    await this.detail().getByTestId('asset-split').click();
    await expect(this.linkRows()).toHaveCount(before - 1);
  }

  async joinBack(): Promise<void> {
    const before = await this.linkRows().count();
    await this.detail().getByTestId('asset-join-back').click();
    await this.showMergeReasons();
    await expect(this.linkRows()).toHaveCount(before + 1);
  }

  // ---- export --------------------------------------------------------------------------------

  /** Exports everything matching the current filter and returns the downloaded file. */
  async exportFilter(format: 'csv' | 'json' | 'ansible'): Promise<{ name: string; text: string }> {
    await this.page.getByTestId('export-open').click();
    const dialog = this.page.getByTestId('inventory-export-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('export-scope-filter').check();
    await dialog.getByTestId(`export-format-${format}`).click();
    await dialog.getByTestId('export-run').click();
    const link = dialog.getByTestId('export-download');
    await expect(link).toBeVisible();
    const [download] = await Promise.all([this.page.waitForEvent('download'), link.click()]);
    const text = await fs.readFile(await download.path(), 'utf8');
    await dialog.getByTestId('export-close').click();
    await expect(dialog).toBeHidden();
    return { name: download.suggestedFilename(), text };
  }

  // ---- overview and drift --------------------------------------------------------------------

  overview(): Locator {
    return this.page.getByTestId('fleet-overview');
  }

  driftItems(): Locator {
    return this.page.getByTestId('drift-item');
  }
}
