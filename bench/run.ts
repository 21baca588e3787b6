/**
 * `npm run bench -- sync [--size N] [--profile]` and `npm run bench -- search [--size N]`: each
 * prints its figures beside a reference measured in the same run and writes
 * bench/results/<name>.json. `--profile` samples the CPU of the first sync and of the bare replay and prints where it went.
 * `npm run bench -- inventory [--size N]` measures the inventory UI in Chromium (100 000 assets
 * unless told otherwise; build first). `npm run bench -- ssh` runs the raw ssh2-vs-OpenSSH
 * throughput benchmark, then the end-to-end terminal benchmark in Chromium (build first).
 */
import { spawnSync } from 'node:child_process';

const [which = 'sync', ...rest] = process.argv.slice(2);
const sizeAt = rest.indexOf('--size');
const size = sizeAt >= 0 ? Number(rest[sizeAt + 1]) : which === 'inventory' ? 100_000 : 10_000;
if (!Number.isInteger(size) || size < 10 || size > 100_000) {
  throw new Error('--size takes a whole number from 10 to 100000');
}
/** The SSH benchmarks are scripts of their own (each parses its own options). */
function runScript(file: string, args: string[]): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`${file} failed (exit ${String(result.status)})`);
}

if (which === 'ssh') {
  runScript('bench/ssh-raw.ts', ['--mb', '256', '--runs', '3']);
  runScript('bench/ssh-e2e.ts', ['--mb', '16']);
} else if (which === 'sync') {
  // Each benchmark loads only its own modules: the browser benchmarks' Playwright, for one,
  // brings its own copy of zod, which installs itself in zod's shared global configuration.
  const { benchSync } = await import('./sync');
  await benchSync(size, { profile: rest.includes('--profile') });
} else if (which === 'search') {
  const { benchSearch } = await import('./search');
  await benchSearch(size);
} else if (which === 'inventory') {
  const { benchInventory } = await import('./inventory');
  await benchInventory(size);
} else throw new Error(`unknown benchmark "${which}" (sync, search, inventory or ssh)`);
