import { expect, type Page } from '@playwright/test';

/** The first-run and unlock screens in front of the app. */
export class VaultPage {
  constructor(readonly page: Page) {}

  async expectFirstRun(): Promise<void> {
    await expect(this.page.getByTestId('vault-first-run')).toBeVisible();
  }

  async expectLocked(): Promise<void> {
    await expect(this.page.getByTestId('vault-unlock')).toBeVisible();
  }

  async setup(passphrase: string, confirm = passphrase): Promise<void> {
    await this.expectFirstRun();
    await this.page.getByTestId('vault-new-passphrase').fill(passphrase);
    await this.page.getByTestId('vault-confirm-passphrase').fill(confirm);
    await this.page.getByTestId('vault-submit').click();
  }

  async unlock(passphrase: string): Promise<void> {
    await this.expectLocked();
    await this.page.getByTestId('vault-passphrase').fill(passphrase);
    await this.page.getByTestId('vault-submit').click();
  }

  error() {
    return this.page.getByTestId('vault-error');
  }
}
