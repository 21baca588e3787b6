import { expect, type Locator, type Page } from '@playwright/test';

/** The Terminals section: tabs, the xterm.js screen, prompts, search and reconnect. */
export class TerminalsPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('terminals-page');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-terminals').click();
    await expect(this.root).toBeVisible();
  }

  tabs(): Locator {
    return this.page.getByTestId('term-tab');
  }

  /** The visible terminal of the first pane. */
  view(): Locator {
    return this.page.locator('[data-testid="term-view"][data-visible="true"]').first();
  }

  /** What the terminal shows (the DOM renderer's rows). */
  screen(): Locator {
    return this.view().locator('.xterm-rows');
  }

  status(): Locator {
    return this.page.getByTestId('term-status').first();
  }

  async expectState(state: 'connecting' | 'authenticating' | 'open' | 'closed'): Promise<void> {
    await expect(this.status()).toHaveAttribute('data-state', state, { timeout: 20_000 });
  }

  hostKeyPrompt(): Locator {
    return this.page.getByTestId('ssh-hostkey-prompt');
  }

  async acceptHostKey(how: 'once' | 'remember'): Promise<void> {
    await this.page.getByTestId(`ssh-hostkey-${how}`).click();
    await expect(this.hostKeyPrompt()).toBeHidden();
  }

  async quickConnect(text: string): Promise<void> {
    await this.page.getByTestId('quick-connect-input').fill(text);
    await this.page.getByTestId('quick-connect-submit').click();
  }

  /** Drags a tab with the mouse onto one half of another tab and drops it there. */
  async dragTab(tab: Locator, onto: Locator, half: 'left' | 'right'): Promise<void> {
    const box = await onto.boundingBox();
    if (box === null) throw new Error('the tab to drop on is not shown');
    const x = half === 'left' ? 3 : box.width - 3;
    await tab.dragTo(onto, { targetPosition: { x, y: box.height / 2 } });
  }

  /** Types into the terminal as a user would. */
  async type(text: string): Promise<void> {
    await this.view().getByTestId('term-host').click();
    await this.page.keyboard.type(text);
  }

  /** Types where the keyboard is now, without clicking anywhere first. */
  async typeLine(text: string): Promise<void> {
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** How many rows the visible terminal shows. */
  rowCount(): Promise<number> {
    return this.screen().locator(':scope > div').count();
  }

  searchInput(): Locator {
    return this.page.getByTestId('term-search-input');
  }

  /** What the search bar says of the last search: "2 of 5", "No matches", an error. */
  searchResult(): Locator {
    return this.page.getByTestId('term-search-result');
  }

  /** A search option's button: "Match case", "Whole word", "Regular expression". */
  searchToggle(name: 'Match case' | 'Whole word' | 'Regular expression'): Locator {
    return this.page.getByRole('group', { name: 'Search options' }).getByRole('button', { name });
  }

  async run(command: string): Promise<void> {
    await this.type(command);
    await this.page.keyboard.press('Enter');
  }

  async search(text: string): Promise<Locator> {
    await this.view().getByTestId('term-host').click();
    await this.page.keyboard.press('Control+Shift+F');
    await expect(this.page.getByTestId('term-search-input')).toBeFocused();
    await this.page.getByTestId('term-search-input').fill(text);
    await this.page.keyboard.press('Enter');
    return this.searchResult();
  }

  closedPanel(): Locator {
    return this.view().getByTestId('term-closed');
  }

  async reconnect(): Promise<void> {
    await this.view().getByTestId('term-reconnect').click();
  }

  changedKey(): Locator {
    return this.view().getByTestId('ssh-hostkey-changed');
  }
}
