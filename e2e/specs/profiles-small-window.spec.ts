import type { Locator } from '@playwright/test';
import { ProfilesPage } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

/** The distinct tops of `options`: one when they sit on one line. */
async function lines(options: Locator[]): Promise<number> {
  const tops = await Promise.all(options.map(async (o) => (await o.boundingBox())?.y));
  return new Set(tops).size;
}

test('in a 1024 × 640 window the profile form keeps each choice of kind and login, and Save, on one line', async ({
  app,
}) => {
  const { page } = app;
  await page.setViewportSize({ width: 1024, height: 640 });
  const profiles = new ProfilesPage(page);
  await profiles.open();
  await profiles.startNew('ssh');
  const kinds = ['foreman', 'proxmox', 'patchmon', 'routeros', 'ssh'];
  expect(await lines(kinds.map((kind) => page.getByTestId(`pf-kind-${kind}`)))).toBe(1);
  const methods = ['password', 'key', 'agent', 'keyboard-interactive'];
  expect(
    await lines(methods.map((mode) => page.getByTestId(`pf-connection-auth-mode-${mode}`))),
  ).toBe(1);
  // Save keeps its words on one line beside Cancel; the keyboard hint gives way instead.
  const save = await page.getByTestId('pf-save').boundingBox();
  const cancel = await page.getByTestId('pf-cancel').boundingBox();
  expect(save?.height).toBe(cancel?.height);
  // Nothing of the form runs past its panel.
  const form = await profiles.form().boundingBox();
  for (const control of [page.getByTestId('pf-kind-ssh'), profiles.field('name')]) {
    const box = await control.boundingBox();
    expect(box && form && box.x + box.width <= form.x + form.width).toBe(true);
  }
});
