import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { transform } from 'esbuild';
import { z } from 'zod';

/**
 * Runs Electronegativity over the built app and fails on any finding that is not in the reviewed
 * allow-list (security/electronegativity-allow.json, a reason per entry). The tool exits 0 on
 * findings by itself, so this gate is what makes it count.
 *
 * Two adaptations: the scanner's parser predates class private fields, so it reads a copy of the
 * build lowered to ES2019; and its translation download and its network check
 * (AvailableSecurityFixesGlobalCheck) are switched off so the gate never leaves the machine.
 */

const AllowEntry = z
  .object({ check: z.string(), file: z.string(), reason: z.string().min(20) })
  .strict();
const AllowList = z.array(AllowEntry);
export type AllowEntry = z.infer<typeof AllowEntry>;

interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name: string };
  description: string;
}

interface ScanResult {
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: Issue[];
}

export interface GateReport {
  ok: boolean;
  unexpected: Issue[];
  unparsed: string[];
  unusedAllowances: AllowEntry[];
  allowed: number;
}

const require = createRequire(import.meta.url);

function loadScanner(): (options: Record<string, unknown>) => Promise<ScanResult> {
  const i18nPath = require.resolve('@doyensec/electronegativity/dist/locales/i18n.js');
  const gotPath = createRequire(i18nPath).resolve('got');
  const offline = (): Promise<never> => Promise.reject(new Error('offline by design'));
  require.cache[gotPath] = {
    id: gotPath,
    filename: gotPath,
    loaded: true,
    exports: Object.assign(offline, { default: offline }),
  } as unknown as NodeJS.Module;
  return require('@doyensec/electronegativity/dist/runner.js') as (
    options: Record<string, unknown>,
  ) => Promise<ScanResult>;
}

async function lowerCopy(buildDir: string): Promise<string> {
  const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'rackside-scan-'));
  await fs.cp(buildDir, copy, { recursive: true });
  const entries = await fs.readdir(copy, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !/\.(c|m)?js$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const source = await fs.readFile(file, 'utf8');
    const format = entry.name.endsWith('.cjs') ? 'cjs' : 'esm';
    const lowered = await transform(source, { target: 'es2019', format, loader: 'js' });
    await fs.writeFile(file, lowered.code);
  }
  return copy;
}

export async function runGate(
  buildDir: string,
  allowList: readonly AllowEntry[],
): Promise<GateReport> {
  const scan = loadScanner();
  const copy = await lowerCopy(buildDir);
  const originalLog = console.log;
  try {
    console.log = () => undefined; // the scanner chatters on stdout even when used as a library
    const result = await scan({
      input: copy,
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      isRelative: true,
      electronVersionOverride: '41.0.0',
    });
    const used = new Set<AllowEntry>();
    const unexpected = result.issues.filter((issue) => {
      const entry = allowList.find((a) => a.check === issue.id && a.file === issue.file);
      if (entry) used.add(entry);
      return entry === undefined;
    });
    const unparsed = result.errors
      .filter((e) => !e.tolerable)
      .map((e) => `${path.relative(copy, e.file)}: ${e.message}`);
    const unusedAllowances = allowList.filter((entry) => !used.has(entry));
    return {
      ok: unexpected.length === 0 && unparsed.length === 0 && unusedAllowances.length === 0,
      unexpected,
      unparsed,
      unusedAllowances,
      allowed: used.size,
    };
  } finally {
    console.log = originalLog;
    await fs.rm(copy, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const root = path.resolve(import.meta.dirname, '..');
  const buildDir = path.join(root, 'out');
  try {
    await fs.access(path.join(buildDir, 'main', 'index.js'));
  } catch {
    console.error('electronegativity gate: no build in out/ — run `npm run build` first.');
    return 1;
  }
  const allowFile = path.join(root, 'security', 'electronegativity-allow.json');
  const allowList = AllowList.parse(JSON.parse(await fs.readFile(allowFile, 'utf8')));
  const report = await runGate(buildDir, allowList);
  for (const issue of report.unexpected) {
    console.error(
      `✗ ${issue.id} (${issue.severity.name}) ${issue.file}:${issue.location.line} — ${issue.description}`,
    );
  }
  for (const line of report.unparsed) console.error(`✗ could not scan ${line}`);
  for (const entry of report.unusedAllowances) {
    console.error(
      `✗ allow-list entry no longer needed: ${entry.check} in ${entry.file} — remove it`,
    );
  }
  console.log(
    report.ok
      ? `electronegativity gate: passed (${report.allowed} reviewed exception(s), see security/electronegativity-allow.json)`
      : 'electronegativity gate: FAILED',
  );
  return report.ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exitCode = await main();
}
