#!/usr/bin/env node
// Starts Rackside for a person at the keyboard: builds when the sources changed, then opens the
// Electron app (fetching its runtime on first use) or, with --browser, the browser host.
//
//   npm start                      the app on your own data folder
//   npm run demo                   the built-in lab, and the app connected to it, on the demo data
//                                  folder (.rackside-dev/demo), unlocked with the demo passphrase
//   npm run demo -- --browser      the same in your browser: prints the address to open
//   options: --data-dir DIR, --port N (browser host), --lab-size N, --seed S, --no-lab
import { spawn, spawnSync } from 'node:child_process';
import readline from 'node:readline';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const [mode, ...rest] = process.argv.slice(2);

function fail(message) {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

let options;
try {
  options = parseArgs({
    args: rest,
    options: {
      browser: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'lab-size': { type: 'string', default: '300' },
      seed: { type: 'string', default: '7' },
      'no-lab': { type: 'boolean', default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(
    `${error.message}\nUsage: npm run demo -- [--browser] [--port N] [--data-dir DIR] [--lab-size N] [--seed S] [--no-lab]`,
  );
}

function newestMtime(target) {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target))
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function buildIfStale() {
  const built = path.join(root, 'out', 'main', 'index.js');
  const inputs = ['src', 'package.json', 'electron.vite.config.ts'].map((p) => path.join(root, p));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= Math.max(...inputs.map(newestMtime)))
    return;
  process.stderr.write('Building Rackside…\n');
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (result.status !== 0) fail('The build failed; see the errors above.');
}

function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

function ensureElectron() {
  const present = electronBinary();
  if (present) return present;
  process.stderr.write('Fetching the Electron runtime (first start only)…\n');
  const install = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron/install.js')],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const fetched = install.status === 0 ? electronBinary() : undefined;
  if (!fetched) {
    fail(
      [
        'Rackside could not download the Electron runtime (are you offline, or behind a proxy?).',
        'Either connect and run the same command again, or run Rackside in your browser instead:',
        '',
        '    npm run demo -- --browser',
      ].join('\n'),
    );
  }
  return fetched;
}

/** better-sqlite3 must also exist built for Electron's ABI (scripts/build-electron-sqlite.mjs). */
function ensureElectronSqlite() {
  const binding = path.join(root, 'native', 'electron', 'better_sqlite3.node');
  if (fs.existsSync(binding)) return;
  process.stderr.write('Building the database module for Electron (first start only)…\n');
  spawnSync(process.execPath, [path.join(root, 'scripts', 'build-electron-sqlite.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (!fs.existsSync(binding)) {
    fail(
      [
        'Rackside could not build its database module for Electron (it needs Electron’s headers,',
        'which are downloaded once). Connect and run the same command again, or use the browser:',
        '',
        '    npm run demo -- --browser',
      ].join('\n'),
    );
  }
}

const demoPassphrase = 'rackside demo vault';
const children = [];
/** Set once the launcher itself is told to stop: its children stopping then is no news. */
let stopping = false;
/** Once the app runs, a stop signal is passed on to it (`run`) and the launcher ends with it. */
let appRunning = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    if (!appRunning) process.exit(130);
  });
}
process.on('exit', () => {
  for (const child of children) child.kill('SIGTERM');
});

/** Starts `npm run lab` as a child and resolves with its manifest once it prints `lab ready`. */
function startLab(dataDir) {
  const manifest = path.join(dataDir, 'lab-manifest.json');
  const size = options['lab-size'];
  const seed = options.seed;
  process.stderr.write(`Starting the lab (${size} assets, seed ${seed})…\n`);
  fs.mkdirSync(dataDir, { recursive: true });
  const lab = spawn(
    process.execPath,
    ['--import', 'tsx', 'lab/cli.ts', '--size', size, '--seed', seed, '--manifest', manifest],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(lab);
  return new Promise((resolve) => {
    let ready = false;
    const lines = readline.createInterface({ input: lab.stdout });
    lines.on('line', (line) => {
      process.stderr.write(`  lab │ ${line}\n`);
      if (line === 'lab ready') {
        ready = true;
        resolve(manifest);
      }
    });
    lab.once('exit', (code, signal) => {
      const how = code === null ? `signal ${signal ?? 'unknown'}` : `exit ${code}`;
      if (!ready) fail(`The lab stopped (${how}); see above.`);
      if (stopping) return;
      // Stopping the lab is how the demo goes offline: Rackside keeps running on what it synced.
      process.stderr.write(
        `\nThe lab stopped (${how}). Rackside keeps running on the data it synced; its sources now show as offline.\n`,
      );
    });
  });
}

/** Runs the rackside CLI on the demo store; its report goes to stderr. */
function demoCli(dataDir, args, what) {
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'bin', 'rackside.mjs'), '--data-dir', dataDir, ...args],
    {
      cwd: root,
      // Its report goes to stderr: stdout carries only the browser host's address line.
      stdio: ['ignore', 2, 'inherit'],
      env: { ...process.env, RACKSIDE_PASSPHRASE: demoPassphrase },
    },
  );
  if (result.status !== 0) fail(`${what} failed; see above.`);
}

function run(command, args, extraEnv = {}) {
  const env = { ...process.env, ...extraEnv };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  children.push(child);
  appRunning = true;
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (mode !== 'electron' && mode !== 'demo') fail(`unknown launch mode: ${mode ?? '(none)'}`);
const dataDir =
  options['data-dir'] ?? (mode === 'demo' ? path.join(root, '.rackside-dev', 'demo') : undefined);
const dataArgs = dataDir ? ['--data-dir', path.resolve(dataDir)] : [];

buildIfStale();
if (options.port && !options.browser) fail('--port applies only with --browser.');
const electron = options.browser ? undefined : ensureElectron();
if (electron) ensureElectronSqlite();

let unlockEnv = {};
if (mode === 'demo' && !options['no-lab']) {
  const manifest = await startLab(path.resolve(dataDir));
  // Import updates the profiles in place on later runs (the lab's ports change every start).
  demoCli(path.resolve(dataDir), ['profiles', 'import', manifest], 'Importing the lab profiles');
  process.stderr.write('Syncing the lab into the inventory…\n');
  demoCli(path.resolve(dataDir), ['sync', '--all'], 'The first sync of the lab');
  process.stderr.write(`Demo vault passphrase: "${demoPassphrase}" (the app opens unlocked).\n`);
  unlockEnv = { RACKSIDE_PASSPHRASE: demoPassphrase };
}

if (electron) {
  run(electron, [path.join(root, 'out/main/index.js'), ...dataArgs], unlockEnv);
} else {
  run(
    process.execPath,
    [
      path.join(root, 'out/main/browser.js'),
      ...dataArgs,
      ...(options.port ? ['--port', options.port] : []),
    ],
    unlockEnv,
  );
}
