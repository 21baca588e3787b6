#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into native/electron/better_sqlite3.node, from a copy
// of the sources in a temp folder, so the Node build in node_modules is never touched (an
// in-place rebuild would replace it, and a failed one deletes it). The Electron host passes the
// result to better-sqlite3 as `nativeBinding`. When Electron or its headers are out of reach
// (CI machines), it prints one line and exits 0 quickly.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const outDir = path.join(root, 'native', 'electron');
const distUrl = 'https://electronjs.org/headers';

function skip(reason) {
  console.log(`build-electron-sqlite: skipped (${reason}); the Node build is unchanged.`);
  process.exit(0);
}

function readVersion(pkg) {
  try {
    return JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
  } catch {
    return null;
  }
}

const electronVersion = readVersion('electron');
if (electronVersion === null) skip('electron is not installed');
if (readVersion('better-sqlite3') === null) skip('better-sqlite3 is not installed');

const headers = `${distUrl}/v${electronVersion}/node-v${electronVersion}-headers.tar.gz`;
try {
  const response = await fetch(headers, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
  if (!response.ok) skip(`Electron headers answered HTTP ${response.status}`);
} catch (error) {
  skip(`Electron headers cannot be fetched: ${error instanceof Error ? error.message : error}`);
}

function findNodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const npmCli = process.env.npm_execpath;
    const candidate =
      npmCli &&
      path.join(path.dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    return candidate && fs.existsSync(candidate) ? candidate : null;
  }
}
const nodeGyp = findNodeGyp();
if (nodeGyp === null) skip('node-gyp was not found');

const source = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rackside-sqlite-electron-'));
try {
  for (const entry of ['package.json', 'binding.gyp', 'src', 'deps']) {
    fs.cpSync(path.join(source, entry), path.join(work, entry), { recursive: true });
  }
  // npm exports npm_config_nodedir (Node's headers) to scripts; it would override Electron's.
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (/^npm_config_(nodedir|target|runtime|dist_url)$/i.test(key)) delete env[key];
  const result = spawnSync(
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      '--runtime=electron',
      `--dist-url=${distUrl}`,
    ],
    { cwd: work, env, stdio: 'inherit', timeout: 15 * 60_000 },
  );
  if (result.status !== 0) skip(`node-gyp failed (exit ${result.status ?? result.signal})`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.copyFileSync(
    path.join(work, 'build', 'Release', 'better_sqlite3.node'),
    path.join(outDir, 'better_sqlite3.node'),
  );
  console.log(
    `build-electron-sqlite: built for Electron ${electronVersion} into ${path.relative(root, outDir)}/`,
  );
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
