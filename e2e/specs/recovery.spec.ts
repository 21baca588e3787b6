import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../support/browser-host-process';
import { expect, test } from '../support/fixtures';

/** The `rackside` command on the app's data folder, as a script or a terminal would run it. */
function rackside(dataDir: string, ...args: string[]) {
  const run = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'bin/rackside.mjs'), '--data-dir', dataDir, ...args],
    { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH } },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('a damaged database the CLI moved aside is reported at every start until dismissed', async ({
  app,
}) => {
  const database = path.join(app.dataDir, 'rackside.db');
  await app.restart({
    unlock: false,
    whileStopped: async () => {
      await fs.writeFile(database, Buffer.alloc(40_000, 7));
      const found = rackside(app.dataDir, 'profiles', 'list');
      expect(found.code).toBe(1);
      expect(found.stderr).toContain('is damaged (not an SQLite file)');
    },
  });
  // The app opened the new database the CLI started: it says what happened, before the unlock.
  const notice = app.page.getByTestId('notice');
  await expect(notice).toHaveAttribute('data-id', 'database-recovered');
  await expect(notice).toContainText(
    `The database ${database} is damaged (not an SQLite file). It was moved to ${database}.corrupt-`,
  );
  await app.vault.unlock(app.passphrase);
  await app.shell.waitReady();
  await expect(notice).toBeVisible();

  await app.restart();
  await expect(notice).toContainText(`It was moved to ${database}.corrupt-`);
  const later = rackside(app.dataDir, 'profiles', 'list');
  expect(later.stderr).toContain(`It was moved to ${database}.corrupt-`);

  await notice.getByTestId('notice-dismiss').click();
  await expect(notice).toBeHidden();
  await app.restart();
  await expect(app.page.getByTestId('nav-profiles')).toBeVisible();
  await expect(notice).toBeHidden();
  const dismissed = rackside(app.dataDir, 'profiles', 'list');
  expect(dismissed).toMatchObject({ code: 0, stderr: '' });
});
