import fs from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export type ProfileKind = 'foreman' | 'proxmox' | 'patchmon' | 'routeros' | 'ssh';

/**
 * Values for the profile form, keyed by the field's path (`name`, `connection.url`,
 * `connection.auth.username`, `secrets.token`…). Strings are typed; booleans set checkboxes.
 */
export type ProfileFields = Record<string, string | boolean>;

const fieldId = (path: string): string => `pf-${path.replaceAll('.', '-')}`;

/** The Profiles section: list, detail with probe, the form, and the import/export dialogs. */
export class ProfilesPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('profiles-page');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-profiles').click();
    await expect(this.root).toBeVisible();
  }

  // ---- list --------------------------------------------------------------------------------

  rows(): Locator {
    return this.page.getByTestId('profile-row');
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="profile-row"][data-name="${name}"]`);
  }

  kindOf(name: string): Locator {
    return this.row(name).getByTestId('profile-kind');
  }

  insecureBadge(name: string): Locator {
    return this.row(name).getByTestId('insecure-badge');
  }

  async select(name: string): Promise<void> {
    await this.row(name).click();
    await expect(this.row(name)).toHaveAttribute('aria-selected', 'true');
    await expect(this.detail()).toHaveAttribute('data-name', name);
  }

  async search(text: string): Promise<void> {
    await this.page.keyboard.press('/');
    await expect(this.page.getByTestId('profiles-search')).toBeFocused();
    await this.page.getByTestId('profiles-search').fill(text);
  }

  // ---- detail and probe ----------------------------------------------------------------------

  detail(): Locator {
    return this.page.getByTestId('profile-detail');
  }

  secretsSummary(): Locator {
    return this.detail().getByTestId('profile-secrets');
  }

  async probe(): Promise<void> {
    await this.detail().getByTestId('profile-probe').click();
    await expect(this.page.getByTestId('probe-panel')).toHaveAttribute('data-outcome', /ok|failed/);
  }

  probePanel(): Locator {
    return this.page.getByTestId('probe-panel');
  }

  probeFailure(): Locator {
    return this.page.getByTestId('probe-failure');
  }

  certificateSha256(): Locator {
    return this.page.getByTestId('cert-sha256');
  }

  async pinCertificate(): Promise<void> {
    await this.page.getByTestId('probe-pin').click();
  }

  /** Logs in with the stored credential; resolves once the answer (or the failure) shows. */
  async testLogin(): Promise<void> {
    await this.detail().getByTestId('profile-test-login').click();
    await expect(this.loginPanel()).toHaveAttribute('data-outcome', /ok|failed/);
  }

  loginPanel(): Locator {
    return this.page.getByTestId('login-panel');
  }

  // ---- form ----------------------------------------------------------------------------------

  form(): Locator {
    return this.page.getByTestId('profile-form');
  }

  field(path: string): Locator {
    return this.page.getByTestId(fieldId(path));
  }

  fieldError(path: string): Locator {
    return this.page.getByTestId(`${fieldId(path)}-error`);
  }

  async startNew(kind: ProfileKind): Promise<void> {
    await this.page.getByTestId('profiles-new').click();
    await expect(this.form()).toBeVisible();
    await this.page.getByTestId(`pf-kind-${kind}`).click();
    await expect(this.page.getByTestId(`pf-kind-${kind}`)).toHaveAttribute('aria-checked', 'true');
  }

  /** Picks an option of a segmented control, e.g. `authMode('token')` or `transport('rest')`. */
  async choose(control: 'auth-mode' | 'transport', value: string): Promise<void> {
    const option = this.page.getByTestId(`pf-connection-${control}-${value}`);
    await option.click();
    await expect(option).toHaveAttribute('aria-checked', 'true');
  }

  async fill(fields: ProfileFields): Promise<void> {
    for (const [path, value] of Object.entries(fields)) {
      const input = this.field(path);
      if (typeof value === 'boolean') await input.setChecked(value);
      else if ((await input.evaluate((el) => el.tagName)) === 'SELECT')
        await input.selectOption(value);
      else await input.fill(value);
    }
  }

  async save(): Promise<void> {
    await this.page.getByTestId('pf-save').click();
    await expect(this.form()).toBeHidden();
  }

  async edit(name: string): Promise<void> {
    await this.select(name);
    await this.page.keyboard.press('Enter');
    await expect(this.form()).toBeVisible();
  }

  // ---- delete and import ------------------------------------------------------------------

  /** Deletes the selected profile with the Delete key and confirms. */
  async deleteSelected(): Promise<void> {
    await this.page.keyboard.press('Delete');
    const dialog = this.page.getByTestId('delete-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('delete-confirm').click();
    await expect(dialog).toBeHidden();
  }

  emptyState(): Locator {
    return this.page.getByTestId('empty-profiles');
  }

  importDialog(): Locator {
    return this.page.getByTestId('import-dialog');
  }

  /** Picks a file in the open import dialog, answers the passphrase if asked, and imports. */
  async importFile(name: string, content: string, passphrase?: string): Promise<void> {
    const dialog = this.importDialog();
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('import-file').setInputFiles({
      name,
      mimeType: 'application/json',
      buffer: Buffer.from(content, 'utf8'),
    });
    if (passphrase !== undefined) await dialog.getByTestId('import-passphrase').fill(passphrase);
    await dialog.getByTestId('import-run').click();
  }

  /** Imports a profile manifest (the lab's, say) through the Profiles page's import dialog. */
  async importManifest(manifest: unknown): Promise<void> {
    await this.open();
    await this.page.getByTestId('profiles-import').click();
    await this.importFile('lab-manifest.json', JSON.stringify(manifest));
    // Closed once the import has answered: "Cancel" turns into "Done" under the pointer.
    await expect(this.importSummary()).toBeVisible();
    await this.closeImport();
  }

  importSummary(): Locator {
    return this.importDialog().getByTestId('import-summary');
  }

  async closeImport(): Promise<void> {
    await this.importDialog().getByTestId('import-close').click();
    await expect(this.importDialog()).toBeHidden();
  }

  // ---- export --------------------------------------------------------------------------------

  /** Exports every profile and returns the downloaded file's text. */
  async exportAll(passphrase = ''): Promise<{ fileName: string; content: string; notice: string }> {
    await this.page.getByTestId('profiles-export').click();
    const dialog = this.page.getByTestId('export-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('export-all').setChecked(true);
    if (passphrase !== '') {
      await dialog.getByTestId('export-passphrase').fill(passphrase);
      await dialog.getByTestId('export-passphrase-confirm').fill(passphrase);
    }
    const notice = (await dialog.getByTestId('export-mode').textContent()) ?? '';
    await dialog.getByTestId('export-run').click();
    const link = dialog.getByTestId('export-download');
    await expect(link).toBeVisible();
    const [download] = await Promise.all([this.page.waitForEvent('download'), link.click()]);
    const content = await fs.readFile(await download.path(), 'utf8');
    await dialog.getByTestId('export-close').click();
    await expect(dialog).toBeHidden();
    return { fileName: download.suggestedFilename(), content, notice };
  }
}
