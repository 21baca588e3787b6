import { expect, test } from '../support/fixtures';

test('the window runs sandboxed, isolated, without Node integration', async ({ app }) => {
  const prefs = await app.electronApp!.evaluate(({ BrowserWindow }) => {
    const window = BrowserWindow.getAllWindows()[0];
    // Not in Electron's typings, but present at run time: the preferences the renderer really got.
    const contents = window?.webContents as
      { getLastWebPreferences(): Electron.WebPreferences | null } | undefined;
    const p = contents?.getLastWebPreferences();
    return (
      p && {
        sandbox: p.sandbox,
        contextIsolation: p.contextIsolation,
        nodeIntegration: p.nodeIntegration,
        nodeIntegrationInWorker: p.nodeIntegrationInWorker,
        webviewTag: p.webviewTag,
        webSecurity: p.webSecurity,
      }
    );
  });
  expect(prefs).toEqual({
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webviewTag: false,
    webSecurity: true,
  });
  expect(app.page.url()).toBe('app://rackside/index.html#/inventory');
});

test('window.open is denied and no second window appears', async ({ app }) => {
  const opened = await app.page.evaluate(() => window.open('https://example.com/') === null);
  expect(opened).toBe(true);
  const count = await app.electronApp!.evaluate(
    ({ BrowserWindow }) => BrowserWindow.getAllWindows().length,
  );
  expect(count).toBe(1);
});

test('navigation away from the app is blocked', async ({ app }) => {
  const before = app.page.url();
  await app.page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await app.shell.waitReady();
  expect(app.page.url()).toBe(before);
});

test('the bridge offers only invoke and on, and refuses unknown commands', async ({ app }) => {
  const result = await app.page.evaluate(async () => {
    const api = (
      window as unknown as { rackside: { invoke(c: string, p: unknown): Promise<unknown> } }
    ).rackside;
    return { keys: Object.keys(api).sort(), unknown: await api.invoke('vault:dump', {}) };
  });
  expect(result.keys).toEqual(['invoke', 'on']);
  expect(result.unknown).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
});
