import { ProfilesPage } from '../pages/profiles-page';
import { expect, test } from '../support/fixtures';

test('in a 1024 px window the SSH form shows every login method and the jump host inside its panel', async ({
  app,
}) => {
  await app.page.setViewportSize({ width: 1024, height: 700 });
  const profiles = new ProfilesPage(app.page);
  await profiles.open();
  // A jump host with a long name, for the jump-host list.
  await profiles.startNew('ssh');
  await profiles.fill({
    name: 'bastion in the Frankfurt data centre, second floor, rack 12',
    'connection.host': '10.0.0.5',
    'connection.username': 'ops',
  });
  await profiles.save();

  await profiles.startNew('ssh');
  const panel = app.page.getByTestId('pf-connection');
  const panelBox = await panel.boundingBox();
  expect(panelBox).not.toBeNull();
  const right = (panelBox?.x ?? 0) + (panelBox?.width ?? 0);
  const parts = [
    ...['password', 'key', 'agent', 'keyboard-interactive'].map((mode) =>
      app.page.getByTestId(`pf-connection-auth-mode-${mode}`),
    ),
    profiles.field('connection.jumpHostId'),
  ];
  for (const part of parts) {
    const box = await part.boundingBox();
    expect(box).not.toBeNull();
    expect((box?.x ?? 0) + (box?.width ?? Infinity)).toBeLessThanOrEqual(right);
  }
  await profiles.choose('auth-mode', 'keyboard-interactive');
  await expect(app.page.locator('#pf-secrets-password-message')).toContainText(
    'Answers the server’s password question',
  );
});
