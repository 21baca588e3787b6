import { defineConfig } from '@playwright/test';
import { electronBinary } from './e2e/support/electron';

// With an Electron binary the journeys run in the real app (plus Electron-only checks);
// without one (CI), they run against the browser host in Debian's Chromium.
const electron = electronBinary() !== undefined;

export default defineConfig({
  testDir: 'e2e/specs',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-reports/e2e.json' }]],
  use: { trace: 'off', screenshot: 'only-on-failure' },
  projects: electron
    ? [{ name: 'electron', testIgnore: /\.browser\.spec\.ts$/ }]
    : [{ name: 'browser', testIgnore: /\.electron\.spec\.ts$/ }],
});
