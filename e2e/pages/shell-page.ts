import { expect, type Locator, type Page } from '@playwright/test';

export const sectionIds = [
  'inventory',
  'terminals',
  'patches',
  'enroll',
  'profiles',
  'settings',
] as const;
export type SectionId = (typeof sectionIds)[number];
export const sectionLabels: Record<SectionId, string> = {
  inventory: 'Inventory',
  terminals: 'Terminals',
  patches: 'Patches',
  enroll: 'Enroll',
  profiles: 'Profiles',
  settings: 'Settings',
};

/** The app frame: sidebar, command palette, current section. */
export class ShellPage {
  constructor(readonly page: Page) {}

  async waitReady(): Promise<void> {
    await expect(this.page.getByTestId('app-ready')).toBeVisible();
  }

  navItem(id: SectionId): Locator {
    return this.page.getByTestId(`nav-${id}`);
  }

  /** The main view of a section: its page, or the empty state saying what it will hold. */
  sectionView(id: SectionId): Locator {
    const pages: Partial<Record<SectionId, string>> = {
      settings: 'settings-page',
      inventory: 'inventory-page',
      terminals: 'terminals-page',
    };
    return this.page.getByTestId(pages[id] ?? `empty-${id}`);
  }

  async expectSection(id: SectionId): Promise<void> {
    await expect(this.sectionView(id)).toBeVisible();
    await expect(this.navItem(id)).toHaveAttribute('aria-current', 'page');
    await expect(this.page).toHaveTitle(`${sectionLabels[id]} · Rackside`);
  }

  async openPalette(): Promise<Locator> {
    await this.page.keyboard.press('ControlOrMeta+k');
    const input = this.page.getByTestId('palette-input');
    await expect(input).toBeVisible();
    return input;
  }

  async runFromPalette(query: string, itemId: string): Promise<void> {
    const input = await this.openPalette();
    await input.fill(query);
    await expect(this.page.getByTestId(`palette-item-${itemId}`)).toHaveAttribute(
      'data-selected',
      'true',
    );
    await this.page.keyboard.press('Enter');
    await expect(input).toBeHidden();
  }

  async theme(): Promise<string | undefined> {
    return this.page.evaluate(() => document.documentElement.dataset.theme);
  }
}
