import fs from 'node:fs';
import path from 'node:path';
import type { ConnectConfig } from 'ssh2';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  reference?: { name: string; value: number; unit: string };
  /** The target from the issue, e.g. "≤ 1.3× reference". */
  target?: string;
  ratio?: number;
}

export function figure(
  name: string,
  value: number,
  unit: string,
  reference?: { name: string; value: number; unit: string },
  target?: string,
): Figure {
  return {
    name,
    value: round(value),
    unit,
    ...(reference === undefined
      ? {}
      : {
          reference: { ...reference, value: round(reference.value) },
          ratio: round(value / reference.value),
        }),
    ...(target === undefined ? {} : { target }),
  };
}

export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Prints each figure beside its reference and writes bench/results/<name>.json. */
export function report(name: string, figures: Figure[], context: Record<string, unknown>): void {
  console.log(`\n${name}`);
  for (const f of figures) {
    const ref =
      f.reference === undefined
        ? ''
        : `   vs ${f.reference.name}: ${f.reference.value} ${f.reference.unit}  (ratio ${f.ratio ?? '-'})`;
    console.log(
      `  ${f.name.padEnd(34)} ${String(f.value).padStart(10)} ${f.unit}${ref}${f.target ? `   target ${f.target}` : ''}`,
    );
  }
  const file = path.join(import.meta.dirname, 'results', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `${JSON.stringify({ name, at: new Date().toISOString(), node: process.version, ...context, figures }, null, 2)}\n`,
  );
  console.log(`  written to ${path.relative(process.cwd(), file)}`);
}

/** A V8 CPU profile as the inspector's `Profiler.stop` returns it (the parts read here). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** The functions with the most self time in a CPU profile, most first. */
export function hottestFunctions(
  cpu: CpuProfile,
  count = 25,
): { function: string; url: string; self_ms: number }[] {
  const self = new Map<number, number>();
  const samples = cpu.samples ?? [];
  const deltas = cpu.timeDeltas ?? [];
  samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));
  const byFunction = new Map<string, { function: string; url: string; self_ms: number }>();
  for (const node of cpu.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName}@${url}:${String(lineNumber)}`;
    const entry = byFunction.get(key) ?? {
      function: functionName || '(anonymous)',
      url: `${url.split('/').pop() ?? ''}:${String(lineNumber)}`,
      self_ms: 0,
    };
    entry.self_ms += (self.get(node.id) ?? 0) / 1000;
    byFunction.set(key, entry);
  }
  return [...byFunction.values()]
    .sort((a, b) => b.self_ms - a.self_ms)
    .slice(0, count)
    .map((e) => ({ ...e, self_ms: Math.round(e.self_ms * 10) / 10 }));
}

/** ssh2's connection to a benchmark's own sshd on this host, as root with `privateKey`. */
export function benchSshConfig(port: number, privateKey: string): ConnectConfig {
  return {
    host: '127.0.0.1',
    port,
    username: 'root',
    privateKey,
    // A server the benchmark started right here; trust is not what is measured.
    hostVerifier: () => true,
  };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Samples this process's peak RSS while `work` runs. */
export async function withPeakMemory<T>(
  work: () => Promise<T>,
): Promise<{ result: T; peakMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakMiB: peak / 1048576 };
  } finally {
    clearInterval(timer);
  }
}
