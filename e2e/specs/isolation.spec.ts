import { expect, test } from '../support/fixtures';

test('the page has no Node or IPC globals', async ({ app }) => {
  const globals = await app.page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return ['require', 'process', 'ipcRenderer', 'module', 'Buffer', 'global', '__dirname'].filter(
      (name) => typeof w[name] !== 'undefined',
    );
  });
  expect(globals).toEqual([]);
});
